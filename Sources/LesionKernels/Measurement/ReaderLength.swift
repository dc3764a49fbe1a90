/// A lesion's long axis as a reader measures it: from the outer edge of one end voxel to the
/// outer edge of the other, in mm.
///
/// The Feret diameter between voxel centres (`FeretDiameter`) is one voxel shorter than a
/// reader's measurement: three voxels in a row, 1 mm each, are 2 mm apart centre to centre and
/// 3 mm long to a reader. So the reader's length is
///
///     L = D + w(u),   w(u) = |a₀·u| + |a₁·u| + |a₂·u|,
///
/// where D is the largest distance between two voxel centres, u the unit vector from one centre of
/// such a pair to the other, and a₀, a₁, a₂ the voxel's edge vectors (the affine's columns): w(u)
/// is the voxel's extent along u. When several pairs are at distance D (to within 1e-12 relative,
/// for rounding), the largest L is taken. A single voxel has no direction: its length is its
/// shortest edge. On a 1 mm grid a row of n voxels is n mm; on a 0.9 × 0.9 × 3 mm grid four voxels
/// in a row in-plane are 3.6 mm and two voxels stacked through-plane 6 mm; on a 0.5 mm grid six
/// voxels in a row are 3 mm.
///
/// Exact (no sampling of directions): only voxels that are the first or last of the set on their
/// i-, j- and k-lines can end a farthest pair (`FeretDiameter`), and those are compared pairwise.
/// Time O(n + c²) for n voxels and c such candidates; meant for small lesions, where a size floor
/// is undecided.
public enum ReaderLength {
    public static func of(_ voxels: [VoxelIndex], affine: Affine) -> Double {
        precondition(!voxels.isEmpty, "a lesion has at least one voxel")
        let m = affine.rows
        let edges = (0..<3).map { c in SIMD3(m[0][c], m[1][c], m[2][c]) }
        if voxels.count == 1 { return edges.map { ($0 * $0).sum().squareRoot() }.min()! }
        let candidates = voxels.withUnsafeBufferPointer { FeretDiameter.extremeVoxels($0) }
        let world = candidates.map { v in
            edges[0] * Double(v.i) + edges[1] * Double(v.j) + edges[2] * Double(v.k)
        }
        var bestSquared = 0.0
        for a in world.indices {
            for b in (a + 1)..<world.count {
                let d = world[a] - world[b]
                bestSquared = max(bestSquared, (d * d).sum())
            }
        }
        let tie = bestSquared * (1 - 1e-12)
        var length = 0.0
        for a in world.indices {
            for b in (a + 1)..<world.count {
                let d = world[a] - world[b]
                let squared = (d * d).sum()
                guard squared >= tie else { continue }
                let distance = squared.squareRoot()
                let u = d / distance
                let width = edges.reduce(0) { $0 + abs(($1 * u).sum()) }
                length = max(length, distance + width)
            }
        }
        return length
    }

    /// True when a length passes a floor, to within 1e-9 relative (rounding of the spacing).
    public static func passes(_ length: Double, floor: Double) -> Bool {
        floor <= 0 || length >= floor * (1 - 1e-9)
    }
}
