import LesionEngines
import LesionIO

/// `lesiontrack bench-batch`: cohort throughput and peak memory of `run … participant`.
///
/// The example study is replicated under new participant labels (`sub-01` → `sub-01r1`,
/// `sub-01r2`, …, files renamed alike) until it holds at least `targetScans` NIfTI files; then
/// the program runs itself as a child process on that study, once per `--jobs` value into a
/// fresh output folder, and once more with the last value into the same folder (a rerun, which
/// finds every participant unchanged). Wall time is measured around each child and peak memory
/// is the child's maximum resident set size (`wait4`'s `ru_maxrss`).
public struct BatchBenchmark {
    public let study: String
    public let work: String
    public let targetScans: Int
    public let jobs: [Int]

    public init(study: String, work: String, targetScans: Int, jobs: [Int]) {
        self.study = study
        self.work = work
        self.targetScans = targetScans
        self.jobs = jobs
    }

    /// One measured run.
    public struct Measurement: Sendable {
        public let label: String
        public let jobs: Int
        public let scans: Int
        public let megavoxels: Double
        public let seconds: Double
        public let peakResidentMiB: Double
        public let status: Int32
        /// Visits used (sessions of processed participants).
        public var visits = 0
        /// Seconds per stage summed over participants (`StageSeconds` names), then `report`: the
        /// `lesiontrack report` run on the output afterwards, when it was timed.
        public var stageSeconds: [(String, Double)] = []
    }

    /// Builds the scaled study; returns its folder and the number of NIfTI files in it.
    public func prepare() throws(ScanError) -> (folder: String, scans: Int, participants: Int) {
        let scaled = FileSystem.join(work, "study")
        try FileSystem.makeDirectory(work)
        try FileSystem.makeDirectory(scaled)
        let participants = try FileSystem.list(study).filter { $0.hasPrefix("sub-") }
        var perCopy = 0
        try countNIfTI(study) { (path: String) throws(ScanError) in
            if participants.contains(where: { path.contains("/" + $0 + "/") }) { perCopy += 1 }
        }
        guard perCopy > 0 else { throw ScanError(study, "holds no participant's NIfTI files") }
        let copies = (targetScans + perCopy - 1) / perCopy
        var table = ""
        let original = FileSystem.join(study, "participants.tsv")
        let rows =
            FileSystem.kind(original) == .file
            ? String(decoding: try FileSystem.read(original), as: UTF8.self).split(separator: "\n").map(String.init) : []
        if let header = rows.first { table = header + "\n" }
        for copy in 1...copies {
            for participant in participants {
                let renamed = participant + "r\(copy)"
                try copyTree(FileSystem.join(study, participant), to: FileSystem.join(scaled, renamed), from: participant, to: renamed)
                let derivatives = FileSystem.join(study, "derivatives")
                for pipeline in (try? FileSystem.list(derivatives)) ?? [] {
                    let source = FileSystem.join(FileSystem.join(derivatives, pipeline), participant)
                    guard FileSystem.kind(source) == .directory else { continue }
                    try makePath(FileSystem.join(FileSystem.join(scaled, "derivatives"), pipeline))
                    try copyTree(
                        source, to: FileSystem.join(FileSystem.join(FileSystem.join(scaled, "derivatives"), pipeline), renamed),
                        from: participant, to: renamed)
                }
                if let row = rows.dropFirst().first(where: { $0.hasPrefix(participant + "\t") }) {
                    table += renamed + row.dropFirst(participant.count) + "\n"
                }
            }
        }
        if !table.isEmpty { try AtomicFile.write(Array(table.utf8), to: FileSystem.join(scaled, "participants.tsv")) }
        return (scaled, perCopy * copies, participants.count * copies)
    }

