/// A point in world space, in millimetres (NIfTI RAS+: x to the right, y anterior, z superior).
public struct WorldPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public var components: [Double] { [x, y, z] }
}

/// The voxel-to-world map of a scan: `world = linear · (i, j, k) + translation`, in mm.
///
/// Stored as the top three rows of the NIfTI 4×4 matrix (`srow_x`, `srow_y`, `srow_z` for an sform).
public struct Affine: Hashable, Sendable {
    /// `rows[r][c]` for r in 0..<3, c in 0..<4; column 3 is the translation.
    public let rows: [[Double]]

    public init(rows: [[Double]]) {
        precondition(rows.count == 3 && rows.allSatisfy { $0.count == 4 }, "an affine has 3 rows of 4")
        self.rows = rows
    }

    /// Scaling by the voxel spacing with the origin at voxel (0, 0, 0): NIfTI-1 "method 1",
    /// the map used when neither an sform nor a qform is set.
    public static func spacing(_ dx: Double, _ dy: Double, _ dz: Double) -> Affine {
        Affine(rows: [[dx, 0, 0, 0], [0, dy, 0, 0], [0, 0, dz, 0]])
    }

    public func apply(_ v: VoxelCoordinate) -> WorldPoint {
        func row(_ r: Int) -> Double {
            let m = rows[r]
            let linear: Double = m[0] * v.i + m[1] * v.j + m[2] * v.k
            return linear + m[3]
        }
        return WorldPoint(row(0), row(1), row(2))
    }

    public func apply(_ v: VoxelIndex) -> WorldPoint {
        apply(VoxelCoordinate(Double(v.i), Double(v.j), Double(v.k)))
    }

    /// Determinant of the 3×3 linear part: the signed volume of one voxel in mm³.
    public var determinant: Double {
        let m = rows
        let a: Double = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        let b: Double = m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        let c: Double = m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        return a - b + c
    }

    /// Length in mm of one step along i, j and k: the voxel size this affine implies.
    public var columnNorms: (Double, Double, Double) {
        func norm(_ c: Int) -> Double {
            let squares: Double = rows[0][c] * rows[0][c] + rows[1][c] * rows[1][c] + rows[2][c] * rows[2][c]
            return squares.squareRoot()
        }
        return (norm(0), norm(1), norm(2))
    }

    /// The 4×4 matrix with the last row `[0, 0, 0, 1]`.
    public var matrix4x4: [[Double]] { rows + [[0, 0, 0, 1]] }

    /// The largest absolute difference between corresponding entries.
    public func maximumDifference(from other: Affine) -> Double {
        var worst = 0.0
        for r in 0..<3 {
            for c in 0..<4 { worst = max(worst, abs(rows[r][c] - other.rows[r][c])) }
        }
        return worst
    }
}

/// A voxel grid placed in world space: the size of the grid and its voxel-to-world affine.
public struct VoxelGeometry: Hashable, Sendable {
    public let size: GridSize
    public let affine: Affine

    public init(size: GridSize, affine: Affine) {
        self.size = size
        self.affine = affine
    }

    /// The volume of one voxel in mm³, `|det L|`.
    public var voxelVolumeMM3: Double { abs(affine.determinant) }

    /// The voxel size in mm along i, j and k, from the affine's columns.
    public var spacingMM: (Double, Double, Double) { affine.columnNorms }
}
