import LesionEngines
import LesionIO
import LesionKernels
import LesionScan

/// The whole-process benchmark of `label` on one file: its stages in this process (libdeflate and
/// zlib), the Python pipeline's stages, and whole processes of both, measured in one run.
public struct ProcessBenchmark {
    let file: String
    let threshold: Double
    let connectivity: Connectivity
    let repetitions: Int
    let threads: Int
    let work: String
    let python: String?

    /// A benchmark of `file`, label maps and scripts written in `work`; `python` is a Python with
    /// nibabel and cc3d, or nil to leave the Python pipeline out.
    public init(
        file: String, threshold: Double, connectivity: Connectivity, repetitions: Int, threads: Int, work: String,
        python: String?
    ) {
        self.file = file
        self.threshold = threshold
        self.connectivity = connectivity
        self.repetitions = repetitions
        self.threads = threads
        self.work = work
        self.python = python
    }

    static let stageNames = ["header check", "decompression", "conversion", "kernel", "statistics", "output writing"]

    /// Median seconds per stage (in `stageNames` order), and a note.
    struct Figures {
        var seconds: [Double]
        var note = ""
        /// Of output writing: the label map written as .nii.gz (after painting, before the report).
        var mapWriting = Double.nan
        /// Of output writing: painting the dense label map (zlib's writer needs it; the run encoder not).
        var mapPainting = Double.nan
        var total: Double { seconds.reduce(0, +) }
    }

    /// Measures and prints the stages, the whole processes and their ratios.
    public func run() throws(ScanError) {
        let scan = try NIfTIReader().read(file)
        let size = scan.geometry.size
        print("")
        print(
            "\(file): \(size.nx)×\(size.ny)×\(size.nz) \(scan.header.datatype.name), \(scan.header.isGzip ? "gzip" : "plain"), \(byteCount(file))"
        )
        let labelsFast = FileSystem.join(work, "labels-libdeflate.nii.gz")
        let labelsSlow = FileSystem.join(work, "labels-zlib.nii.gz")
        let fast = try inProcess(.libdeflate, labels: labelsFast)
        let slow = try inProcess(.zlib, labels: labelsSlow)
        var pythonFigures: Figures?
        var pythonNote = ""
        if let python {
            do throws(ScanError) {
                pythonFigures = try pythonStages(python, checking: labelsFast)
            } catch {
                pythonNote = "Python pipeline failed: \(error.problem)"
            }
        }
        let columns: [(String, Figures?)] = [
            ("lesiontrack", fast), ("lesiontrack, zlib", slow), ("Python: nibabel+cc3d", pythonFigures),
        ]
        print(pad("stage", 16) + columns.map { pad($0.0, 24, right: true) }.joined())
        for (n, stage) in (Self.stageNames + ["total"]).enumerated() {
            var line = pad(stage, 16)
            for (_, figures) in columns {
                guard let figures else {
                    line += pad("-", 24, right: true)
                    continue
                }
                let value = n < Self.stageNames.count ? figures.seconds[n] : figures.total
                line += pad(ms(value) + " ms " + pad(percent(value / figures.total), 5, right: true), 24, right: true)
            }
            print(line)
        }
        for (name, figures) in columns where !(figures?.note.isEmpty ?? true) { print("  \(name): \(figures!.note)") }
        if !pythonNote.isEmpty { print("  \(pythonNote)") }

        // Whole processes, as a user runs them.
        let program = FileSystem.executablePath() ?? "lesiontrack"
        let common = [
            program, "label", file, "--threshold", JSON.number(threshold), "--connectivity", String(connectivity.rawValue),
            "--threads", String(threads),
        ]
        let wholeFast = try childMedian(common + ["--labels", labelsFast])
        let wholeSlow = try childMedian(common + ["--labels", labelsSlow, "--gzip", "zlib"])
        let wholePlain = try childMedian(common)
        let wholeOneThread = try childMedian(common.dropLast(2) + ["--threads", "1"])
        print("whole process (wall time)")
        print("  lesiontrack label --labels OUT.nii.gz            \(ms(wholeFast)) ms")
        print("  the same with --gzip zlib (before libdeflate)     \(ms(wholeSlow)) ms")
        print("  lesiontrack label, no label map                  \(ms(wholePlain)) ms")
        print("  the same with --threads 1 (inflated in one piece) \(ms(wholeOneThread)) ms")
        var pythonWhole: Double?
        if let python, pythonFigures != nil {
            let script = try writeScript()
            pythonWhole = try? childMedian([python, script, "once", file, JSON.number(threshold), String(connectivity.rawValue)])
            if let pythonWhole {
                print("  python: start, imports, load, threshold, cc3d, statistics  \(ms(pythonWhole)) ms")
            }
        }
        if let pythonFigures {
            // The pipeline a user would otherwise write: nibabel load + threshold + cc3d + statistics.
            let pipeline = pythonFigures.seconds[0..<5].reduce(0, +)
            print("Python pipeline in its process (load + threshold + cc3d + cc3d.statistics): \(ms(pipeline)) ms")
            print(
                "ratio: Python pipeline ÷ lesiontrack label whole process = \(times(pipeline / wholeFast))× (zlib, before: \(times(pipeline / wholeSlow))×); without the label map \(times(pipeline / wholePlain))×"
            )
            if let pythonWhole {
                print(
                    "ratio: Python script whole process ÷ lesiontrack label whole process = \(times(pythonWhole / wholeFast))× (zlib, before: \(times(pythonWhole / wholeSlow))×); without the label map \(times(pythonWhole / wholePlain))× (--threads 1: \(times(pythonWhole / wholeOneThread))×)"
                )
            }
        }
        print(
            "ratio: writing the .nii.gz label map, now ÷ zlib (before) = \(times(fast.mapWriting / slow.mapWriting)) of the time (\(ms(fast.mapWriting)) against \(ms(slow.mapWriting)) ms); with the painting zlib's writer needs, \(times((fast.mapWriting + fast.mapPainting) / (slow.mapWriting + slow.mapPainting))); label map \(byteCount(labelsFast)) against \(byteCount(labelsSlow))"
        )
        print(
            "ratio: decompression, zlib ÷ libdeflate = \(times(slow.seconds[1] / fast.seconds[1]))×; header check + decompression + conversion \(times((slow.seconds[0...2].reduce(0, +)) / (fast.seconds[0...2].reduce(0, +))))×"
        )
    }

