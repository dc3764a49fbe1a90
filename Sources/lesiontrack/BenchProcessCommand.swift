import ArgumentParser
import LesionBatch
import LesionBenchmark
import LesionIO
import LesionKernels
import LesionScan

struct BenchProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-process",
        abstract: "Time every stage of `label` on a file, and the Python pipeline beside it, in one run.",
        discussion: """
            For each file prints, per stage (header check, decompression, conversion, kernel, \
            statistics, output writing), the median time and its share of the whole: in this process \
            with libdeflate (as `label` reads and writes .nii.gz), with zlib's streams (as before \
            libdeflate), and for the Python pipeline (nibabel load, threshold, cc3d, \
            cc3d.statistics, nibabel save) in a Python that has nibabel and cc3d. Then it times whole \
            processes: `lesiontrack label FILE --labels OUT.nii.gz` both ways, `label` without a \
            label map (also with --threads 1, which inflates in one piece) and the Python pipeline \
            as a script, and prints the ratios. The Python environment is the peer kit's \
            (../shared/peers/peers.sh creates it) unless --python names one. Build in release mode \
            before measuring.
            """
    )

    @Argument(help: "NIfTI files (.nii or .nii.gz).")
    var files: [String]

    @Option(help: "Foreground is value >= this.")
    var threshold: Double = 0.5

    @Option(help: "Voxel connectivity: 6, 18 or 26.")
    var connectivity: Connectivity = .default

    @Option(help: "Timed repetitions of each stage and process, after one warm-up (the median is reported).")
    var repetitions: Int = 5

    @Option(
        help:
            "Slabs labelled concurrently, in this process and in the `label` children; 2 or more also inflates a .nii.gz of 8 to 512 MiB in two parts."
    )
    var threads: Int = LabelCommand.cores

    @Option(help: "A Python with nibabel and cc3d (default: the peer kit's environment).")
    var python: String?

    @Option(help: "Folder for the label maps written (default: a new folder under /tmp, removed).")
    var work: String?

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let folder = work ?? "/tmp/lesiontrack-bench-process-\(getpid())"
            try FileSystem.makeDirectory(folder)
            defer { if work == nil { ProcessBenchmark.removeFolder(folder) } }
            let pythonPath = python ?? ProcessBenchmark.peerPython()
            print("lesiontrack \(LesionTrackVersion.current) bench-process: \(MachineInfo.current().summary)")
            print(
                "medians of \(repetitions) runs after one warm-up; threshold \(JSON.number(threshold)), \(connectivity.rawValue)-connectivity, \(threads) threads; Python: \(pythonPath ?? "none found (pass --python)")"
            )
            for file in files {
                let bench = ProcessBenchmark(
                    file: file, threshold: threshold, connectivity: connectivity,
                    repetitions: repetitions, threads: threads, work: folder, python: pythonPath)
                try bench.run()
            }
        }
    }
}
