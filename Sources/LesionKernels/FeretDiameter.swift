/// The largest distance between the centres of two voxels of a set (its Feret diameter), exact.
///
/// The farthest pair of a finite point set lies on vertices of its convex hull, and a voxel
/// strictly between two others of the set on an axis-aligned line is no vertex. So only voxels
/// that are the first or last of the set on their i-line, j-line and k-line are compared pairwise,
/// in world coordinates (mm), so anisotropic and oblique voxels are measured correctly.
/// Line ends are found with arrays over the bounding box: O(n + box faces), then O(c²) for c candidates.
public enum FeretDiameter {
    public static func largestExtent(of voxels: [VoxelIndex], affine: Affine) -> Double {
        voxels.withUnsafeBufferPointer { largestExtent(of: $0, affine: affine) }
    }

    public static func largestExtent(of voxels: UnsafeBufferPointer<VoxelIndex>, affine: Affine) -> Double {
        guard voxels.count > 1 else { return 0 }
        if voxels.count <= 32 { return farthest(voxels, affine) }
        let candidates = extremeVoxels(voxels)
        return candidates.withUnsafeBufferPointer { farthest($0, affine) }
    }

    /// The largest pairwise distance. Pairs are visited by decreasing distance from the centroid and
    /// skipped once `r_a + r_b` (an upper bound on their distance) falls below the best found, with a
    /// relative margin far above rounding error, so the result equals the all-pairs maximum.
    static func farthest(_ voxels: UnsafeBufferPointer<VoxelIndex>, _ affine: Affine) -> Double {
        let m = affine.rows
        let (r0, r1, r2) = (SIMD4(m[0][0], m[0][1], m[0][2], 0), SIMD4(m[1][0], m[1][1], m[1][2], 0), SIMD4(m[2][0], m[2][1], m[2][2], 0))
        var world = voxels.map { v -> SIMD4<Double> in
            let p = SIMD4(Double(v.i), Double(v.j), Double(v.k), 0)
            return SIMD4((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum(), 0)
        }
        let centre = world.reduce(SIMD4<Double>()) { $0 + $1 } / Double(world.count)
        let radius = world.map { (($0 - centre) * ($0 - centre)).sum().squareRoot() }
        let order = radius.indices.sorted { radius[$0] > radius[$1] }
        world = order.map { world[$0] }
        let r = order.map { radius[$0] }
        let margin = 1 + 1e-9
        var bestSquared = 0.0, best = 0.0
        for a in 0..<world.count {
            if 2 * r[a] * margin < best { break }
            let p = world[a]
            for b in (a + 1)..<world.count {
                if (r[a] + r[b]) * margin < best { break }
                let d = p - world[b]
                let squared = (d * d).sum()
                if squared > bestSquared {
                    bestSquared = squared
                    best = squared.squareRoot()
                }
            }
        }
        return best
    }

    /// The axis directions: lines along them are cheap to index, and with the pruned pairwise search
    /// more directions (diagonals) cost more than they save.
    static let directions: [(Int, Int, Int)] = [(1, 0, 0), (0, 1, 0), (0, 0, 1)]

    /// Voxels that are an end of their line along each axis.
    ///
    /// A hull vertex is never strictly between two points of the set on any line, so this keeps
    /// every vertex.
    static func extremeVoxels(_ voxels: UnsafeBufferPointer<VoxelIndex>) -> [VoxelIndex] {
        var kept = Array(voxels)
        for direction in directions where kept.count > 32 {
            kept = endsOfLines(kept, direction)
        }
        return kept
    }

    /// The voxels that are first or last of the set on their line along `direction`.
    static func endsOfLines(_ voxels: [VoxelIndex], _ direction: (Int, Int, Int)) -> [VoxelIndex] {
        let d = SIMD4(direction.0, direction.1, direction.2, 0)
        let a = direction.0 != 0 ? 0 : direction.1 != 0 ? 1 : 2  // the axis that parametrises each line
        let (b, c) = a == 0 ? (1, 2) : a == 1 ? (0, 2) : (0, 1)
        // A line is identified by (p_b − d_b·p_a, p_c − d_c·p_a); its points are ordered by p_a.
        @inline(__always) func key(_ v: VoxelIndex) -> (Int, Int, Int) {
            let p = SIMD4(v.i, v.j, v.k, 0)
            return (p[b] - d[b] * p[a], p[c] - d[c] * p[a], p[a])
        }
        var lowB = Int.max, lowC = Int.max, highB = Int.min, highC = Int.min
        for v in voxels {
            let (kb, kc, _) = key(v)
            lowB = min(lowB, kb); highB = max(highB, kb); lowC = min(lowC, kc); highC = max(highC, kc)
        }
        let width = highB - lowB + 1
        var range = [SIMD2<Int32>](repeating: SIMD2(.max, .min), count: width * (highC - lowC + 1))
        for v in voxels {
            let (kb, kc, t) = key(v)
            let n = (kb - lowB) + width * (kc - lowC)
            range[n] = SIMD2(min(range[n].x, Int32(t)), max(range[n].y, Int32(t)))
        }
        return voxels.filter { v in
            let (kb, kc, t) = key(v)
            let r = range[(kb - lowB) + width * (kc - lowC)]
            return Int32(t) == r.x || Int32(t) == r.y
        }
    }
}
