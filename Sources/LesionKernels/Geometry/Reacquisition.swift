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
    ///   - within: a box of grid voxels: only these are computed, each bit for bit as without
    ///     it, and only the series voxels they are placed from are acquired; the others are NaN.
    /// - Returns: nil when an affine or the transform is singular.
    public static func reacquired(
        _ values: Volume<Float>, grid: VoxelGeometry, series: VoxelGeometry, gridToSeriesWorld: Affine?, threads: Int = 1,
        within: VoxelBox? = nil
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
        let placement =
            gridToSeriesWorld.map { GridPlacement(source: series, onto: grid, through: $0) } ?? GridPlacement(source: series, onto: grid)
        guard let placement else { return nil }
        // The series voxels the grid's box is placed from: trilinear reads the two voxels around
        // each continuous index, whose extremes over a box lie at its corners (one more each
        // side for rounding).
        let needed =
            within.map { box in Self.sourceBox(of: box, placement: placement) }
            ?? VoxelBox(
                lower: VoxelIndex(0, 0, 0), upper: VoxelIndex(s.nx - 1, s.ny - 1, s.nz - 1))
        let fineBox = VoxelBox(
            lower: VoxelIndex(needed.lower.i * n[0], needed.lower.j * n[1], 0),
            upper: VoxelIndex((needed.upper.i + 1) * n[0] - 1, (needed.upper.j + 1) * n[1] - 1, n[2] - 1))
        var acquired = [Float](repeating: .nan, count: s.voxelCount)
        let share = 1 / Double(n[0] * n[1] * n[2])
        for k in needed.lower.k...needed.upper.k {
            let inSlice = Affine(
                rows: (0..<3).map { a in
                    var row = [0.0, 0, 0, 0.5 / Double(n[a]) - 0.5 + (a == 2 ? Double(k) : 0)]
                    row[a] = 1 / Double(n[a])
                    return row
                })
            let fine = VoxelGeometry(size: sliceSize, affine: series.affine.concatenating(inSlice))
            let toFine = back.map { GridPlacement(source: grid, onto: fine, through: $0) } ?? GridPlacement(source: grid, onto: fine)
            guard let toFine else { return nil }
            let sampled = values.voxels.withUnsafeBufferPointer {
                toFine.trilinear(stored: $0, scaling: .identity, threads: threads, within: within == nil ? nil : fineBox)
            }
            sampled.voxels.withUnsafeBufferPointer { f in
                acquired.withUnsafeMutableBufferPointer { out in
                    for j in needed.lower.j...needed.upper.j {
                        for i in needed.lower.i...needed.upper.i {
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
        let placed = acquired.withUnsafeBufferPointer {
            placement.trilinear(stored: $0, scaling: .identity, threads: threads, within: within)
        }
        return placed.map { Float($0) }
    }

    /// The box of source voxels whose values trilinear placement reads for the target voxels in
    /// `box` (and a voxel more on each side), kept inside the source grid; never empty.
    static func sourceBox(of box: VoxelBox, placement: GridPlacement) -> VoxelBox {
        let s = placement.source.size
        var low = [Double.infinity, .infinity, .infinity], high = [-Double.infinity, -.infinity, -.infinity]
        for k in [box.lower.k, box.upper.k] {
            for j in [box.lower.j, box.upper.j] {
                for i in [box.lower.i, box.upper.i] {
                    let u = placement.targetToSource.apply(VoxelIndex(i, j, k))
                    for (a, x) in [u.x, u.y, u.z].enumerated() {
                        low[a] = min(low[a], x)
                        high[a] = max(high[a], x)
                    }
                }
            }
        }
        let n = [s.nx, s.ny, s.nz]
        func clamp(_ x: Double, _ a: Int) -> Int { Int(min(max(x, -1), Double(n[a]))) }
        let lower = (0..<3).map { a in max(0, clamp(low[a].rounded(.down), a) - 1) }
        let upper = (0..<3).map { a in min(n[a] - 1, clamp(high[a].rounded(.down), a) + 2) }
        return VoxelBox(lower: VoxelIndex(lower[0], lower[1], lower[2]), upper: VoxelIndex(upper[0], upper[1], upper[2]))
    }
}
