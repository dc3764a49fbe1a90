import Dispatch
import LesionKernels

/// Times the lesion kernels against the reference and a memory copy, on one volume, in one run.
public struct KernelBenchmark: Sendable {
    public struct Options: Sendable {
        public var repetitions = 5
        /// Repetitions of the slow reference (it can take seconds on large volumes).
        public var referenceRepetitions = 3
        public var connectivities: [Connectivity] = Connectivity.allCases
        public var threads = 2
        /// Time single-threaded steps by the thread's CPU time (steady on a busy machine).
        public var cpuTime = false
        public init() {}
    }

    /// One timed step.
    public struct Row: Sendable {
        public let volume: String
        public let connectivity: Int?
        public let step: String
        public let medianMS: Double
        public let megavoxelsPerSecond: Double
        /// Reference time ÷ this time, where a reference exists.
        public let speedup: Double?
        public let note: String
    }

    /// What one volume gave.
    public struct Result: Sendable {
        public var rows: [Row] = []
        public var disagreements: [String] = []
        /// Figures that cannot be right (a memory peak smaller than the result it held).
        public var measurementErrors: [String] = []
        /// Fused (one thread) speed-up over the reference, per connectivity.
        public var fusedSpeedups: [Int: Double] = [:]
    }

    public let name: String
    public let volume: Volume<Float>
    public let geometry: VoxelGeometry
    public let window = IntensityWindow(lower: 0.5)
    public let options: Options

    public init(name: String, volume: Volume<Float>, geometry: VoxelGeometry, options: Options) {
        self.name = name
        self.volume = volume
        self.geometry = geometry
        self.options = options
    }

    /// Runs every step; `progress` sees each row as it is measured.
    public func run(progress: (Row) -> Void = { _ in }) -> Result {
        withoutActuallyEscaping(progress) { progress in
            var rows = Rows(name: name, voxels: Double(volume.size.voxelCount), progress: progress)
            let copyGBs = measureCopy(&rows)
            let threshold = measureThreshold(&rows, copyGBs: copyGBs)
            for c in options.connectivities { measure(c, threshold, &rows) }
            return rows.result
        }
    }

    /// The rows measured so far, each passed to `progress` as it is added.
    struct Rows {
        let name: String
        let voxels: Double
        let progress: (Row) -> Void
        var result = Result()

        mutating func add(_ c: Connectivity?, _ step: String, _ ms: Double, reference: Double? = nil, _ note: String = "") {
            let row = Row(
                volume: name, connectivity: c?.rawValue, step: step, medianMS: ms,
                megavoxelsPerSecond: voxels / (ms * 1000), speedup: reference.map { $0 / ms }, note: note)
            result.rows.append(row)
            progress(row)
        }
    }

    /// The threshold step's outputs that the labelling steps start from.
    struct Thresholded {
        let mask: BitMask
        let referenceMask: Volume<Bool>
        let referenceMS: Double
    }

    /// Memory bandwidth: a plain copy of the input, on one thread and on all; returns GB/s read.
    private func measureCopy(_ rows: inout Rows) -> Double {
        let reps = options.repetitions
        let bytes = Double(volume.size.voxelCount * MemoryLayout<Float>.stride)
        func add(_ c: Connectivity?, _ step: String, _ ms: Double, reference: Double? = nil, _ note: String = "") {
            rows.add(c, step, ms, reference: reference, note)
        }
        // Memory bandwidth: a plain copy of the input into a buffer allocated (and touched) beforehand.
        var copyTarget = [Float](repeating: 1, count: volume.voxels.count)
        let copy = Measure.median(reps, cpu: options.cpuTime) { () -> Float in
            copyTarget.withUnsafeMutableBytes { target in
                volume.voxels.withUnsafeBytes { source in target.copyMemory(from: source) }
            }
            return copyTarget[copyTarget.count / 2]
        }
        let copyGBs = bytes / (copy.ms * 1e6)
        add(nil, "memory copy", copy.ms, String(format3(copyGBs)) + " GB/s read")
        // The same copy split between threads: how far memory bandwidth, not cores, bounds a pass
        // that reads the whole volume.
        if options.threads > 1 {
            let parts = options.threads
            let copyN = Measure.median(reps) { () -> Float in
                copyTarget.withUnsafeMutableBytes { target in
                    volume.voxels.withUnsafeBytes { source in
                        nonisolated(unsafe) let (t, s) = (target, source)
                        DispatchQueue.concurrentPerform(iterations: parts) { n in
                            let range = (s.count * n / parts)..<(s.count * (n + 1) / parts)
                            UnsafeMutableRawBufferPointer(rebasing: t[range]).copyMemory(from: UnsafeRawBufferPointer(rebasing: s[range]))
                        }
                    }
                }
                return copyTarget[copyTarget.count / 2]
            }
            add(
                nil, "memory copy, \(parts) threads", copyN.ms,
                "\(format3(bytes / (copyN.ms * 1e6))) GB/s read, \(format3(copy.ms / copyN.ms))× one thread's: the ceiling for a pass bound by memory"
            )
        }

        return copyGBs
    }

