/// The largest distance between the centres of two voxels of a set (its Feret diameter), exact.
///
/// The farthest pair of a finite point set lies on vertices of its convex hull, and a voxel
/// strictly between two others of the set on an axis-aligned line is no vertex. So only voxels
/// that are the first or last of the set on their i-line, j-line and k-line are compared pairwise.
/// Distances use the affine's Gram matrix, so anisotropic and oblique voxels are measured in mm.
public enum FeretDiameter {
    public static func largestExtent(of voxels: [VoxelIndex], gram: [[Double]]) -> Double {
        guard voxels.count > 1 else { return 0 }
        let candidates = extremeVoxels(voxels)
        var best = 0.0
        for a in 0..<candidates.count {
            let p = candidates[a]
            for b in (a + 1)..<candidates.count {
                let q = candidates[b]
                let d = [Double(p.i - q.i), Double(p.j - q.j), Double(p.k - q.k)]
                var squared = 0.0
                for r in 0..<3 {
                    for c in 0..<3 { squared += d[r] * gram[r][c] * d[c] }
                }
                best = max(best, squared)
            }
        }
        return best.squareRoot()
    }

    /// Voxels that are an end of their line along each of the three axes.
    static func extremeVoxels(_ voxels: [VoxelIndex]) -> [VoxelIndex] {
        struct Line: Hashable { let a: Int, b: Int }
        func ends(_ key: (VoxelIndex) -> Line, _ coordinate: (VoxelIndex) -> Int) -> [Line: (Int, Int)] {
            var result: [Line: (Int, Int)] = [:]
            for v in voxels {
                let c = coordinate(v)
                if let (lo, hi) = result[key(v)] {
                    result[key(v)] = (min(lo, c), max(hi, c))
                } else {
                    result[key(v)] = (c, c)
                }
            }
            return result
        }
        let alongI = ends({ Line(a: $0.j, b: $0.k) }, { $0.i })
        let alongJ = ends({ Line(a: $0.i, b: $0.k) }, { $0.j })
        let alongK = ends({ Line(a: $0.i, b: $0.j) }, { $0.k })
        func isEnd(_ range: (Int, Int)?, _ c: Int) -> Bool { c == range!.0 || c == range!.1 }
        return voxels.filter { v in
            isEnd(alongI[Line(a: v.j, b: v.k)], v.i) && isEnd(alongJ[Line(a: v.i, b: v.k)], v.j)
                && isEnd(alongK[Line(a: v.i, b: v.j)], v.k)
        }
    }
}
