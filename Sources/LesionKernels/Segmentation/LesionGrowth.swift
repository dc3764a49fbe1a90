/// Lesion growth in the manner of the Lesion Segmentation Toolbox's lesion growth algorithm
/// (Schmidt et al., NeuroImage 59:3774–3783, 2012): lesions start at seeds, voxels far above
/// normal white matter, and grow into their neighbours that are still clearly above it.
///
/// A voxel is a seed when it lies in `seedRegion` and `growRegion` and its value is at least
/// `seedThreshold`; the result is every voxel of `growRegion` with a value at least
/// `growThreshold` joined to a seed through such voxels (`connectivity`). NaN is never
/// foreground. One sweep marks the candidates (bytes) and queues the seeds; a breadth-first
/// flood from the seeds then visits each voxel once.
public enum LesionGrowth {
    public static func grow(
        _ values: Volume<Float>, seedThreshold: Float, growThreshold: Float, seedRegion: Volume<Bool>,
        growRegion: Volume<Bool>, connectivity: Connectivity
    ) -> Volume<Bool> {
        let size = values.size
        precondition(seedRegion.size == size && growRegion.size == size)
        // 0: not a candidate, 1: a candidate not yet reached, 2: grown.
        var state = [UInt8](repeating: 0, count: size.voxelCount)
        var queue: [Int32] = []
        values.voxels.withUnsafeBufferPointer { v in
            seedRegion.voxels.withUnsafeBufferPointer { seed in
                growRegion.voxels.withUnsafeBufferPointer { region in
                    state.withUnsafeMutableBufferPointer { s in
                        for n in 0..<s.count where region[n] && v[n] >= growThreshold {
                            if seed[n] && v[n] >= seedThreshold {
                                s[n] = 2
                                queue.append(Int32(n))
                            } else {
                                s[n] = 1
                            }
                        }
                    }
                }
            }
        }
        state.withUnsafeMutableBufferPointer { s in
            Neighbours(size, connectivity).flood(&queue, from: 0) { m in
                guard s[m] == 1 else { return false }
                s[m] = 2
                return true
            }
        }
        return Volume(size: size, voxels: state.map { $0 == 2 })
    }
}

extension LesionGrowth {
    /// Each 26-connected region of `mask` trimmed to its half-maximum edge, in general to the
    /// voxels at least `base + fraction · (peak − base)`, `peak` the region's largest value: a
    /// lesion's extent then depends little on its contrast or on partial volume. `fraction` 0
    /// keeps every voxel.
    public static func trimmed(_ mask: Volume<Bool>, values: Volume<Float>, base: Float, fraction: Float) -> Volume<Bool> {
        guard fraction > 0 else { return mask }
        var out = Volume(size: mask.size, repeating: false)
        Neighbours.components(of: mask) { region in
            var peak = -Float.infinity
            for n in region where values.voxels[Int(n)] > peak { peak = values.voxels[Int(n)] }
            let edge = base + fraction * (peak - base)
            for n in region where values.voxels[Int(n)] >= edge { out.voxels[Int(n)] = true }
        }
        return out
    }
}

extension LesionGrowth {
    /// The share of `region`'s voxels (offsets) that lie in `area`; 0 for no voxels.
    static func share(of region: ArraySlice<Int32>, in area: Volume<Bool>) -> Double {
        guard !region.isEmpty else { return 0 }
        var inside = 0
        for n in region where area.voxels[Int(n)] { inside += 1 }
        return Double(inside) / Double(region.count)
    }

    /// The voxels of `mask` within `radius` (voxels per axis, a box, as `MaskMorphology.dilate`)
    /// of a voxel of `region` (offsets on `mask`'s grid).
    static func count(_ mask: Volume<Bool>, near region: ArraySlice<Int32>, radius: [Int]) -> Int {
        let size = mask.size
        guard !region.isEmpty else { return 0 }
        var low = [Int.max, Int.max, Int.max], high = [Int.min, Int.min, Int.min]
        for n in region {
            let index = size.index(ofOffset: Int(n))
            for (a, v) in [index.i, index.j, index.k].enumerated() {
                low[a] = min(low[a], v)
                high[a] = max(high[a], v)
            }
        }
        let limit = [size.nx, size.ny, size.nz]
        for a in 0..<3 {
            low[a] = max(0, low[a] - radius[a])
            high[a] = min(limit[a] - 1, high[a] + radius[a])
        }
        let local = GridSize(high[0] - low[0] + 1, high[1] - low[1] + 1, high[2] - low[2] + 1)
        var marked = Volume(size: local, repeating: false)
        for n in region {
            let index = size.index(ofOffset: Int(n))
            marked[index.i - low[0], index.j - low[1], index.k - low[2]] = true
        }
        let reach = MaskMorphology.dilate(marked, radius: radius)
        var count = 0
        for k in 0..<local.nz {
            for j in 0..<local.ny {
                for i in 0..<local.nx where reach[i, j, k] && mask[i + low[0], j + low[1], k + low[2]] { count += 1 }
            }
        }
        return count
    }

