import ArgumentParser
import LesionBatch
import LesionBenchmark
import LesionIO
import LesionPipeline
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
            try benchmark.measure(program: FileSystem.executablePath() ?? "lesiontrack", study: scaled, pipeline: pipeline) { m in
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
            print("outputs kept in \(folder)")
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
