/// Which voxel axis runs closest to each world axis (x = right, y = anterior, z = superior).
///
/// Each voxel axis is given to the world axis its direction is most aligned with, largest
/// alignment first, so the three are a permutation. `increasesTowardPositive[w]` says whether the
/// voxel index along `voxelAxis[w]` grows toward +x, +y or +z. Equivalent to nibabel's
/// `io_orientation` for non-degenerate affines; `code` is nibabel's `aff2axcodes` ("RAS", "LPS"…).
public struct AnatomicalAxes: Sendable, Equatable {
    public let voxelAxis: [Int]
    public let increasesTowardPositive: [Bool]

    public init(_ affine: Affine) {
        let norms = affine.columnNorms
        let columnNorm = [norms.0, norms.1, norms.2]
        var pairs: [(alignment: Double, world: Int, axis: Int)] = []
        for world in 0..<3 {
            for axis in 0..<3 {
                let n = columnNorm[axis] > 0 ? columnNorm[axis] : 1
                pairs.append((abs(affine.rows[world][axis]) / n, world, axis))
            }
        }
        pairs.sort { $0.alignment != $1.alignment ? $0.alignment > $1.alignment : ($0.world, $0.axis) < ($1.world, $1.axis) }
        var voxelAxis = [-1, -1, -1]
        var usedAxes = Set<Int>()
        for pair in pairs where voxelAxis[pair.world] < 0 && !usedAxes.contains(pair.axis) {
            voxelAxis[pair.world] = pair.axis
            usedAxes.insert(pair.axis)
        }
        self.voxelAxis = voxelAxis
        self.increasesTowardPositive = (0..<3).map { affine.rows[$0][voxelAxis[$0]] >= 0 }
    }

    /// The direction each voxel axis points to, as nibabel's `aff2axcodes`: e.g. "RAS".
    public var code: String {
        var letters = ["?", "?", "?"]
        let positive = ["R", "A", "S"]
        let negative = ["L", "P", "I"]
        for world in 0..<3 {
            letters[voxelAxis[world]] = increasesTowardPositive[world] ? positive[world] : negative[world]
        }
        return letters.joined()
    }
}