    /// Whether a voxel next to `region` (26-connectivity; offsets on a grid of `size`), and not in
    /// it, satisfies `test` (given the voxel's offset). Each region voxel's neighbours are read
    /// once: O(region voxels · 26).
    static func touches(_ region: ArraySlice<Int32>, size: GridSize, where test: (Int) -> Bool) -> Bool {
        let members = Set(region)
        for n in region {
            let c = size.index(ofOffset: Int(n))
            for dk in -1...1 {
                for dj in -1...1 {
                    for di in -1...1 {
                        let (i, j, k) = (c.i + di, c.j + dj, c.k + dk)
                        guard i >= 0, j >= 0, k >= 0, i < size.nx, j < size.ny, k < size.nz else { continue }
                        let m = size.offset(i, j, k)
                        if !members.contains(Int32(m)) && test(m) { return true }
                    }
                }
            }
        }
        return false
    }

    /// The 26-connected regions of `mask` that `drop` (given each region's voxel offsets) refuses
    /// and those it takes.
    static func splitting(
        _ mask: Volume<Bool>, drop: (ArraySlice<Int32>) -> Bool
    ) -> (kept: Volume<Bool>, dropped: Volume<Bool>) {
        var kept = mask
        var dropped = Volume(size: mask.size, repeating: false)
        Neighbours.components(of: mask) { region in
            guard drop(region) else { return }
            for n in region {
                kept.voxels[Int(n)] = false
                dropped.voxels[Int(n)] = true
            }
        }
        return (kept, dropped)
    }
}

/// Neighbours of a voxel by linear offset, with the grid's edges checked only for voxels on them.
struct Neighbours {
    let size: GridSize
    let offsets: [(di: Int, dj: Int, dk: Int)]
    let linear: [Int]

    init(_ size: GridSize, _ connectivity: Connectivity) {
        self.size = size
        offsets = connectivity.neighbourOffsets
        linear = offsets.map { $0.di + size.nx * ($0.dj + size.ny * $0.dk) }
    }

    /// Breadth-first from `queue[start...]`: each neighbour `m` of a queued voxel is offered to
    /// `take`, and queued when it returns true.
    func flood(_ queue: inout [Int32], from start: Int, take: (Int) -> Bool) {
        let (nx, ny, nz) = (size.nx, size.ny, size.nz)
        var head = start
        while head < queue.count {
            let n = Int(queue[head])
            head += 1
            let i = n % nx, j = (n / nx) % ny, k = n / (nx * ny)
            if i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1 {
                for d in linear where take(n + d) { queue.append(Int32(n + d)) }
            } else {
                for (di, dj, dk) in offsets {
                    let (a, b, c) = (i + di, j + dj, k + dk)
                    guard a >= 0, a < nx, b >= 0, b < ny, c >= 0, c < nz else { continue }
                    let m = a + nx * (b + ny * c)
                    if take(m) { queue.append(Int32(m)) }
                }
            }
        }
    }

    /// The 26-connected components of `mask`, each handed to `body` as its voxels' offsets, in
    /// the order of their first voxel.
    static func components(of mask: Volume<Bool>, _ body: (ArraySlice<Int32>) -> Void) {
        let size = mask.size
        let neighbours = Neighbours(size, .twentySix)
        var seen = mask.voxels.map { $0 ? UInt8(1) : 0 }
        var queue: [Int32] = []
        seen.withUnsafeMutableBufferPointer { s in
            for start in 0..<s.count where s[start] == 1 {
                queue.removeAll(keepingCapacity: true)
                queue.append(Int32(start))
                s[start] = 2
                neighbours.flood(&queue, from: 0) { m in
                    guard s[m] == 1 else { return false }
                    s[m] = 2
                    return true
                }
                body(queue[...])
            }
        }
    }
}

