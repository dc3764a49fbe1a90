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
        if voxels.count <= 32 { return allPairs(voxels, affine) }
        let candidates = extremeVoxels(voxels, skippingI: endsAlongI)
        return candidates.withUnsafeBufferPointer { $0.count <= 32 ? allPairs($0, affine) : farthest($0, affine) }
    }

    /// The largest pairwise distance by comparing every pair, for small sets: the world points
    /// live on the stack, so the many one- and few-voxel lesions allocate nothing.
    static func allPairs(_ voxels: UnsafeBufferPointer<VoxelIndex>, _ affine: Affine) -> Double {
        let m = affine.rows
        let (r0, r1, r2) = (SIMD4(m[0][0], m[0][1], m[0][2], 0), SIMD4(m[1][0], m[1][1], m[1][2], 0), SIMD4(m[2][0], m[2][1], m[2][2], 0))
        return withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: voxels.count) { world in
            for (n, v) in voxels.enumerated() {
                let p = SIMD4(Double(v.i), Double(v.j), Double(v.k), 0)
                world[n] = SIMD4((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum(), 0)
            }
            var bestSquared = 0.0
            for a in 0..<world.count {
                let p = world[a]
                for b in (a + 1)..<world.count {
                    let d = p - world[b]
                    bestSquared = max(bestSquared, (d * d).sum())
                }
            }
            return bestSquared.squareRoot()
        }
    }

    /// The largest pairwise distance. A double sweep (the point farthest from the centroid, the
    /// point farthest from it, and the point farthest from that) gives a first pair; a better pair
    /// needs `r_a + r_b` (an upper bound on its distance, r being the distance from the centroid)
    /// above that, so only points with `r ≥ best − max r` stay. These are visited by decreasing
    /// `r` and pairs skipped once `r_a + r_b` falls below the best found. Every bound carries a
    /// relative margin far above rounding error, so the result equals the all-pairs maximum.
    static func farthest(_ voxels: UnsafeBufferPointer<VoxelIndex>, _ affine: Affine) -> Double {
        let m = affine.rows
        let (r0, r1, r2) = (SIMD4(m[0][0], m[0][1], m[0][2], 0), SIMD4(m[1][0], m[1][1], m[1][2], 0), SIMD4(m[2][0], m[2][1], m[2][2], 0))
        let world = voxels.map { v -> SIMD4<Double> in
            let p = SIMD4(Double(v.i), Double(v.j), Double(v.k), 0)
            return SIMD4((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum(), 0)
        }
        let centre = world.reduce(SIMD4<Double>()) { $0 + $1 } / Double(world.count)
        let radius = world.map { (($0 - centre) * ($0 - centre)).sum().squareRoot() }
        @inline(__always) func farthestFrom(_ p: SIMD4<Double>) -> (index: Int, squared: Double) {
            var index = 0, squared = -1.0
            for n in world.indices {
                let d = p - world[n]
                let s = (d * d).sum()
                if s > squared { (index, squared) = (n, s) }
            }
            return (index, squared)
        }
        let margin = 1 + 1e-9
        let outer = farthestFrom(centre).index
        let first = farthestFrom(world[outer])
        let second = farthestFrom(world[first.index])
        var bestSquared = max(first.squared, second.squared)
        var best = bestSquared.squareRoot()
        let cut = best / margin - radius.max()! * margin
        var kept = radius.indices.filter { radius[$0] >= cut }
        kept.sort { radius[$0] > radius[$1] }
        let points = kept.map { world[$0] }, r = kept.map { radius[$0] }
        for a in 0..<points.count {
            if 2 * r[a] * margin < best { break }
            let p = points[a]
            for b in (a + 1)..<points.count {
                if (r[a] + r[b]) * margin < best { break }
                let d = p - points[b]
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
        // Each voxel split into the line it lies on (two coordinates) and its place along it.
        switch axis {
        case 0: endsOfLines(voxels) { ($0.j, $0.k, $0.i) }
        case 1: endsOfLines(voxels) { ($0.i, $0.k, $0.j) }
        default: endsOfLines(voxels) { ($0.i, $0.j, $0.k) }
        }
    }

    @inline(__always)
    private static func endsOfLines(_ voxels: [VoxelIndex], _ split: (VoxelIndex) -> (Int, Int, Int)) -> [VoxelIndex] {
        voxels.withUnsafeBufferPointer { voxels in
            var lowA = Int.max, lowB = Int.max, highA = Int.min, highB = Int.min
            for v in voxels {
                let (a, b, _) = split(v)
                lowA = min(lowA, a); highA = max(highA, a); lowB = min(lowB, b); highB = max(highB, b)
            }
            let width = highA - lowA + 1
            return withUnsafeTemporaryAllocation(of: SIMD2<Int32>.self, capacity: width * (highB - lowB + 1)) { range in
                range.initialize(repeating: SIMD2(.max, .min))
                for v in voxels {
                    let (a, b, t) = split(v)
                    let n = (a - lowA) + width * (b - lowB)
                    range[n] = SIMD2(min(range[n].x, Int32(t)), max(range[n].y, Int32(t)))
                }
                return [VoxelIndex](uninitializedCapacity: voxels.count) { kept, count in
                    var n = 0
                    for v in voxels {
                        let (a, b, t) = split(v)
                        let r = range[(a - lowA) + width * (b - lowB)]
                        if Int32(t) == r.x || Int32(t) == r.y {
                            kept[n] = v
                            n += 1
                        }
                    }
                    count = n
                }
            }
        }
    }
}