    /// Runs `program run STUDY OUT participant --jobs J` for each width, then a rerun.
    public func measure(program: String, study scaled: String, pipeline: String?, report: (Measurement) -> Void) throws(ScanError) {
        var last = ""
        for width in jobs {
            last = FileSystem.join(work, "out-jobs\(width)")
            try removeTree(last)
            var first = try runChild(program, scaled, last, pipeline, width, label: "first run")
            // The review report, which `run` writes after its summary, timed on its own.
            let start = ContinuousClock.now
            let (status, _) = try ChildProcess.run([program, "report", last], standardOutput: "/dev/null")
            if status == 0 { first.stageSeconds.append(("report", BatchRunner.seconds(since: start))) }
            report(first)
        }
        if let width = jobs.last {
            report(try runChild(program, scaled, last, pipeline, width, label: "rerun, unchanged"))
        }
    }

    private func runChild(
        _ program: String, _ scaled: String, _ output: String, _ pipeline: String?, _ width: Int, label: String
    ) throws(ScanError) -> Measurement {
        let summary = FileSystem.join(work, "summary.json")
        let arguments =
            [program, "run", scaled, output, "participant", "--jobs", String(width), "--log-format", "json", "--no-report"]
            + (pipeline.map { ["--pipeline", $0] } ?? [])
        let start = ContinuousClock.now
        let (status, peakKiB) = try ChildProcess.run(arguments, standardOutput: summary)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let text = String(decoding: try FileSystem.read(summary), as: UTF8.self)
        guard status == 0 || status == 1, let scans = Self.number("scans_read", in: text),
            let megavoxels = Self.number("megavoxels_read", in: text)
        else {
            throw ScanError(program, "the benchmarked run exited with status \(status): \(text.prefix(200))", kind: .internal)
        }
        var measurement = Measurement(
            label: label, jobs: width, scans: Int(scans), megavoxels: megavoxels, seconds: seconds,
            peakResidentMiB: Double(peakKiB) / 1024, status: status)
        measurement.visits = Int(Self.number("sessions_used", in: text) ?? 0)
        if let range = text.range(of: "\"stage_seconds\": {") {
            let stages = String(text[range.upperBound...].prefix { $0 != "}" })
            measurement.stageSeconds = StageSeconds().named.compactMap { name, _ in
                Self.number(name, in: stages).map { (name, $0) }
            }
        }
        return measurement
    }

    /// The number after `"key": ` in a one-line JSON object.
    static func number(_ key: String, in text: String) -> Double? {
        guard let range = text.range(of: "\"\(key)\": ") else { return nil }
        return Double(text[range.upperBound...].prefix { "0123456789.e-+".contains($0) })
    }

    private func countNIfTI(_ folder: String, _ body: (String) throws(ScanError) -> Void) throws(ScanError) {
        for name in try FileSystem.list(folder) {
            let path = FileSystem.join(folder, name)
            if FileSystem.kind(path) == .directory {
                try countNIfTI(path, body)
            } else if name.hasSuffix(".nii") || name.hasSuffix(".nii.gz") {
                try body(path)
            }
        }
    }

    private func copyTree(_ source: String, to destination: String, from old: String, to new: String) throws(ScanError) {
        try FileSystem.makeDirectory(destination)
        for name in try FileSystem.list(source) {
            let from = FileSystem.join(source, name)
            let renamed = name.hasPrefix(old + "_") ? new + name.dropFirst(old.count) : name
            if FileSystem.kind(from) == .directory {
                try copyTree(from, to: FileSystem.join(destination, renamed), from: old, to: new)
            } else {
                try VerifiedCopy.copy(from, to: FileSystem.join(destination, renamed), sha256: try ContentHash.of(file: from).sha256)
            }
        }
    }

    private func makePath(_ path: String) throws(ScanError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            try FileSystem.makeDirectory(current)
        }
    }

    private func removeTree(_ path: String) throws(ScanError) {
        guard FileSystem.kind(path) == .directory else { return }
        for name in try FileSystem.list(path) {
            let child = FileSystem.join(path, name)
            var info = stat()
            if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { try removeTree(child) } else { unlink(child) }
        }
        rmdir(path)
    }
}