    /// The stages as `label` runs them, in this process, reading and writing with `gzip`.
    private func inProcess(_ gzip: NIfTIReader.GzipReading, labels: String) throws(ScanError) -> Figures {
        var reader = NIfTIReader(gzipReading: gzip)
        reader.inflateThreads = threads
        let options = LabelOptions(window: IntensityWindow(lower: threshold), connectivity: connectivity, threads: threads)
        var samples: [[Double]] = []
        var streamed: String?
        var split: SplitInflation?
        var fused: [Double] = []
        var parts: [[Double]] = []
        for repetition in 0...repetitions {
            var stages = NIfTIReader.Stages()
            let scan = try reader.read(file, stages: &stages)
            streamed = stages.streamedBecause
            split = stages.split
            let (kernel, statistics, labelling) = scan.voxels.visit(
                KernelStages(scan: scan, window: options.window, connectivity: connectivity, threads: threads))
            let fusedStart = Measure.now()
            let fusedLabelling = ScanLabeller.label(scan, options: options)
            let fusedSeconds = Measure.now() - fusedStart
            guard fusedLabelling.lesions.count == labelling.lesions.count else {
                throw ScanError(file, "the staged and fused kernels disagree", kind: .internal)
            }
            let writeStart = Measure.now()
            var painted = writeStart
            if gzip == .zlib {
                let map = labelling.map
                painted = Measure.now()
                try NIfTIWriter.writeLabels(map, like: scan.header, to: labels, description: "lesiontrack bench-process", gzip: .zlib)
            } else {
                // As `label` writes a .nii.gz label map: encoded from the runs, never painted.
                try NIfTIWriter.writeLabels(
                    labelling.runs, count: labelling.lesions.count, like: scan.header, to: labels,
                    description: "lesiontrack bench-process")
            }
            let written = Measure.now()
            try TextOutput.file(FileSystem.join(work, "report.json")) { (out: TextOutput) throws(ScanError) in
                try LabelReport(scan: scan.header, labelling: labelling, options: options).writeJSON(out)
            }
            let writeSeconds = Measure.now() - writeStart
            if repetition > 0 { parts.append([painted - writeStart, written - painted, writeSeconds - (written - writeStart)]) }
            if repetition > 0 {
                samples.append([
                    stages.headerCheckSeconds, stages.decompressionSeconds, stages.conversionSeconds, kernel, statistics,
                    writeSeconds,
                ])
                fused.append(fusedSeconds)
            }
        }
        var figures = Figures(seconds: (0..<Self.stageNames.count).map { n in median(samples.map { $0[n] }) })
        let part = (0..<3).map { n in ms(median(parts.map { $0[n] })) }
        figures.mapWriting = median(parts.map { $0[1] })
        figures.mapPainting = median(parts.map { $0[0] })
        figures.note =
            "kernel = SIMD threshold + run labelling, \(threads) threads; `label` runs them fused with the statistics in \(ms(median(fused))) ms; output writing = label map painted \(part[0]) ms + written as .nii.gz \(part[1]) ms (from the runs with libdeflate's column, unpainted) + JSON report \(part[2]) ms"
        if let streamed, gzip == .libdeflate { figures.note += "; streamed through zlib: \(streamed)" }
        if let split, gzip == .libdeflate {
            figures.note +=
                "; inflated in two parts on two threads, split at compressed byte \(split.boundaryBit / 8): \(mebibytes(split.firstBytes)) + \(mebibytes(split.secondBytes)) inflated, of which \(mebibytes(split.reinflatedBytes)) again with the true window"
        }
        return figures
    }

