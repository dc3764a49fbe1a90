/// An image on a grid as another series would have acquired it: the grid's values averaged over
/// each voxel of the series, then placed back on the grid by trilinear interpolation, as the
/// series' own image is (`GridPlacement.trilinear`).
///
/// A baseline acquired at the grid's resolution, so re-acquired as a follow-up's thick slices,
/// shows each lesion with the follow-up's blur along the slices: what then differs between the
/// two is change, not acquisition (the resolution matching of longitudinal image comparison).
///
/// Each series voxel is averaged over `samples` points per axis, evenly spread over its extent
/// (the midpoints of equal parts), each read from the grid by trilinear interpolation. A series
/// voxel with a sample outside the grid's field, or on a NaN, is NaN; so is a grid voxel placed
/// from such a series voxel. Time O(S + N) for S samples and N grid voxels; memory for one
/// series slice's samples.
public enum Reacquisition {
    /// Samples per series voxel along each of its axes: one per `gridSpacingMM` of its extent,
    /// rounded up, at least one (a 5 mm slice on a 1 mm grid: 5).
    public static func samples(series: VoxelGeometry, gridSpacingMM: Double) -> [Int] {
        precondition(gridSpacingMM > 0, "a grid has a positive spacing")
        let (x, y, z) = series.spacingMM
        return [x, y, z].map { max(1, Int(($0 / gridSpacingMM - 1e-6).rounded(.up))) }
    }

    /// `values` (on `grid`) as `series` would have acquired them, on `grid`.
    ///
    /// - Parameters:
    ///   - gridToSeriesWorld: the transform from the grid's world to the series' world (a
    ///     registration, as `GridPlacement.init(source:onto:through:)` takes it); nil when the
    ///     affines place the two.
    ///   - threads: the threads that share each resampling.
    /// - Returns: nil when an affine or the transform is singular.
    public static func reacquired(
        _ values: Volume<Float>, grid: VoxelGeometry, series: VoxelGeometry, gridToSeriesWorld: Affine?, threads: Int = 1
    ) -> Volume<Float>? {
        precondition(values.size == grid.size, "the values are not on the grid")
        let (gx, gy, gz) = grid.spacingMM
        let n = samples(series: series, gridSpacingMM: min(gx, gy, gz))
        let s = series.size
        // The samples of one series slice (along its third axis) at a time, so the samples never
        // take more than a slice's worth of memory: fine index f along an axis is the series
        // index (f + 0.5) / n − 0.5, and along the third axis k more for slice k.
        let sliceSize = GridSize(s.nx * n[0], s.ny * n[1], n[2])
        let back: Affine?
        if let transform = gridToSeriesWorld {
            guard let inverse = transform.inverse else { return nil }
            back = inverse
        } else {
            back = nil
        }
        var acquired = [Float](repeating: 0, count: s.voxelCount)
        let share = 1 / Double(n[0] * n[1] * n[2])
        for k in 0..<s.nz {
            let within = Affine(
                rows: (0..<3).map { a in
                    var row = [0.0, 0, 0, 0.5 / Double(n[a]) - 0.5 + (a == 2 ? Double(k) : 0)]
                    row[a] = 1 / Double(n[a])
                    return row
                })
            let fine = VoxelGeometry(size: sliceSize, affine: series.affine.concatenating(within))
            let toFine = back.map { GridPlacement(source: grid, onto: fine, through: $0) } ?? GridPlacement(source: grid, onto: fine)
            guard let toFine else { return nil }
            let sampled = values.voxels.withUnsafeBufferPointer {
                toFine.trilinear(stored: $0, scaling: .identity, threads: threads)
            }
            sampled.voxels.withUnsafeBufferPointer { f in
                acquired.withUnsafeMutableBufferPointer { out in
                    for j in 0..<s.ny {
                        for i in 0..<s.nx {
                            var sum = 0.0
                            for c in 0..<n[2] {
                                for b in 0..<n[1] {
                                    let row = sliceSize.offset(i * n[0], j * n[1] + b, c)
                                    for a in 0..<n[0] { sum += f[row + a] }
                                }
                            }
                            // A NaN sample makes the sum NaN: the voxel is unknown.
                            out[s.offset(i, j, k)] = Float(sum * share)
                        }
                    }
                }
            }
        }
        let placement =
            gridToSeriesWorld.map { GridPlacement(source: series, onto: grid, through: $0) } ?? GridPlacement(source: series, onto: grid)
        guard let placement else { return nil }
        let placed = acquired.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: .identity, threads: threads) }
        return placed.map { Float($0) }
    }
}
