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
        connectivity: Connectivity, floor: SizeFloor, threads: Int = 1
    ) -> LesionLabelling {
        precondition(volume.size == geometry.size, "volume and geometry disagree on the grid")
        let stored = StoredWindow<T>(window, scaling: scaling)
        let size = volume.size
        let (runs, count) = volume.voxels.withUnsafeBufferPointer { data in
            if stored.isEmpty || size.voxelCount == 0 {
                return (LabelRuns(size: size, rowBegin: [Int](repeating: 0, count: size.ny * size.nz + 1),
                                  starts: [], ends: [], labels: []), 0)
            }
            let source = ThresholdedRows(data: data.baseAddress!, nx: size.nx, window: stored)
            return RunLabeller.components(source, size: size, connectivity: connectivity, threads: threads)
        }
        return measure(runs, count: count, volume: volume, scaling: scaling, geometry: geometry,
                       connectivity: connectivity, floor: floor)
    }

    /// The components of a bit mask, as runs labelled 1…count in first-voxel order.
    public static func components(_ mask: BitMask, connectivity: Connectivity, threads: Int = 1) -> (runs: LabelRuns, count: Int) {
        mask.words.withUnsafeBufferPointer { words in
            let source = MaskRows(words: words.baseAddress!, wordsPerRow: mask.wordsPerRow, nx: mask.size.nx)
            return RunLabeller.components(source, size: mask.size, connectivity: connectivity, threads: threads)
        }
    }

    /// Measures labelled runs against the volume's intensities and applies the size floor.
    ///
    /// Visits only foreground voxels, in storage order, so sums are formed in the reference's order.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func measure<T: ScanScalar>(
        _ runs: LabelRuns, count: Int, volume: Volume<T>, scaling: IntensityScaling, geometry: VoxelGeometry,
        connectivity: Connectivity, floor: SizeFloor
    ) -> LesionLabelling {
        let size = runs.size
        var voxels = [Int](repeating: 0, count: count + 1)
        var sumI = voxels, sumJ = voxels, sumK = voxels
        var lower = [VoxelIndex](repeating: VoxelIndex(Int.max, Int.max, Int.max), count: count + 1)
        var upper = [VoxelIndex](repeating: VoxelIndex(-1, -1, -1), count: count + 1)
        var intensitySum = [Double](repeating: 0, count: count + 1)
        var intensityMax = [Double](repeating: -.infinity, count: count + 1)
        // Ends of each component's i-lines, the only candidates for its largest extent.
        var lineRow = [Int](repeating: -1, count: count + 1)
        var lineLow = [Int32](repeating: 0, count: count + 1)
        var lineHigh = [Int32](repeating: 0, count: count + 1)
        var ends: [(label: Int32, point: VoxelIndex)] = []
        let ny = max(size.ny, 1)
        func flushLine(_ label: Int) {
            let row = lineRow[label]
            guard row >= 0 else { return }
            let (j, k) = (row % ny, row / ny)
            ends.append((Int32(label), VoxelIndex(Int(lineLow[label]), j, k)))
            if lineHigh[label] != lineLow[label] {
                ends.append((Int32(label), VoxelIndex(Int(lineHigh[label]), j, k)))
            }
        }
        var foreground = 0
        volume.voxels.withUnsafeBufferPointer { data in
            for row in 0..<(size.ny * size.nz) {
                let (j, k) = (row % ny, row / ny)
                let base = row * size.nx
                for n in runs.rowBegin[row]..<runs.rowBegin[row + 1] {
                    let label = Int(runs.labels[n])
                    let (s, e) = (Int(runs.starts[n]), Int(runs.ends[n]))
                    let length = e - s + 1
                    foreground += length
                    voxels[label] += length
                    sumI[label] += (s + e) * length / 2
                    sumJ[label] += j * length
                    sumK[label] += k * length
                    lower[label] = VoxelIndex(min(lower[label].i, s), min(lower[label].j, j), min(lower[label].k, k))
                    upper[label] = VoxelIndex(max(upper[label].i, e), max(upper[label].j, j), max(upper[label].k, k))
                    var sum = intensitySum[label], peak = intensityMax[label]
                    for i in s...e {
                        let value = scaling.apply(data[base + i].doubleValue)
                        sum += value
                        peak = max(peak, value)
                    }
                    intensitySum[label] = sum
                    intensityMax[label] = peak
                    if lineRow[label] == row {
                        lineHigh[label] = Int32(e)
                    } else {
                        flushLine(label)
                        (lineRow[label], lineLow[label], lineHigh[label]) = (row, Int32(s), Int32(e))
                    }
                }
            }
        }
        for label in 1..<(count + 1) { flushLine(label) }
        let extents = largestExtents(ends, count: count, gram: geometry.affine.gram)

        let voxelVolume = geometry.voxelVolumeMM3
        var lesions: [Lesion] = []
        var remap = [Int32](repeating: 0, count: count + 1)
        for label in 1..<(count + 1) {
            let n = Double(voxels[label])
            let centroid = VoxelCoordinate(Double(sumI[label]) / n, Double(sumJ[label]) / n, Double(sumK[label]) / n)
            let lesion = Lesion(
                label: lesions.count + 1, voxelCount: voxels[label], volumeMM3: n * voxelVolume,
                boundingBox: VoxelBox(lower: lower[label], upper: upper[label]), centroidVoxel: centroid,
                centroidMM: geometry.affine.apply(centroid), largestExtentMM: extents[label],
                meanIntensity: intensitySum[label] / n, maxIntensity: intensityMax[label])
            if floor.keeps(lesion) {
                lesions.append(lesion)
                remap[label] = Int32(lesions.count)
            }
        }
        var kept = runs
        if lesions.count != count { kept.labels = runs.labels.map { remap[Int($0)] } }
        let result = LesionLabelling(
            runs: kept, lesions: lesions, foregroundVoxels: foreground, componentsBeforeFloor: count,
            connectivity: connectivity, floor: floor)
        #if LESIONTRACK_CHECKS
        result.checkInvariants()
        #endif
        return result
    }

    /// The largest extent of each component from the ends of its i-lines (grouped by counting sort).
    static func largestExtents(_ ends: [(label: Int32, point: VoxelIndex)], count: Int, gram: [[Double]]) -> [Double] {
        var first = [Int](repeating: 0, count: count + 2)
        for end in ends { first[Int(end.label) + 1] += 1 }
        for n in 1..<first.count { first[n] += first[n - 1] }
        var grouped = [VoxelIndex](repeating: VoxelIndex(0, 0, 0), count: ends.count)
        var cursor = first
        for end in ends {
            grouped[cursor[Int(end.label)]] = end.point
            cursor[Int(end.label)] += 1
        }
        var extents = [Double](repeating: 0, count: count + 1)
        for label in 1..<(count + 1) {
            extents[label] = FeretDiameter.largestExtent(of: Array(grouped[first[label]..<first[label + 1]]), gram: gram)
        }
        return extents
    }
}
