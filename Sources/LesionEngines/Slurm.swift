/// The Slurm workload manager's client commands (`sbatch`, `squeue`, `scontrol`, `sacct`, `scancel`):
/// submitting batch scripts and asking how their jobs and array tasks stand.
///
/// Every call is a child process (``ChildProcess``); the commands find their cluster as they
/// always do (`SLURM_CONF`, or `/etc/slurm/slurm.conf`). References: sbatch(1) (`--parsable`
/// prints `jobid[;cluster]`), scontrol(1) (`show job -o`: one line per job record, `Key=Value`
/// fields), sacct(1) (`-P`: `|`-separated fields).
public enum Slurm {
    /// A client command of Slurm.
    public enum Command: String, Sendable, CaseIterable {
        case sbatch, squeue, scontrol, sacct, scancel
    }

    /// What to do when a client command is missing.
    public static let installHint =
        "install Slurm's client commands and put them on PATH (Debian: apt-get install slurm-client; a whole single-node cluster: slurm-wlm and munge)"

    /// The absolute path of a client command on `path` (default: `PATH`).
    public static func locate(_ command: Command, path: String? = nil) throws(EngineError) -> String {
        guard let found = ChildProcess.locate(command.rawValue, path: path) else {
            throw EngineError(command.rawValue, "not found on PATH", remedy: installHint)
        }
        return found
    }

    /// Submits a batch script with `sbatch --parsable ARGUMENTS SCRIPT` and returns its job ID.
    public static func submit(_ script: String, arguments: [String] = []) throws(EngineError) -> String {
        let sbatch = try locate(.sbatch)
        let outcome = try ChildProcess.run(
            [sbatch, "--parsable"] + arguments + [script], standardOutput: .capture, standardError: .capture)
        guard outcome.status == 0 else {
            throw EngineError(sbatch, "refused \(script): \(firstLine(outcome.standardError, or: "exit status \(outcome.status)"))")
        }
        guard let id = jobID(parsable: outcome.standardOutput) else {
            throw EngineError(sbatch, "printed no job ID for \(script): \(firstLine(outcome.standardOutput, or: "nothing"))")
        }
        return id
    }

    /// The job ID in `sbatch --parsable` output (`123` or `123;cluster`); nil when there is none.
    public static func jobID(parsable output: String) -> String? {
        let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else { return nil }
        return id
    }

    /// How one job record stands: a plain job, one array task, or the still pending tasks of an
    /// array that Slurm keeps as one record (`arrayTasks` then a range such as `1-2`).
    public struct JobState: Sendable, Equatable {
        /// The record's own job ID.
        public let jobID: String
        /// The array's job ID (`%A`), nil for a plain job.
        public let arrayJobID: String?
        /// The task index (`%a`), a range or list of pending ones, or nil for a plain job.
        public let arrayTasks: String?
        /// `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`, `OUT_OF_MEMORY`, …
        public let state: String
        /// `status:signal`, as Slurm prints it (`1:0`: exit status 1; `0:9`: SIGKILL).
        public let exitCode: String

        public init(jobID: String, arrayJobID: String?, arrayTasks: String?, state: String, exitCode: String) {
            self.jobID = jobID
            self.arrayJobID = arrayJobID
            self.arrayTasks = arrayTasks
            self.state = state
            self.exitCode = exitCode
        }

        /// True once the record can change no more.
        public var isFinished: Bool { !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED"].contains(state) }
    }

    /// The records of job `id` (every task of an array) from `scontrol show job -o ID`; Slurm
    /// forgets finished jobs after `MinJobAge`, and then `sacct` is asked (when accounting is on).
    public static func states(of id: String) throws(EngineError) -> [JobState] {
        let scontrol = try locate(.scontrol)
        let outcome = try ChildProcess.run([scontrol, "show", "job", "-o", id], standardOutput: .capture, standardError: .capture)
        if outcome.status == 0 { return parseScontrol(outcome.standardOutput) }
        guard let sacct = try? locate(.sacct) else {
            throw EngineError(scontrol, "job \(id): \(firstLine(outcome.standardError, or: "exit status \(outcome.status)"))")
        }
        let accounted = try ChildProcess.run(
            [sacct, "-n", "-P", "-X", "-j", id, "-o", "JobID,State,ExitCode"], standardOutput: .capture, standardError: .capture)
        guard accounted.status == 0 else {
            throw EngineError(
                scontrol,
                "job \(id): \(firstLine(outcome.standardError, or: "unknown")); sacct: \(firstLine(accounted.standardError, or: "exit status \(accounted.status)"))"
            )
        }
        return parseSacct(accounted.standardOutput)
    }

    /// Parses `scontrol show job -o` output: one record per line, fields `Key=Value` separated by
    /// spaces.
    public static func parseScontrol(_ text: String) -> [JobState] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            var fields: [Substring: Substring] = [:]
            for token in line.split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { continue }
                let key = token[..<equals]
                if fields[key] == nil { fields[key] = token[token.index(after: equals)...] }
            }
            guard let id = fields["JobId"], let state = fields["JobState"] else { return nil }
            return JobState(
                jobID: String(id), arrayJobID: fields["ArrayJobId"].map(String.init), arrayTasks: fields["ArrayTaskId"].map(String.init),
                state: String(state), exitCode: fields["ExitCode"].map(String.init) ?? "")
        }
    }

    /// Parses `sacct -n -P -o JobID,State,ExitCode` output (`12_3|FAILED|1:0`; a state may carry a
    /// suffix such as `CANCELLED by 0`).
    public static func parseSacct(_ text: String) -> [JobState] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, !fields[0].isEmpty else { return nil }
            let parts = fields[0].split(separator: "_", maxSplits: 1).map(String.init)
            let state = fields[1].split(separator: " ").first.map(String.init) ?? fields[1]
            return JobState(
                jobID: fields[0], arrayJobID: parts.count == 2 ? parts[0] : nil, arrayTasks: parts.count == 2 ? parts[1] : nil,
                state: state, exitCode: fields[2])
        }
    }

    /// Cancels a job or one array task (`ID_TASK`) with `scancel`.
    public static func cancel(_ id: String) throws(EngineError) {
        let scancel = try locate(.scancel)
        let outcome = try ChildProcess.run([scancel, id], standardError: .capture)
        guard outcome.status == 0 else {
            throw EngineError(scancel, "job \(id): \(firstLine(outcome.standardError, or: "exit status \(outcome.status)"))")
        }
    }

    private static func firstLine(_ text: String, or fallback: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? fallback
    }
}
