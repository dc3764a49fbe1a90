/// How a source voxel grid sits on a target grid in world space, and resampling between them.
///
/// Both grids are placed in world space (mm) by their affines; `targetToSource` maps a target
/// voxel index to the continuous source voxel index at the same world point,
/// `A_source⁻¹ · A_target`. A source voxel (i, j, k) covers the continuous indices within half a
/// voxel of its centre, so the source's field of view is `-0.5 ≤ u < n - 0.5` on each axis
/// (half-open, so each point belongs to exactly one voxel).
///
/// Like `scipy.ndimage.affine_transform(source, inv(A_s) @ A_t, order=0 or 1)` inside the
/// field of view, but never extrapolated: points outside get the `outside` value (nearest) or
/// NaN (trilinear), and points in the outermost half voxel take the edge value rather than a
/// blend with a constant.
public struct GridPlacement: Sendable {
    public let target: VoxelGeometry
    public let source: VoxelGeometry
    /// Target voxel index → continuous source voxel index.
    public let targetToSource: Affine

    /// Nil when the source affine is singular.
    public init?(source: VoxelGeometry, onto target: VoxelGeometry) {
        guard let inverse = source.affine.inverse else { return nil }
        self.source = source
        self.target = target
        self.targetToSource = inverse.concatenating(target.affine)
    }

    /// The largest distance in mm between where the two affines put the same voxel index, over
    /// the target grid; nil when the grids differ in size. The distance is affine in the index,
    /// so its maximum over the grid lies at one of the eight corners, which are the points checked.
    public var cornerDisplacementMM: Double? {
        guard source.size == target.size else { return nil }
        let size = target.size
        var worst = 0.0
        for k in [0, max(0, size.nz - 1)] {
            for j in [0, max(0, size.ny - 1)] {
                for i in [0, max(0, size.nx - 1)] {
                    let v = VoxelIndex(i, j, k)
                    let a = target.affine.apply(v), b = source.affine.apply(v)
                    let dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z
                    let squared: Double = dx * dx + dy * dy + dz * dz
                    worst = max(worst, squared.squareRoot())
                }
            }
        }
        return worst
    }

    /// The fraction of target voxel centres that fall inside the source's field of view, 0…1.
    ///
    /// Time O(N) for N target voxels.
    public var fieldCoverage: Double {
        let size = target.size
        guard size.voxelCount > 0 else { return 0 }
        var inside = 0
        forEachTargetVoxel { _, u in
            if sourceVoxel(u) != nil { inside += 1 }
        }
        return Double(inside) / Double(size.voxelCount)
    }

    /// The fraction of the target voxel centres where `within` is true (a brain mask on the
    /// target grid, by storage offset) that fall inside the source's field of view, 0…1; 0 when
    /// `within` is true nowhere.
    ///
    /// Time O(N) for N target voxels.
    public func fieldCoverage(within: (Int) -> Bool) -> Double {
        var inside = 0, counted = 0
        forEachTargetVoxel { offset, u in
            guard within(offset) else { return }
            counted += 1
            if sourceVoxel(u) != nil { inside += 1 }
        }
        return counted == 0 ? 0 : Double(inside) / Double(counted)
    }

    /// Nearest-neighbour resampling onto the target grid: each target voxel takes the value of
    /// the source voxel whose cell holds its centre (`floor(u + 0.5)` per axis), or `outside`.
    ///
    /// For masks and label maps: no value is invented. Time O(N) for N target voxels.
    ///
    /// - Parameter value: the source value at a storage offset.
    public func nearest(_ value: (Int) -> Double, outside: Double) -> Volume<Double> {
        var voxels = [Double](repeating: outside, count: target.size.voxelCount)
        forEachTargetVoxel { offset, u in
            if let v = sourceVoxel(u) { voxels[offset] = value(source.size.offset(v)) }
        }
        return Volume(size: target.size, voxels: voxels)
    }

