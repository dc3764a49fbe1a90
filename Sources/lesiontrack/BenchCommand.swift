import ArgumentParser
import LesionBenchmark
import LesionIO
import LesionKernels
import LesionScan

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time thresholding, labelling and statistics against the reference labeller and a memory copy.",
        discussion: """
            Generates deterministic volumes (lesion: 182×218×182 float32 with ~80 lesion-like \
            blobs; dense: 256³ with 50 % random foreground; large: 512³ lesion-like), or reads \
            NIfTI files, and prints the median time of each step, megavoxels per second, the \
            speed-up over the reference measured in the same run, the throughput relative to a \
            memory copy, and peak memory. Every fast result is checked against the reference. \
            Build in release mode (swift build -c release) before measuring.
            """
    )

    @Argument(help: "NIfTI files to benchmark instead of the generated volumes (foreground: value >= --threshold).")
    var files: [String] = []

    @Option(help: "Generated volumes: lesion, dense, large (comma-separated).")
    var volumes: String = "lesion,dense,large"

    @Flag(help: "Smaller volumes (dense 128³, large 256³) and fewer repetitions, for CI.")
    var quick = false

    @Option(help: "Connectivities to time (comma-separated).")
    var connectivity: String = "6,18,26"

    @Option(help: "Timed repetitions of each fast step (the median is reported).")
    var repetitions: Int?

    @Option(help: "Timed repetitions of the reference steps.")
    var referenceRepetitions: Int?

    @Option(help: "Threads (slabs) for the multi-threaded rows.")
    var threads: Int = 2

    @Flag(help: "Time single-threaded steps by CPU time instead of the wall clock, for a busy machine.")
    var cpuTime = false

    @Option(help: "Foreground threshold for NIfTI files.")
    var threshold: Double = 0.5

    @Option(help: "Write the figures as JSON here.")
    var json: String?

    @Option(help: "Write each generated volume (float32 .nii) and its 26-connected label map into this folder.")
    var writeVolumes: String?

    @Option(help: "Fail (exit 1) unless the fused kernel is at least this many times faster than the reference, on every volume.")
    var checkSpeedup: Double?

    func run() throws {
        var options = KernelBenchmark.Options()
        options.repetitions = repetitions ?? (quick ? 3 : 5)
        options.referenceRepetitions = referenceRepetitions ?? (quick ? 1 : 3)
        options.threads = max(1, threads)
        options.cpuTime = cpuTime
        options.connectivities = try connectivity.split(separator: ",").map {
            guard let value = Int($0), let c = Connectivity(rawValue: value) else {
                throw ValidationError("--connectivity takes 6, 18 and 26, not \($0)")
            }
            return c
        }
        let machine = MachineInfo.current()
        print("lesiontrack \(LesionTrackVersion.current) bench: \(machine.summary)")
        print(
            "medians of \(options.repetitions) runs (reference: \(options.referenceRepetitions)) after one warm-up; × ref = reference time ÷ this time"
                + (cpuTime ? "; single-threaded steps in thread CPU time, multi-threaded ones in wall time" : ""))
        print(BenchTable.header)
        var results: [(String, GridSize, KernelBenchmark.Result)] = []
        try reportingErrors { () throws(ScanError) in
            for (name, volume, geometry) in try inputs() {
                if let directory = writeVolumes {
                    try write(volume, name: name, geometry: geometry, to: directory)
                }
                let benchmark = KernelBenchmark(name: name, volume: volume, geometry: geometry, options: options)
                let result = benchmark.run { print(BenchTable.line($0)) }
                results.append((name, volume.size, result))
            }
        }
        if let json {
            try reportingErrors { () throws(ScanError) in
                try TextOutput.file(json) { (out: TextOutput) throws(ScanError) in
                    try out.write(BenchTable.json(results: results, machine: machine, options: options))
                }
            }
        }
        let disagreements = results.flatMap { $0.2.disagreements }
        for problem in disagreements { printError("disagrees with the reference: \(problem)") }
        let measurementErrors = results.flatMap { $0.2.measurementErrors }
        for problem in measurementErrors { printError("bad measurement: \(problem)") }
        var failed = !disagreements.isEmpty || !measurementErrors.isEmpty
        if let checkSpeedup {
            for (name, _, result) in results {
                for (c, speedup) in result.fusedSpeedups.sorted(by: { $0.key < $1.key }) {
                    let verdict = speedup >= checkSpeedup ? "ok" : "TOO SLOW"
                    print(
                        "speed check \(name) c\(c): fused \(BenchTable.number(speedup))× the reference (need ≥ \(BenchTable.number(checkSpeedup))×) \(verdict)"
                    )
                    if speedup < checkSpeedup { failed = true }
                }
            }
        }
        print(failed ? "bench: FAILED" : "bench: the fast kernel agrees with the reference on every volume")
        if failed { throw ExitCode(1) }
    }

    private func inputs() throws(ScanError) -> [(String, Volume<Float>, VoxelGeometry)] {
        if !files.isEmpty {
            return try files.map { (path: String) throws(ScanError) in
                let scan = try NIfTIReader().read(path)
                let volume = Volume(
                    size: scan.geometry.size,
                    voxels: (0..<scan.geometry.size.voxelCount).map {
                        Float(scan.intensity(at: $0))
                    })
                let name = String(path.split(separator: "/").last ?? Substring(path))
                return (name, volume, scan.geometry)
            }
        }
        return try volumes.split(separator: ",").map { (word: Substring) throws(ScanError) in
            guard let kind = SyntheticVolumes.Kind(rawValue: String(word)) else {
                throw ScanError(String(word), "unknown volume: expected lesion, dense or large")
            }
            let volume = SyntheticVolumes.make(kind, quick: quick)
            return (kind.rawValue, volume, VoxelGeometry(size: volume.size, affine: .spacing(1, 1, 1)))
        }
    }

    private func write(_ volume: Volume<Float>, name: String, geometry: VoxelGeometry, to directory: String) throws(ScanError) {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw ScanError(directory, "cannot create the folder: \(String(cString: strerror(errno)))", kind: .output)
        }
        let header = ScanHeader.synthetic(path: "\(directory)/\(name).nii", grid: volume.size)
        try NIfTIWriter.writeIntensities(volume, like: header, to: header.path, description: "lesiontrack bench \(name)")
        let labels = FastLabeller.label(
            volume, scaling: .identity, window: IntensityWindow(lower: threshold), geometry: geometry,
            connectivity: .twentySix, floor: .none, threads: threads)
        try NIfTIWriter.writeLabels(
            labels.map, like: header, to: "\(directory)/\(name)_labels_c26.nii", description: "lesiontrack bench labels")
    }
}