    /// The Python pipeline's stages, medians of `repetitions` after a warm-up, in one Python process;
    /// it also checks that nibabel reads `labels` with the same components as cc3d's.
    private func pythonStages(_ python: String, checking labels: String) throws(ScanError) -> Figures {
        let script = try writeScript()
        let output = FileSystem.join(work, "python-stages.txt")
        let pythonLabels = FileSystem.join(work, "labels-python.nii.gz")
        let (status, _) = try child(
            [
                python, script, "stages", file, JSON.number(threshold), String(connectivity.rawValue), String(repetitions),
                pythonLabels, labels,
            ], standardOutput: output)
        let text = String(decoding: try FileSystem.read(output), as: UTF8.self)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        let keys = ["header", "decompression", "conversion", "kernel", "statistics", "writing"]
        guard status == 0, keys.allSatisfy({ values[$0].flatMap(Double.init) != nil }) else {
            throw ScanError(python, "exited with status \(status): \(text.suffix(300))", kind: .internal)
        }
        var figures = Figures(seconds: keys.map { Double(values[$0]!)! })
        figures.note =
            "decompression and conversion are one step in nibabel (np.asanyarray(img.dataobj)); kernel = threshold + cc3d.connected_components; nibabel \(values["nibabel"] ?? "?"), cc3d \(values["cc3d"] ?? "?"); \(values["check"] ?? "")"
        return figures
    }

    private func writeScript() throws(ScanError) -> String {
        let path = FileSystem.join(work, "pipeline.py")
        if FileSystem.kind(path) != .file { try AtomicFile.write(Array(Self.script.utf8), to: path) }
        return path
    }

    /// The median wall time of `repetitions` runs of a child process after one warm-up.
    private func childMedian(_ arguments: [String]) throws(ScanError) -> Double {
        var times: [Double] = []
        let output = FileSystem.join(work, "child-output.txt")
        for repetition in 0...repetitions {
            let start = Measure.now()
            let (status, _) = try child(arguments, standardOutput: output)
            let seconds = Measure.now() - start
            guard status == 0 else {
                throw ScanError(
                    arguments[0], "\(arguments.dropFirst().prefix(2).joined(separator: " ")) exited with status \(status)", kind: .internal)
            }
            if repetition > 0 { times.append(seconds) }
        }
        return median(times)
    }

    private func child(_ arguments: [String], standardOutput: String) throws(ScanError) -> (status: Int32, peakKiB: Int) {
        do {
            let outcome = try ChildProcess.run(arguments, standardOutput: .file(standardOutput))
            return (outcome.status, outcome.peakKiB)
        } catch {
            throw ScanError(error.program, error.problem, kind: .internal)
        }
    }

    private func median(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.sorted()[xs.count / 2] }
    private func ms(_ seconds: Double) -> String { BenchTable.number(seconds * 1000) }
    private func times(_ x: Double) -> String { BenchTable.number(x) }
    private func percent(_ x: Double) -> String { "\(Int((x * 100).rounded())) %" }
    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    private func mebibytes(_ count: Int) -> String { "\(BenchTable.number(Double(count) / 1_048_576)) MiB" }