    /// Trilinear resampling onto the target grid, for intensities.
    ///
    /// Inside the field of view the position is clamped to the outermost voxel centres (the edge
    /// voxels extend by half a voxel), then the eight surrounding values are weighted by the
    /// products of the fractional distances. Target voxels outside the field are `outside` (NaN unless
    /// given), which is never foreground. A NaN among the eight neighbours with nonzero weight gives NaN.
    ///
    /// - Parameters:
    ///   - value: the source value at a storage offset.
    ///   - outside: the value of target voxels outside the source's field (default NaN).
    public func trilinear(_ value: (Int) -> Double, outside: Double = .nan) -> Volume<Double> {
        let s = source.size
        var voxels = [Double](repeating: outside, count: target.size.voxelCount)
        forEachTargetVoxel { offset, u in
            guard sourceVoxel(u) != nil else { return }
            func corner(_ x: Double, _ n: Int) -> (Int, Int, Double) {
                let clamped = min(max(x, 0), Double(n - 1))
                let low = min(Int(clamped.rounded(.down)), max(0, n - 2))
                let high = min(low + 1, n - 1)
                return (low, high, clamped - Double(low))
            }
            let (i0, i1, fi) = corner(u.i, s.nx)
            let (j0, j1, fj) = corner(u.j, s.ny)
            let (k0, k1, fk) = corner(u.k, s.nz)
            func along(_ j: Int, _ k: Int) -> Double {
                let low = fi == 1 ? 0 : (1 - fi) * value(s.offset(i0, j, k))
                let high = fi == 0 ? 0 : fi * value(s.offset(i1, j, k))
                return low + high
            }
            func plane(_ k: Int) -> Double {
                let low = fj == 1 ? 0 : (1 - fj) * along(j0, k)
                let high = fj == 0 ? 0 : fj * along(j1, k)
                return low + high
            }
            let sum = (fk == 1 ? 0 : (1 - fk) * plane(k0)) + (fk == 0 ? 0 : fk * plane(k1))
            voxels[offset] = sum
        }
        return Volume(size: target.size, voxels: voxels)
    }

    /// The source voxel whose cell holds the continuous index `u`, or nil outside the field.
    func sourceVoxel(_ u: VoxelCoordinate) -> VoxelIndex? {
        let s = source.size
        // Compared as Doubles first, so a far-away (or non-finite) position never reaches Int().
        func cell(_ x: Double, _ n: Int) -> Int? {
            guard x >= -0.5, x < Double(n) - 0.5 else { return nil }
            // x + 0.5 ≥ 0, so truncating is rounding down (without a call to floor).
            return min(n - 1, Int(x + 0.5))
        }
        guard let i = cell(u.i, s.nx), let j = cell(u.j, s.ny), let k = cell(u.k, s.nz) else { return nil }
        return VoxelIndex(i, j, k)
    }

    /// Calls `body` with each target storage offset and its continuous source index, in storage order.
    @inline(__always)
    func forEachTargetVoxel(_ body: (Int, VoxelCoordinate) -> Void) {
        forEachTargetVoxel(slices: 0..<target.size.nz, body)
    }

    /// `forEachTargetVoxel` over the target slices `slices` (k) only, and within them over the
    /// rows `rows` (j) and columns `columns` (i) only (all by default). Each position is computed
    /// as for the whole grid, so a part gives the same positions bit for bit.
    @inline(__always)
    func forEachTargetVoxel(
        slices: Range<Int>, rows: Range<Int>? = nil, columns: Range<Int>? = nil, _ body: (Int, VoxelCoordinate) -> Void
    ) {
        let size = target.size
        let (rows, columns) = (rows ?? 0..<size.ny, columns ?? 0..<size.nx)
        let m = targetToSource.rows
        // The column along i, read once: the matrix is an array of arrays.
        let (a0, a1, a2) = (m[0][0], m[1][0], m[2][0])
        for k in slices {
            for j in rows {
                let y = Double(j), z = Double(k)
                let row0: Double = m[0][1] * y + m[0][2] * z + m[0][3]
                let row1: Double = m[1][1] * y + m[1][2] * z + m[1][3]
                let row2: Double = m[2][1] * y + m[2][2] * z + m[2][3]
                var offset = size.offset(columns.lowerBound, j, k)
                for i in columns {
                    let x = Double(i)
                    body(offset, VoxelCoordinate(row0 + a0 * x, row1 + a1 * x, row2 + a2 * x))
                    offset += 1
                }
            }
        }
    }
}