    /// The SIMD threshold against the reference.
    private func measureThreshold(_ rows: inout Rows, copyGBs: Double) -> Thresholded {
        let reps = options.repetitions
        let bytes = Double(volume.size.voxelCount * MemoryLayout<Float>.stride)
        let stored = StoredWindow<Float>(window, scaling: .identity)
        let threshold = Measure.median(reps, cpu: options.cpuTime) { SIMDThreshold.bitMask(volume, window: stored) }
        let thresholdGBs = bytes / (threshold.ms * 1e6)
        let mask = threshold.result
        let referenceThreshold = Measure.median(options.referenceRepetitions, cpu: options.cpuTime) {
            ReferenceThreshold.mask(volume, scaling: .identity, window: window)
        }
        rows.add(
            nil, "threshold → bit mask (SIMD)", threshold.ms, reference: referenceThreshold.ms,
            "\(format3(thresholdGBs)) GB/s, \(Int((100 * thresholdGBs / copyGBs).rounded())) % of copy; foreground \(mask.population)")
        rows.add(nil, "threshold → Bool mask (reference)", referenceThreshold.ms, reference: referenceThreshold.ms)

        return Thresholded(mask: mask, referenceMask: referenceThreshold.result, referenceMS: referenceThreshold.ms)
    }

    /// Labelling, statistics, the fused kernel, its memory and its exactness at one connectivity.
    private func measure(_ c: Connectivity, _ thresholded: Thresholded, _ rows: inout Rows) {
        let reps = options.repetitions
        let voxels = Double(volume.size.voxelCount)
        let referenceThreshold = (result: thresholded.referenceMask, ms: thresholded.referenceMS)
        let mask = thresholded.mask
        func add(_ c: Connectivity?, _ step: String, _ ms: Double, reference: Double? = nil, _ note: String = "") {
            rows.add(c, step, ms, reference: reference, note)
        }
        let referenceLabel = Measure.median(options.referenceRepetitions, cpu: options.cpuTime) {
            ReferenceLabeller.label(referenceThreshold.result, connectivity: c)
        }
        let referenceMeasure = Measure.median(options.referenceRepetitions, cpu: options.cpuTime) {
            ReferenceMeasurer.measure(referenceLabel.result, geometry: geometry) { Double(volume.voxels[$0]) }
        }
        let referenceTotal = referenceThreshold.ms + referenceLabel.ms + referenceMeasure.ms
        let label1 = Measure.median(reps, cpu: options.cpuTime) { FastLabeller.components(mask, connectivity: c, threads: 1) }
        let labelN = Measure.median(reps) { FastLabeller.components(mask, connectivity: c, threads: options.threads) }
        add(
            c, "label bit mask (runs), 1 thread", label1.ms, reference: referenceLabel.ms,
            "\(label1.result.count) components, \(label1.result.runs.runCount) runs")
        add(c, "label bit mask (runs), \(options.threads) threads", labelN.ms, reference: referenceLabel.ms)
        add(c, "label (reference)", referenceLabel.ms, reference: referenceLabel.ms)
        let stats = Measure.median(reps, cpu: options.cpuTime) {
            FastLabeller.measure(
                label1.result.runs, count: label1.result.count, volume: volume, scaling: .identity,
                geometry: geometry, connectivity: c, floor: .none)
        }
        add(c, "statistics from runs", stats.ms, reference: referenceMeasure.ms, "with the largest extent")
        let counts = Measure.median(reps, cpu: options.cpuTime) {
            FastLabeller.measure(
                label1.result.runs, count: label1.result.count, volume: volume, scaling: .identity,
                geometry: geometry, connectivity: c, floor: .none, measureExtent: false)
        }
        add(c, "statistics from runs, no extent", counts.ms, reference: referenceMeasure.ms, "count, volume, box, centroid, intensity")
        add(c, "statistics (reference)", referenceMeasure.ms, reference: referenceMeasure.ms)

        let fused1 = Measure.median(reps, cpu: options.cpuTime) { fused(c, threads: 1) }
        let fusedN = Measure.median(reps) { fused(c, threads: options.threads) }
        let fusedCounts = Measure.median(reps, cpu: options.cpuTime) {
            FastLabeller.label(
                volume, scaling: .identity, window: window, geometry: geometry, connectivity: c,
                floor: .none, threads: 1, measureExtent: false)
        }
        let memory = Measure.extraPeak { fused(c, threads: 1) }
        // The figure must at least hold the result itself, or the measurement missed memory
        // the process reused (checked where the peak can be measured at all).
        let resultBytes = memory.result.runs.memoryBytes + memory.result.lesions.count * MemoryLayout<Lesion>.stride
        if memory.bytes < resultBytes, Measure.resetPeak() {
            rows.result.measurementErrors.append(
                "\(name) c\(c.rawValue): the peak memory measured, \(memory.bytes) bytes, is less than the result's own \(resultBytes)")
        }
        // What of the extra memory grows with the grid rather than with the foreground, at
        // most: the row index (8 bytes per row) and, for two slices of rows, each row's words
        // (8 bytes per 64 voxels) and, for noisy rows, the run of each voxel (4 bytes).
        let rowCount = volume.size.ny * volume.size.nz
        let gridBytes = (rowCount + 1) * 8 + 2 * volume.size.ny * ((volume.size.nx + 63) / 64) * (8 + 64 * 4)
        add(
            c, "fused threshold+label+statistics, 1 thread", fused1.ms, reference: referenceTotal,
            "peak +\(megabytes(memory.bytes)) MB over the input (\(format3(Double(memory.bytes) / voxels)) B/voxel), of which "
                + "at most \(format3(Double(gridBytes) / voxels)) B/voxel grow with the grid, the rest with the foreground and the "
                + "\(fused1.result.lesions.count) lesions; runs \(megabytes(fused1.result.runs.memoryBytes)) MB")
        add(c, "fused, no extent, 1 thread", fusedCounts.ms, reference: referenceTotal, "what cc3d's statistics give")
        add(
            c, "fused, \(options.threads) threads", fusedN.ms, reference: referenceTotal,
            "\(format3(fused1.ms / fusedN.ms))× over 1 thread")
        let withMap = Measure.median(reps, cpu: options.cpuTime) { fused(c, threads: 1).map }
        let mapMemory = Measure.extraPeak { fused(c, threads: 1).map.count }
        add(
            c, "fused + dense label map, 1 thread", withMap.ms, reference: referenceTotal,
            "peak +\(megabytes(mapMemory.bytes)) MB (\(format3(Double(mapMemory.bytes) / voxels)) B/voxel)")
        let batch = Measure.median(reps) { () -> Int in
            nonisolated(unsafe) var counts = [0, 0]
            DispatchQueue.concurrentPerform(iterations: 2) { n in counts[n] = fused(c, threads: 1).lesions.count }
            return counts[0] + counts[1]
        }
        add(
            c, "batch: 2 volumes at once, 1 thread each (per volume)", batch.ms / 2, reference: referenceTotal,
            "\(format3(fused1.ms * 2 / batch.ms))× the throughput of one at a time")
        add(c, "reference threshold+label+statistics", referenceTotal, reference: referenceTotal)
        rows.result.fusedSpeedups[c.rawValue] = referenceTotal / fused1.ms

        // Exactness: the fused kernel against the reference, voxel for voxel and lesion for lesion.
        let reference = LesionLabelling.reference(mask: referenceThreshold.result, geometry: geometry, connectivity: c, floor: .none) {
            Double(volume.voxels[$0])
        }
        for (kernel, labelling) in [("1 thread", fused1.result), ("\(options.threads) threads", fusedN.result)] {
            if let problem = Self.difference(labelling, reference) {
                rows.result.disagreements.append("\(name) c\(c.rawValue) \(kernel): \(problem)")
            }
        }
    }

    func fused(_ c: Connectivity, threads: Int) -> LesionLabelling {
        FastLabeller.label(volume, scaling: .identity, window: window, geometry: geometry, connectivity: c, floor: .none, threads: threads)
    }

    /// Where a labelling differs from the reference, or nil.
    public static func difference(_ a: LesionLabelling, _ b: LesionLabelling) -> String? {
        if a.lesions.count != b.lesions.count { return "\(a.lesions.count) lesions, reference \(b.lesions.count)" }
        if a.map.labels.voxels != b.map.labels.voxels { return "the label maps differ" }
        for (x, y) in zip(a.lesions, b.lesions) {
            var same = x
            same.largestExtentMM = y.largestExtentMM
            if same != y || abs(x.largestExtentMM - y.largestExtentMM) > 1e-12 * max(1, y.largestExtentMM) {
                return "lesion \(y.label) statistics differ"
            }
        }
        return nil
    }
}

func format3(_ x: Double) -> String {
    let scaled = (x * 100).rounded() / 100
    return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
}

func megabytes(_ bytes: Int) -> String { format3(Double(bytes) / 1_048_576) }
