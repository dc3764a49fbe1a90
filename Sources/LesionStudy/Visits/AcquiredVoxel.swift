import LesionKernels

/// One voxel of a file as it lies on the reference grid: its extent along each of the grid's axes,
/// in grid voxels, through the file's affine and, for a registered file, its registration.
///
/// A 2 × 2 × 6 mm FLAIR voxel placed on a 2 mm grid spans 1 × 1 × 3 grid voxels; rotated by a
/// registration, its extent along each grid axis is the sum of its three edges' projections.
public enum AcquiredVoxel {
    /// The extent along the grid's i, j and k of one voxel of `file`. `registration` maps the
    /// baseline's world to the file's world (`ReferenceGrid.registration`); nil places the file by
    /// its header.
    public static func extentOnGrid(file: VoxelGeometry, registration: Affine?, grid: VoxelGeometry) -> [Double] {
        // Edge b of the file's voxel in grid voxels: inverse(R · G) · F, linear parts only.
        let g = linear(grid.affine)
        let toGrid = inverse(registration.map { multiply(linear($0), g) } ?? g)
        let m = multiply(toGrid, linear(file.affine))
        return (0..<3).map { a in (0..<3).reduce(0) { $0 + abs(m[a][$1]) } }
    }

    /// Half the extent along each grid axis, rounded down to whole grid voxels (with a tolerance
    /// of 10⁻⁶ for rounding in the affines): the partial-volume shell of `VisitLesions`.
    public static func partialVolumeVoxels(extent: [Double]) -> [Int] {
        extent.map { Int((0.5 * $0 + 1e-6).rounded(.down)) }
    }

    private static func linear(_ a: Affine) -> [[Double]] { (0..<3).map { r in Array(a.rows[r].prefix(3)) } }

    private static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<3).map { r in (0..<3).map { c in (0..<3).reduce(0) { $0 + a[r][$1] * b[$1][c] } } }
    }

    private static func inverse(_ m: [[Double]]) -> [[Double]] {
        let det =
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        precondition(det != 0, "a singular affine is refused when the grid is placed")
        func cofactor(_ r: Int, _ c: Int) -> Double {
            let rs = (0..<3).filter { $0 != r }, cs = (0..<3).filter { $0 != c }
            let minor = m[rs[0]][cs[0]] * m[rs[1]][cs[1]] - m[rs[0]][cs[1]] * m[rs[1]][cs[0]]
            return (r + c) % 2 == 0 ? minor : -minor
        }
        // The inverse is the transposed cofactor matrix over the determinant.
        return (0..<3).map { r in (0..<3).map { c in cofactor(c, r) / det } }
    }
}
