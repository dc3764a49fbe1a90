import LesionKernels

/// The connected regions of a later visit's new voxels, and its overlap with remembered footprints.
///
/// A voxel is new when it is in a later lesion, in no earlier lesion (dilated by the
/// partial-volume `shell`, a box of half-widths in voxels, when given), not `explained` (the
/// earlier visit's lesions as the later visit's series would show them, when given), and in no
/// live resolved footprint. New voxels are labelled into components with `connectivity` (the lesions' own, so
/// each component lies inside one later lesion); `largestAdded[label]` is the size of the largest
/// component inside each later lesion. One pass to build the mask, one labelling: O(N).
struct NewVoxelRegions {
    /// Per later label (index 0 unused): voxels of its largest component of new voxels.
    let largestAdded: [Int]
    /// Per later label (index 0 unused): all its new voxels.
    let outside: [Int]
    /// Per later label (index 0 unused): its new voxels in `changed` (0 when not given).
    let changedNew: [Int]
    /// Voxels shared by each later lesion and each live resolved footprint, by ID then label.
    let resolvedPairs: [(id: LesionID, later: Int, voxels: Int)]

    private struct Pair: Hashable {
        let id: Int32
        let later: Int32
    }

    init(
        earlier: LabelMap, later: LabelMap, resolved: Volume<Int32>?, live: Set<Int32>, connectivity: Connectivity,
        shell: [Int]? = nil, explained: Volume<Bool>? = nil, changed: Volume<Bool>? = nil
    ) {
        let size = later.size
        var mask = BitMask(size: size)
        var shared: [Pair: Int] = [:]
        var changedNew = [Int](repeating: 0, count: later.count + 1)
        let b = later.labels.voxels
        var a: [Int32]
        if let shell {
            let grown = MaskMorphology.dilate(Volume(size: size, voxels: earlier.labels.voxels.map { $0 != 0 }), radius: shell)
            a = grown.voxels.map { $0 ? 1 : 0 }
        } else {
            a = earlier.labels.voxels
        }
        if let explained {
            precondition(explained.size == size, "the explained voxels are on another grid")
            for n in a.indices where explained.voxels[n] { a[n] = 1 }
        }
        let nx = size.nx, wordsPerRow = mask.wordsPerRow
        mask.words.withUnsafeMutableBufferPointer { words in
            for n in b.indices where b[n] != 0 && a[n] == 0 {
                if let resolved, resolved.voxels[n] != 0, live.contains(resolved.voxels[n]) {
                    shared[Pair(id: resolved.voxels[n], later: b[n]), default: 0] += 1
                    continue
                }
                if let changed, changed.voxels[n] { changedNew[Int(b[n])] += 1 }
                let row = n / nx, i = n - row * nx
                words[row * wordsPerRow + i >> 6] |= 1 << UInt64(i & 63)
            }
        }
        let (runs, count) = FastLabeller.components(mask, connectivity: connectivity)
        var componentSize = [Int](repeating: 0, count: count + 1)
        var owner = [Int](repeating: 0, count: count + 1)
        for row in 0..<(size.ny * size.nz) {
            for r in runs.rowBegin[row]..<runs.rowBegin[row + 1] {
                let c = Int(runs.labels[r])
                componentSize[c] += Int(runs.ends[r] - runs.starts[r]) + 1
                owner[c] = Int(b[row * nx + Int(runs.starts[r])])
            }
        }
        var largest = [Int](repeating: 0, count: later.count + 1)
        var total = [Int](repeating: 0, count: later.count + 1)
        for c in stride(from: 1, through: count, by: 1) {
            largest[owner[c]] = max(largest[owner[c]], componentSize[c])
            total[owner[c]] += componentSize[c]
        }
        largestAdded = largest
        outside = total
        self.changedNew = changedNew
        resolvedPairs = shared.map { (id: LesionID(Int($0.key.id)), later: Int($0.key.later), voxels: $0.value) }
            .sorted { ($0.id, $0.later) < ($1.id, $1.later) }
    }
}
