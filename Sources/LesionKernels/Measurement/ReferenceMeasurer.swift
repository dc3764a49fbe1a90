/// Measures every lesion of a label map by visiting its voxels in storage order.
///
/// The reference for lesion statistics: one pass collects each label's voxels, then each lesion
/// is measured on its own. Centroid sums are exact integers; the largest extent is exact.
public enum ReferenceMeasurer {
    /// - Parameters:
    ///   - intensity: the scaled intensity at a storage offset.
    public static func measure(
        _ map: LabelMap, geometry: VoxelGeometry, intensity: (Int) -> Double
    ) -> [Lesion] {
        precondition(map.size == geometry.size, "label map and geometry disagree on the grid")
        var members = [[Int]](repeating: [], count: map.count + 1)
        for (offset, label) in map.labels.voxels.enumerated() where label != 0 {
            members[Int(label)].append(offset)
        }
        let size = map.size
        let voxelVolume = geometry.voxelVolumeMM3
        return (1..<(map.count + 1)).map { label in
            let offsets = members[label]
            var lower = size.index(ofOffset: offsets[0])
            var upper = lower
            var sum = (0, 0, 0)
            var intensitySum = 0.0
            var intensityMax = -Double.infinity
            var voxels: [VoxelIndex] = []
            voxels.reserveCapacity(offsets.count)
            for offset in offsets {
                let v = size.index(ofOffset: offset)
                voxels.append(v)
                lower = VoxelIndex(min(lower.i, v.i), min(lower.j, v.j), min(lower.k, v.k))
                upper = VoxelIndex(max(upper.i, v.i), max(upper.j, v.j), max(upper.k, v.k))
                sum = (sum.0 + v.i, sum.1 + v.j, sum.2 + v.k)
                let value = intensity(offset)
                intensitySum += value
                intensityMax = max(intensityMax, value)
            }
            let n = Double(offsets.count)
            let centroid = VoxelCoordinate(Double(sum.0) / n, Double(sum.1) / n, Double(sum.2) / n)
            return Lesion(
                label: label,
                voxelCount: offsets.count,
                volumeMM3: n * voxelVolume,
                boundingBox: VoxelBox(lower: lower, upper: upper),
                centroidVoxel: centroid,
                centroidMM: geometry.affine.apply(centroid),
                largestExtentMM: FeretDiameter.largestExtent(of: voxels, affine: geometry.affine),
                meanIntensity: intensitySum / n,
                maxIntensity: intensityMax
            )
        }
    }
}
