import LesionIO

/// Reports a batch run's progress on standard error and its summary on standard output, then
/// the progress of its review report.
///
/// - `bar`: one line redrawn in place (a terminal): a bar, participants done of all, scans
///   read, errors, scans per second and the time left, estimated from the mean time per
///   participant so far; then, for the report, pages written of all and the time left.
/// - `plain`: one line per processed participant (and, verbose, per unchanged one), then one
///   line per report page.
/// - `json`: one JSON object per line and event on standard error; the summary as JSON.
/// - `quiet`: nothing but the error lines.
///
/// Every input error is printed as one line `lesiontrack: FILE: problem` in the text modes (the
/// bar is cleared first), whatever the verbosity.
public final class ProgressReporter {
    public enum Mode: Sendable {
        case bar
        case plain
        case json
        case quiet
    }

    let mode: Mode
    private let verbose: Bool
    private var total = 0
    private var done = 0
    private var scans = 0
    private var errors = 0
    private var start = ContinuousClock.now
    private var barShown = false
    /// Pages of the review report written, and to write; nil outside the report phase.
    private var pages: (done: Int, total: Int)?

    public init(mode: Mode, verbose: Bool) {
        self.mode = mode
        self.verbose = verbose
    }

    /// `bar` when standard error is a terminal, else `plain`.
    public static func textMode() -> Mode { isatty(2) == 1 ? .bar : .plain }

    func started(participants: Int, jobs: Int) {
        total = participants
        start = ContinuousClock.now
        switch mode {
        case .json: emit("{\"event\": \"start\", \"participants\": \(participants), \"jobs\": \(jobs)}")
        case .plain where verbose: emit("lesiontrack: \(participants) participants, \(jobs) jobs")
        case .bar: drawBar()
        default: break
        }
    }

    func unchanged(_ participantID: String) {
        done += 1
        switch mode {
        case .json: emit("{\"event\": \"unchanged\", \"participant_id\": \(JSON.string(participantID))}")
        case .plain where verbose: emit("\(participantID): unchanged, skipped")
        case .bar: drawBar()
        default: break
        }
    }

    func processed(_ outcome: PatientOutcome) {
        done += 1
        scans += outcome.scansRead
        errors += outcome.errors.count
        switch mode {
        case .json:
            for e in outcome.errors {
                emit(
                    "{\"event\": \"error\", \"participant_id\": \(JSON.string(e.participantID)), \"session_id\": \(e.sessionID.map(JSON.string) ?? "null"), \"file\": \(JSON.string(e.file)), \"stage\": \(JSON.string(e.stage.rawValue)), \"message\": \(JSON.string(e.message))}"
                )
            }
            emit(
                "{\"event\": \"participant\", \"participant_id\": \(JSON.string(outcome.participantID)), \"status\": \(JSON.string(outcome.status.rawValue)), \"sessions\": \(outcome.sessionsUsed), \"scans\": \(outcome.scansRead), \"errors\": \(outcome.errors.count), \"seconds\": \(JSON.number(outcome.seconds))}"
            )
        case .plain, .bar, .quiet:
            clearBar()
            for e in outcome.errors { emit("lesiontrack: \(e.file): \(e.message)") }
            if mode == .plain {
                emit(
                    "\(outcome.participantID): \(outcome.status.rawValue), \(outcome.sessionsUsed) of \(outcome.sessionsFound) sessions, \(outcome.scansRead) scans, \(BatchSummary.format(outcome.seconds)) s"
                )
            }
            if mode == .bar { drawBar() }
        }
    }

    func finished(_ summary: BatchSummary) {
        clearBar()
        switch mode {
        case .json: print(summary.json, terminator: "")
        case .plain, .bar: print(summary.text, terminator: "")
        case .quiet: break
        }
    }

    /// The review report is about to write `count` participant pages.
    public func reportStarted(pages count: Int) {
        pages = (0, count)
        start = ContinuousClock.now
        switch mode {
        case .json: emit("{\"event\": \"report_start\", \"pages\": \(count)}")
        case .plain: emit("report: \(count) participant page\(count == 1 ? "" : "s") to write")
        case .bar: drawReportBar()
        case .quiet: break
        }
    }

    /// The report page of `participantID` is written.
    public func reportWrote(_ participantID: String) {
        guard let current = pages else { return }
        let next = (done: current.done + 1, total: current.total)
        pages = next
        switch mode {
        case .json:
            emit(
                "{\"event\": \"report_page\", \"participant_id\": \(JSON.string(participantID)), \"done\": \(next.done), \"pages\": \(next.total)}"
            )
        case .plain: emit("report: \(participantID).html, \(next.done) of \(next.total)")
        case .bar: drawReportBar()
        case .quiet: break
        }
    }

    /// The report's index is written: the report is complete.
    public func reportFinished(folder: String) {
        let seconds = BatchRunner.seconds(since: start)
        clearBar()
        pages = nil
        switch mode {
        case .json: emit("{\"event\": \"report_done\", \"folder\": \(JSON.string(folder)), \"seconds\": \(JSON.number(seconds))}")
        case .plain, .bar: emit("report: \(folder)/index.html written in \(BatchSummary.format(seconds)) s")
        case .quiet: break
        }
    }

    private func drawBar() {
        let elapsed = BatchRunner.seconds(since: start)
        let rate = elapsed > 0 ? BatchSummary.format(Double(scans) / elapsed) : "0"
        let line = Self.barLine(
            done: done, total: total, elapsed: elapsed,
            what: "\(done)/\(total) participants, \(scans) scans, \(errors) error\(errors == 1 ? "" : "s"), \(rate) scans/s")
        write(2, "\r\u{1B}[K" + line)
        barShown = true
    }

    private func drawReportBar() {
        guard let pages else { return }
        let line = Self.barLine(
            done: pages.done, total: pages.total, elapsed: BatchRunner.seconds(since: start),
            what: "report: \(pages.done)/\(pages.total) pages")
        write(2, "\r\u{1B}[K" + line)
        barShown = true
    }

    /// `[####....] WHAT, ETA m:ss`: the time left estimated from the mean time per item so far
    /// (`--:--` before the first).
    static func barLine(done: Int, total: Int, elapsed: Double, what: String) -> String {
        let width = 24
        let filled = total == 0 ? width : width * min(done, total) / total
        var eta = "--:--"
        if done > 0 && done < total {
            let left = Int((elapsed / Double(done) * Double(total - done)).rounded())
            eta = "\(left / 60):" + (left % 60 < 10 ? "0" : "") + "\(left % 60)"
        } else if done >= total {
            eta = "0:00"
        }
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(what), ETA \(eta)"
    }

    private func clearBar() {
        guard barShown else { return }
        write(2, "\r\u{1B}[K")
        barShown = false
    }

    private func emit(_ line: String) { write(2, line + "\n") }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
