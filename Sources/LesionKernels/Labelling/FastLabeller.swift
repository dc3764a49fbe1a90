import Dispatch

/// The fast lesion kernel: threshold, label and measure in one scan of the volume.
///
/// Produces exactly what the reference produces (`ReferenceThreshold`, `ReferenceLabeller`,
/// `ReferenceMeasurer` and the size floor): the same partition, numbering and statistics, bit for
/// bit, except the largest extent, which both compute exactly from candidate sets that differ.
/// No dense label volume is built; `LesionLabelling.map` paints one on request.
public enum FastLabeller {
    /// Thresholds (folded into the stored type), labels and measures a volume.
    ///
    /// - Parameter threads: how many slabs of slices to label concurrently.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func label<T: ScanScalar>(
        _ volume: Volume<T>, scaling: IntensityScaling, window: IntensityWindow, geometry: VoxelGeometry,
        connectivity: Connectivity, floor: SizeFloor, threads: Int = 1, measureExtent: Bool = true
    ) -> LesionLabelling {
        precondition(volume.size == geometry.size, "volume and geometry disagree on the grid")
        let stored = StoredWindow<T>(window, scaling: scaling)
        let size = volume.size
        let (runs, count, values) = volume.voxels.withUnsafeBufferPointer { data in
            if stored.isEmpty || size.voxelCount == 0 {
                return (
                    LabelRuns(
                        size: size, rowBegin: [Int](repeating: 0, count: size.ny * size.nz + 1),
                        starts: [], ends: [], labels: []), 0, ByteBuffer()
                )
            }
            let source = ThresholdedRows(data: data.baseAddress!, count: data.count, nx: size.nx, window: stored)
            return RunLabeller.components(source, size: size, connectivity: connectivity, threads: threads)
        }
        // The statistics read the foreground values copied while labelling: one sequential stream
        // instead of a cache miss per run.
        return withExtendedLifetime(values) {
            measure(
                runs, count: count, volume: volume, compactValues: values.base.assumingMemoryBound(to: T.self),
                scaling: scaling, geometry: geometry, connectivity: connectivity, floor: floor,
                measureExtent: measureExtent, threads: threads)
        }
    }

    /// The components of a bit mask, as runs labelled 1…count in first-voxel order.
    public static func components(_ mask: BitMask, connectivity: Connectivity, threads: Int = 1) -> (runs: LabelRuns, count: Int) {
        mask.words.withUnsafeBufferPointer { words in
            let source = MaskRows(words: words.baseAddress!, wordsPerRow: mask.wordsPerRow, nx: mask.size.nx)
            let (runs, count, _) = RunLabeller.components(source, size: mask.size, connectivity: connectivity, threads: threads)
            return (runs, count)
        }
    }

    /// Measures labelled runs against the volume's intensities and applies the size floor.
    ///
    /// Visits only foreground voxels, in storage order, so sums are formed in the reference's order.
    /// Without `measureExtent` (and with no extent floor) `largestExtentMM` is NaN: the extent is
    /// the costliest statistic and some callers only count.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func measure<T: ScanScalar>(
        _ runs: LabelRuns, count: Int, volume: Volume<T>, scaling: IntensityScaling, geometry: VoxelGeometry,
        connectivity: Connectivity, floor: SizeFloor, measureExtent: Bool = true, threads: Int = 1
    ) -> LesionLabelling {
        measure(
            runs, count: count, volume: volume, compactValues: nil, scaling: scaling, geometry: geometry,
            connectivity: connectivity, floor: floor, measureExtent: measureExtent, threads: threads)
    }

    /// `compactValues`, when given, holds the stored values of the runs' voxels in run order.
    static func measure<T: ScanScalar>(
        _ runs: LabelRuns, count: Int, volume: Volume<T>, compactValues: UnsafePointer<T>?, scaling: IntensityScaling,
        geometry: VoxelGeometry, connectivity: Connectivity, floor: SizeFloor, measureExtent: Bool, threads: Int
    ) -> LesionLabelling {
        let extentWanted = measureExtent || floor.needsExtent
        // Each thread owns a contiguous range of labels holding about the same number of voxels and
        // visits their runs in storage order, so every sum is formed in the reference's order. It
        // sets up its labels' sums, measures them, and writes each label's lesion at the label's
        // own place in the result; the dropped ones are squeezed out afterwards. No array is
        // filled or copied by one thread alone.
        let ranges = labelRanges(runs, count: count, parts: count < 64 ? 1 : threads)
        nonisolated(unsafe) let totals = UnsafeMutableBufferPointer<Accumulator>.allocate(capacity: count + 1)
        nonisolated(unsafe) let extents = UnsafeMutableBufferPointer<Double>.allocate(capacity: count + 1)
        // For each label: 1 if its lesion passes the floor, 0 if not; where some do not, each kept
        // label's lesion number once the dropped ones are left out.
        var remap = [Int32](repeating: 0, count: count + 1)
        defer {
            totals.deallocate()
            extents.deallocate()
        }
        var foreground = 0
        var keptCount = 0
        let lesions = [Lesion](uninitializedCapacity: count) { place, initialized in
            var partVoxels = [Int](repeating: 0, count: ranges.count)
            var partKept = [Int](repeating: 0, count: ranges.count)
            volume.voxels.withUnsafeBufferPointer { data in
                remap.withUnsafeMutableBufferPointer { remapBuffer in
                    partVoxels.withUnsafeMutableBufferPointer { voxelsBuffer in
                        partKept.withUnsafeMutableBufferPointer { keptBuffer in
                            nonisolated(unsafe) let (d, r, v, k, out) = (data, remapBuffer, voxelsBuffer, keptBuffer, place)
                            nonisolated(unsafe) let compact = compactValues
                            let work = { @Sendable (part: Int) in
                                let labels = ranges[part]
                                totals.baseAddress!.advanced(by: labels.lowerBound).initialize(
                                    repeating: Accumulator(), count: labels.count)
                                extents.baseAddress!.advanced(by: labels.lowerBound).initialize(
                                    repeating: extentWanted ? 0 : .nan, count: labels.count)
                                accumulate(
                                    runs, labels: labels, data: d, compactValues: compact, scaling: scaling,
                                    totals: totals, extents: extentWanted ? extents : nil, affine: geometry.affine)
                                (v[part], k[part]) = writeLesions(
                                    labels, totals: UnsafeBufferPointer(totals), extents: UnsafeBufferPointer(extents),
                                    geometry: geometry, floor: floor, into: out, kept: r)
                            }
                            if ranges.count == 1 {
                                work(0)
                            } else {
                                DispatchQueue.concurrentPerform(iterations: ranges.count, execute: work)
                            }
                        }
                    }
                }
            }
            foreground = partVoxels.reduce(0, +)
            keptCount = partKept.reduce(0, +)
            if keptCount < count {
                // Squeeze out the dropped lesions, in label order, and number the rest 1…kept.
                var next = 0
                for label in 1..<(count + 1) where remap[label] != 0 {
                    var lesion = place[label - 1]
                    lesion.label = next + 1
                    place[next] = lesion
                    next += 1
                    remap[label] = Int32(next)
                }
            }
            initialized = keptCount
        }
        var kept = runs
        if lesions.count != count { kept.labels = runs.labels.map { remap[Int($0)] } }
        let result = LesionLabelling(
            runs: kept, lesions: lesions, foregroundVoxels: foreground, componentsBeforeFloor: count,
            connectivity: connectivity, floor: floor
        ).keepingReaderLength(affine: geometry.affine)
        #if LESIONTRACK_CHECKS
        result.checkInvariants()
        #endif
        return result
    }

    /// Writes the lesion of each label in `labels` to `place[label − 1]`, numbered by its label, and
    /// marks in `kept` (1) those that pass the floor. Returns the labels' voxels and how many were kept.
    static func writeLesions(
        _ labels: Range<Int>, totals: UnsafeBufferPointer<Accumulator>, extents: UnsafeBufferPointer<Double>,
        geometry: VoxelGeometry, floor: SizeFloor, into place: UnsafeMutableBufferPointer<Lesion>,
        kept: UnsafeMutableBufferPointer<Int32>
    ) -> (voxels: Int, kept: Int) {
        let voxelVolume = geometry.voxelVolumeMM3
        var voxels = 0, keptCount = 0
        for label in labels {
            let t = totals[label]
            voxels += t.voxels
            let n = Double(t.voxels)
            let centroid = VoxelCoordinate(Double(t.sumI) / n, Double(t.sumJ) / n, Double(t.sumK) / n)
            let lesion = Lesion(
                label: label, voxelCount: t.voxels, volumeMM3: n * voxelVolume,
                boundingBox: VoxelBox(
                    lower: VoxelIndex(Int(t.lowI), Int(t.lowJ), Int(t.lowK)),
                    upper: VoxelIndex(Int(t.highI), Int(t.highJ), Int(t.highK))),
                centroidVoxel: centroid, centroidMM: geometry.affine.apply(centroid), largestExtentMM: extents[label],
                meanIntensity: t.intensitySum / n, maxIntensity: t.intensityMax)
            (place.baseAddress! + (label - 1)).initialize(to: lesion)
            if floor.keeps(lesion) {
                kept[label] = 1
                keptCount += 1
            }
        }
        return (voxels, keptCount)
    }

    /// Splits labels 1…count into `parts` contiguous ranges of about equal voxel counts.
    static func labelRanges(_ runs: LabelRuns, count: Int, parts: Int) -> [Range<Int>] {
        guard parts > 1 else { return [1..<(count + 1)] }
        var voxels = [Int](repeating: 0, count: count + 1)
        for n in 0..<runs.runCount { voxels[Int(runs.labels[n])] += Int(runs.ends[n] - runs.starts[n] + 1) }
        let total = voxels.reduce(0, +)
        var ranges: [Range<Int>] = []
        var start = 1, sum = 0
        for label in 1..<(count + 1) {
            sum += voxels[label]
            if sum * parts >= total * (ranges.count + 1) && ranges.count < parts - 1 {
                ranges.append(start..<(label + 1))
                start = label + 1
            }
        }
        ranges.append(start..<(count + 1))
        return ranges.filter { !$0.isEmpty }
    }

    /// Sums the runs of the labels in `labels`, in storage order, and their largest extents.
    static func accumulate<T: ScanScalar>(
        _ runs: LabelRuns, labels: Range<Int>, data: UnsafeBufferPointer<T>, compactValues: UnsafePointer<T>?,
        scaling: IntensityScaling, totals: UnsafeMutableBufferPointer<Accumulator>,
        extents: UnsafeMutableBufferPointer<Double>?, affine: Affine
    ) {
        let size = runs.size
        let ny = max(size.ny, 1)
        // Ends of each component's i-lines, the only candidates for its largest extent: at most
        // two per run.
        var ends: [LineEnd] = []
        if extents != nil { ends.reserveCapacity(2 * runs.runCount) }
        let (low, high) = (Int32(labels.lowerBound), Int32(labels.upperBound))
        var valueOffset = 0
        for row in 0..<(size.ny * size.nz) {
            let (j, k) = (row % ny, row / ny)
            let base = row * size.nx
            for n in runs.rowBegin[row]..<runs.rowBegin[row + 1] {
                let label32 = runs.labels[n]
                let (s, e) = (Int(runs.starts[n]), Int(runs.ends[n]))
                let first = compactValues.map { $0 + valueOffset } ?? data.baseAddress! + base + s
                valueOffset += e - s + 1
                guard label32 >= low && label32 < high else { continue }
                let label = Int(label32)
                if totals[label].add(run: s...e, j: j, k: k, row: row, values: first, scaling: scaling),
                    extents != nil
                {
                    totals[label].flushLine(label32, into: &ends)
                    totals[label].startLine(row: row, s: s, e: e)
                }
            }
        }
        guard let extents else { return }
        for label in labels { totals[label].flushLine(Int32(label), into: &ends) }
        // Group the line ends by label (counting sort), then measure each label.
        var first = [Int](repeating: 0, count: labels.count + 1)
        for end in ends { first[Int(end.label) - labels.lowerBound + 1] += 1 }
        for n in 1..<first.count { first[n] += first[n - 1] }
        var grouped = [VoxelIndex](repeating: VoxelIndex(0, 0, 0), count: ends.count)
        var cursor = first
        for end in ends {
            let slot = Int(end.label) - labels.lowerBound
            let row = Int(end.row)
            grouped[cursor[slot]] = VoxelIndex(Int(end.i), row % ny, row / ny)
            cursor[slot] += 1
        }
        grouped.withUnsafeBufferPointer { points in
            for slot in 0..<labels.count where first[slot + 1] - first[slot] > 1 {
                let slice = UnsafeBufferPointer(rebasing: points[first[slot]..<first[slot + 1]])
                extents[labels.lowerBound + slot] = FeretDiameter.largestExtent(of: slice, affine: affine, endsAlongI: true)
            }
        }
    }
}

