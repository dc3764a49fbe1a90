import Dispatch
import LesionIO

/// SIGINT and SIGTERM during `run`: a clean stop instead of the abrupt end of SIGKILL.
///
/// While installed, either signal finishes the progress line, marks the run row `interrupted`
/// (waiting for a commit in progress, which is kept), prints one line saying how many
/// participants this run committed, and exits with 128 + the signal number (130, 143) at once.
/// Participants in flight are abandoned exactly as after a kill: nothing of theirs is
/// committed, their `.partial` files are removed by the next run, which processes them again.
final class RunInterruption {
    private let sources: [any DispatchSourceSignal]
    private static let signals: [Int32] = [SIGINT, SIGTERM]

    init(database: ResultsDatabase, runID: Int64, mode: ProgressReporter.Mode) {
        let queue = DispatchQueue(label: "lesiontrack.interruption")
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                let committed = (try? database.markInterrupted(runID)) ?? 0
                let line: String
                switch mode {
                case .json:
                    line = "{\"event\": \"interrupted\", \"signal\": \"\(name)\", \"committed\": \(committed)}\n"
                case .bar:
                    line = "\r\u{1B}[K" + Self.message(name, committed)
                default:
                    line = Self.message(name, committed)
                }
                _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
                _exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    static func message(_ signal: String, _ committed: Int) -> String {
        "lesiontrack: interrupted (\(signal)): \(committed) participant\(committed == 1 ? "" : "s") committed by this run kept; those in progress abandoned: run again to finish them\n"
    }

    /// Restores the default actions.
    func remove() {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
