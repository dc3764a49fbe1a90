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

    /// - Parameter endsAlongI: the set holds only the first and last voxels of each i-line, as the
    ///   fast kernel collects it; the i-line filter is then skipped.
    public static func largestExtent(of voxels: UnsafeBufferPointer<VoxelIndex>, affine: Affine, endsAlongI: Bool = false) -> Double {
        guard voxels.count > 1 else { return 0 }
        if voxels.count <= 32 { return farthest(voxels, affine) }
        let candidates = extremeVoxels(voxels, skippingI: endsAlongI)
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

    /// Voxels that are an end of their line along each axis.
    ///
    /// A hull vertex is never strictly between two points of the set on any line, so this keeps
    /// every vertex. `skippingI` leaves out the i-lines, for sets already made of i-line ends.
    static func extremeVoxels(_ voxels: UnsafeBufferPointer<VoxelIndex>, skippingI: Bool = false) -> [VoxelIndex] {
        var kept = Array(voxels)
        for axis in (skippingI ? 1 : 0)..<3 where kept.count > 32 {
            kept = endsOfLines(kept, along: axis)
        }
        return kept
    }

    /// The voxels that are first or last of the set on their line along `axis` (0 = i, 1 = j, 2 = k).
    static func endsOfLines(_ voxels: [VoxelIndex], along axis: Int) -> [VoxelIndex] {
        // Split each voxel into the line it lies on (two coordinates) and its place along it.
        @inline(__always) func split(_ v: VoxelIndex) -> (Int, Int, Int) {
            switch axis {
            case 0: (v.j, v.k, v.i)
            case 1: (v.i, v.k, v.j)
            default: (v.i, v.j, v.k)
            }
        }
        var lowA = Int.max, lowB = Int.max, highA = Int.min, highB = Int.min
        for v in voxels {
            let (a, b, _) = split(v)
            lowA = min(lowA, a); highA = max(highA, a); lowB = min(lowB, b); highB = max(highB, b)
        }
        let width = highA - lowA + 1
        var range = [SIMD2<Int32>](repeating: SIMD2(.max, .min), count: width * (highB - lowB + 1))
        range.withUnsafeMutableBufferPointer { range in
            for v in voxels {
                let (a, b, t) = split(v)
                let n = (a - lowA) + width * (b - lowB)
                range[n] = SIMD2(min(range[n].x, Int32(t)), max(range[n].y, Int32(t)))
            }
        }
        return voxels.filter { v in
            let (a, b, t) = split(v)
            let r = range[(a - lowA) + width * (b - lowB)]
            return Int32(t) == r.x || Int32(t) == r.y
        }
    }
}
