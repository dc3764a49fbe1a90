import ArgumentParser
import LesionBatch
import LesionBenchmark
import LesionIO
import LesionScan
import LesionStudy

struct BenchBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-batch",
        abstract: "Time `run … participant` on the example study scaled up: scans/s, megavoxels/s, peak memory.",
        discussion: """
            Replicates Fixtures/study under new participant labels until it holds at least \
            --scans NIfTI files, runs this program on it once per --jobs value (a fresh output \
            folder each) and once more unchanged, and prints wall time, throughput and the \
            child's peak resident memory. Build in release mode before measuring.
            """
    )

    @Option(help: "The study to scale (default: Fixtures/study of this installation).")
    var study: String?

    @Option(help: "Scale the study to at least this many scans.")
    var scans: Int = 200

    @Option(help: "The --jobs values to time (comma-separated).")
    var jobs: String = "1,2"

    @Option(help: "The folder for the scaled study and the outputs (default: a new folder under /tmp).")
    var work: String?

    @Option(help: "The pipeline file (default: the built-in pipeline).")
    var pipeline: String?

    func run() throws {
        let widths = jobs.split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 }
        guard !widths.isEmpty else { throw ValidationError("--jobs takes widths such as 1,2") }
        try reportingErrors { () throws(ScanError) in
            let studyFolder = if let study { study } else { try Self.locateStudy() }
            let folder = work ?? "/tmp/lesiontrack-bench-batch-\(getpid())"
            let benchmark = BatchBenchmark(study: studyFolder, work: folder, targetScans: scans, jobs: widths)
            let (scaled, count, participants) = try benchmark.prepare()
            print("lesiontrack \(LesionTrackVersion.current) bench-batch: \(MachineInfo.current().summary)")
            print("study: \(studyFolder) scaled to \(participants) participants, \(count) NIfTI files, in \(scaled)")
            print("run                jobs  scans  megavoxels  seconds  scans/s  megavoxels/s  peak MiB  status")
            var first: [Int: Double] = [:]
            var stages: [BatchBenchmark.Measurement] = []
            try benchmark.measure(program: FileSystem.executablePath() ?? "lesiontrack", study: scaled, pipeline: pipeline) { m in
                if !m.stageSeconds.isEmpty && m.visits > 0 { stages.append(m) }
                if m.label == "first run" { first[m.jobs] = m.seconds }
                print(
                    Self.pad(m.label, 18) + Self.pad(String(m.jobs), 6, right: true) + Self.pad(String(m.scans), 7, right: true)
                        + Self.pad(Self.number(m.megavoxels), 12, right: true) + Self.pad(Self.number(m.seconds), 9, right: true)
                        + Self.pad(Self.number(Double(m.scans) / m.seconds), 9, right: true)
                        + Self.pad(Self.number(m.megavoxels / m.seconds), 14, right: true)
                        + Self.pad(Self.number(m.peakResidentMiB), 10, right: true) + Self.pad(String(m.status), 8, right: true))
            }
            if let one = first[1], let two = first[2] {
                print("speed-up of --jobs 2 over --jobs 1: \(Self.number(one / two))×")
            }
            Self.printStages(stages)
            print("outputs kept in \(folder)")
        }
    }

    /// Milliseconds per visit in each stage (summed over jobs running side by side), with shares.
    static func printStages(_ runs: [BatchBenchmark.Measurement]) {
        guard let names = runs.first?.stageSeconds.map(\.0) else { return }
        print("")
        print("per visit, by stage (ms; jobs running side by side each add their own; report: `lesiontrack report` afterwards)")
        print(pad("run", 18) + pad("visits", 8, right: true) + names.map { pad($0, 16, right: true) }.joined())
        for m in runs {
            let total = m.stageSeconds.reduce(0) { $0 + $1.1 }
            let slowest = m.stageSeconds.max { $0.1 < $1.1 }?.0 ?? ""
            var line = pad("\(m.label), \(m.jobs) job\(m.jobs == 1 ? "" : "s")", 18) + pad(String(m.visits), 8, right: true)
            for name in names {
                let value = m.stageSeconds.first { $0.0 == name }?.1 ?? 0
                let share = total > 0 ? Int((100 * value / total).rounded()) : 0
                line += pad("\(number(1000 * value / Double(m.visits))) (\(share) %)", 16, right: true)
            }
            print(line + "  slowest: \(slowest)")
        }
    }

    static func locateStudy() throws(ScanError) -> String {
        var directory = FileSystem.executablePath() ?? ""
        while let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
            let candidate = directory + "/Fixtures/study"
            if FileSystem.kind(candidate) == .directory { return candidate }
        }
        throw ScanError("Fixtures/study", "not found beside the program or in any folder above it: pass --study DIR")
    }

    static func number(_ x: Double) -> String { JSON.number((x * 100).rounded() / 100) }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