extension LesionGrowth {
    /// `mask` trimmed around each peak: a voxel stays when its value is at least
    /// `base + fraction · (peak − base)`, `peak` the largest value of the voxels of `mask` it
    /// reaches (26-connected) without passing a value below its own. A region with one peak is
    /// trimmed as `trimmed` trims it; where a faint lesion and a bright one join through a band
    /// below the faint one's edge, each keeps its own edge (the faint one is not trimmed away
    /// at the bright one's). A voxel is kept only when what it reaches holds a seed (a voxel of
    /// `seedRegion` at least `seedThreshold`, as `grow` seeds), so a band of grey matter or a
    /// mimic with a peak of its own is not kept for it. With `seededAtPeak`, only a seed at the
    /// peak itself counts (a voxel of the peak's value, when several share it): a cortical mimic
    /// whose flank reaches a seed in the white matter beside it keeps nothing for that. NaN
    /// voxels are never kept and join nothing. `fraction` 0 keeps every voxel at least `base` that
    /// reaches a seed.
    ///
    /// The voxels are taken brightest first and joined to their neighbours taken before them
    /// (union–find with the labeller's `Slab.find`, each set holding its peak and whether it holds
    /// a seed, or with `seededAtPeak` whether a voxel of its peak's value is one): when a voxel is
    /// taken, its set is what it reaches at its own value. Voxels of equal value are joined
    /// together before any is decided.
    public static func trimmedAroundPeaks(
        _ mask: Volume<Bool>, values: Volume<Float>, seedRegion: Volume<Bool>, seedThreshold: Float, base: Float,
        fraction: Float, seededAtPeak: Bool = false
    ) -> Volume<Bool> {
        let size = mask.size
        precondition(values.size == size && seedRegion.size == size)
        var order: [(value: Float, voxel: Int32)] = []
        for n in mask.voxels.indices where mask.voxels[n] && !values.voxels[n].isNaN {
            order.append((values.voxels[n], Int32(n)))
        }
        order.sort { $0.value > $1.value }
        // Each taken voxel's place in `order` (-1: not taken); sets by place, each root holding
        // its set's peak and whether the set holds a seed.
        let slot = UnsafeMutableBufferPointer<Int32>.allocate(capacity: size.voxelCount)
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: order.count)
        let sets = UnsafeMutableBufferPointer<(peak: Float, seeded: Bool)>.allocate(capacity: order.count)
        defer {
            slot.deallocate()
            parent.deallocate()
            sets.deallocate()
        }
        slot.initialize(repeating: -1)
        func join(_ p: Int32, _ m: Int) {
            let q = slot[m]
            guard q >= 0 else { return }
            let a = Slab.find(p, parent), b = Slab.find(q, parent)
            guard a != b else { return }
            // The root keeps the larger peak, and holds a seed when either did (with
            // `seededAtPeak`, when either peak of that value was one).
            let (r, c) = sets[Int(a)].peak >= sets[Int(b)].peak ? (a, b) : (b, a)
            parent[Int(c)] = r
            if !seededAtPeak || sets[Int(c)].peak == sets[Int(r)].peak {
                sets[Int(r)].seeded = sets[Int(r)].seeded || sets[Int(c)].seeded
            }
        }
        var out = Volume(size: size, repeating: false)
        let neighbours = Neighbours(size, .twentySix)
        let (nx, ny, nz) = (size.nx, size.ny, size.nz)
        var start = 0
        while start < order.count {
            let value = order[start].value
            var end = start
            while end < order.count && order[end].value == value { end += 1 }
            for p in start..<end {
                let n = Int(order[p].voxel)
                slot[n] = Int32(p)
                parent[p] = Int32(p)
                sets[p] = (value, seedRegion.voxels[n] && value >= seedThreshold)
                let i = n % nx, j = (n / nx) % ny, k = n / (nx * ny)
                if i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1 {
                    for d in neighbours.linear { join(Int32(p), n + d) }
                } else {
                    for (di, dj, dk) in neighbours.offsets {
                        let (a, b, c) = (i + di, j + dj, k + dk)
                        guard a >= 0, a < nx, b >= 0, b < ny, c >= 0, c < nz else { continue }
                        join(Int32(p), a + nx * (b + ny * c))
                    }
                }
            }
            for p in start..<end {
                let set = sets[Int(Slab.find(Int32(p), parent))]
                out.voxels[Int(order[p].voxel)] = set.seeded && value >= base + fraction * (set.peak - base)
            }
            start = end
        }
        return out
    }
}