/// One component's running sums while its runs are visited in storage order.
struct Accumulator {
    var voxels = 0
    var sumI = 0, sumJ = 0, sumK = 0
    var lowI = Int32.max, lowJ = Int32.max, lowK = Int32.max
    var highI: Int32 = -1, highJ: Int32 = -1, highK: Int32 = -1
    var intensitySum = 0.0
    var intensityMax = -Double.infinity
    /// The i-line (row) being collected and its ends so far.
    var lineRow = -1
    var lineLow: Int32 = 0
    var lineHigh: Int32 = 0

    /// Adds a run; true when it starts a new i-line for this component (the caller flushes the old one).
    /// `values` points at the stored value of the run's first voxel; the rest follow it.
    @inline(__always)
    mutating func add<T: ScanScalar>(
        run: ClosedRange<Int>, j: Int, k: Int, row: Int, values: UnsafePointer<T>, scaling: IntensityScaling
    ) -> Bool {
        let (s, e) = (run.lowerBound, run.upperBound)
        let length = e - s + 1
        voxels += length
        sumI += (s + e) * length / 2
        sumJ += j * length
        sumK += k * length
        lowI = min(lowI, Int32(truncatingIfNeeded: s)); lowJ = min(lowJ, Int32(truncatingIfNeeded: j))
        lowK = min(lowK, Int32(truncatingIfNeeded: k))
        highI = max(highI, Int32(truncatingIfNeeded: e)); highJ = max(highJ, Int32(truncatingIfNeeded: j))
        highK = max(highK, Int32(truncatingIfNeeded: k))
        var sum = intensitySum, peak = intensityMax
        if scaling.isIdentity {
            for i in 0..<length {
                let value = values[i].doubleValue
                sum += value
                peak = max(peak, value)
            }
        } else {
            for i in 0..<length {
                let value = scaling.apply(values[i].doubleValue)
                sum += value
                peak = max(peak, value)
            }
        }
        intensitySum = sum
        intensityMax = peak
        if lineRow == row {
            lineHigh = Int32(e)
            return false
        }
        return true
    }

    @inline(__always)
    mutating func startLine(row: Int, s: Int, e: Int) {
        (lineRow, lineLow, lineHigh) = (row, Int32(s), Int32(e))
    }

    @inline(__always)
    func flushLine(_ label: Int32, into ends: inout [LineEnd]) {
        guard lineRow >= 0 else { return }
        ends.append(LineEnd(label: label, i: lineLow, row: lineRow))
        if lineHigh != lineLow { ends.append(LineEnd(label: label, i: lineHigh, row: lineRow)) }
    }
}

/// One end of a component's i-line: its label, column and row (j + ny·k).
struct LineEnd {
    var label: Int32
    var i: Int32
    var row: Int
}