    private func byteCount(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "?" }
        return "\(BenchTable.number(Double(info.st_size) / 1_048_576)) MiB"
    }

    /// The peer kit's Python, or the one `Tests/Peers/run-peers.sh` sets up; nil when neither exists.
    public static func peerPython() -> String? {
        let home = String(cString: getenv("HOME") ?? strdup("/root"))
        var candidates: [String] = []
        if let venv = getenv("LESIONTRACK_PEERS_VENV") { candidates.append(String(cString: venv) + "/bin/python") }
        candidates += [home + "/.cache/lesiontrack-peers/bin/python", home + "/.cache/lesiontrack-peer-venv/bin/python"]
        return candidates.first { FileSystem.kind($0) == .file }
    }

    public static func removeFolder(_ path: String) {
        for name in (try? FileSystem.list(path)) ?? [] { unlink(FileSystem.join(path, name)) }
        rmdir(path)
    }

    /// The Python pipeline. `stages`: per-stage medians as `key seconds` lines; `once`: one run.
    static let script = """
        import os, sys, time
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = "1"
        import numpy as np
        import nibabel as nib
        import cc3d

        def label(mask, connectivity):
            try:
                return cc3d.connected_components(mask, connectivity=connectivity)
            except Exception:
                return cc3d.connected_components(mask.astype(np.uint8), connectivity=connectivity)

        def main():
            mode, path, threshold, connectivity = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
            if mode == "once":
                img = nib.load(path)
                data = np.asanyarray(img.dataobj)
                labels = label(data >= threshold, connectivity)
                cc3d.statistics(labels, no_slice_conversion=True)
                print("count", int(labels.max()))
                return
            reps, out, theirs = int(sys.argv[5]), sys.argv[6], sys.argv[7]
            samples = {k: [] for k in ("header", "decompression", "kernel", "statistics", "writing")}
            for repetition in range(reps + 1):
                t = [time.perf_counter()]
                img = nib.load(path)
                t.append(time.perf_counter())
                data = np.asanyarray(img.dataobj)
                t.append(time.perf_counter())
                labels = label(data >= threshold, connectivity)
                t.append(time.perf_counter())
                cc3d.statistics(labels, no_slice_conversion=True)
                t.append(time.perf_counter())
                nib.save(nib.Nifti1Image(labels.astype(np.uint16), img.affine), out)
                t.append(time.perf_counter())
                if repetition > 0:
                    for n, key in enumerate(samples):
                        samples[key].append(t[n + 1] - t[n])
            for key, values in samples.items():
                print(key, sorted(values)[len(values) // 2])
            print("conversion", 0.0)
            print("nibabel", nib.__version__)
            from importlib.metadata import version
            print("cc3d", version("connected-components-3d"))
            count = int(labels.max())
            check = "no label map of lesiontrack's to check"
            if os.path.exists(theirs):
                ours = nib.load(theirs)
                mine = np.asanyarray(ours.dataobj)
                fg = labels > 0
                same_grid = mine.shape == labels.shape and np.allclose(ours.affine, img.affine, atol=1e-3)
                same_fg = bool(np.array_equal(mine > 0, fg))
                pairs = np.unique(mine[fg].astype(np.int64) * (count + 1) + labels[fg]).size
                one_to_one = same_fg and pairs == count == int(mine.max())
                verdict = "yes" if same_grid and one_to_one else "NO"
                check = f"nibabel reads lesiontrack's label map with cc3d's {count} components: {verdict}"
            print("check", check)

        main()
        """
}

/// Thresholding and labelling, then the statistics, timed apart.
struct KernelStages: VolumeVisitor {
    let scan: Scan
    let window: IntensityWindow
    let connectivity: Connectivity
    let threads: Int

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> (Double, Double, LesionLabelling) {
        let start = Measure.now()
        let mask = SIMDThreshold.bitMask(volume, window: StoredWindow<T>(window, scaling: scan.scaling))
        let (runs, count) = FastLabeller.components(mask, connectivity: connectivity, threads: threads)
        let labelled = Measure.now()
        let labelling = FastLabeller.measure(
            runs, count: count, volume: volume, scaling: scan.scaling, geometry: scan.geometry, connectivity: connectivity,
            floor: .none, threads: threads)
        return (labelled - start, Measure.now() - labelled, labelling)
    }
}
