import Dispatch

/// Connected components of foreground runs: run-based labelling with union-find.
///
/// Each row's runs (maximal stretches along i) are joined to overlapping runs of the already
/// scanned neighbour rows — (j−1, k) and (j−1…j+1, k−1) — through a union-find whose roots are the
/// smallest provisional label, with path halving. Runs overlap when their i-ranges meet, widened by
/// one voxel for rows reached through a face when edges count (18, 26) and for rows reached through
/// an edge when corners count (26). Work is O(voxels / 16) for the SIMD scan plus O(runs·α) for the
/// unions; memory is 12 bytes per run, never a dense label volume. With two threads the volume is
/// split into slabs of slices labelled concurrently and joined at the seams.
///
/// Components are numbered 1…N in the order of their first voxel in storage order, like
/// `ReferenceLabeller`, whose labels this matches voxel for voxel (tested on random volumes).
/// See He, Chao and Suzuki, "A run-based two-scan labeling algorithm", IEEE TIP 2008, and Wu,
/// Otoo and Suzuki, "Optimizing two-pass connected-component labeling algorithms", PAA 2009.
enum RunLabeller {
    /// The runs of a volume with their component labels (1…count), and the component count.
    static func components<S: RowRunSource>(
        _ source: S, size: GridSize, connectivity: Connectivity, threads: Int
    ) -> (runs: LabelRuns, count: Int) {
        let nz = size.nz
        guard threads > 1, nz >= 2, size.voxelCount > 0 else {
            let slab = Slab(size: size, slices: 0..<nz)
            slab.scan(source, connectivity: connectivity)
            return slab.resolved()
        }
        let parts = min(threads, nz)
        let slabs = (0..<parts).map { n in
            Slab(size: size, slices: (nz * n / parts)..<(nz * (n + 1) / parts))
        }
        nonisolated(unsafe) let rows = source
        DispatchQueue.concurrentPerform(iterations: parts) { n in
            slabs[n].scan(rows, connectivity: connectivity)
        }
        let joined = slabs[0]
        for slab in slabs.dropFirst() { joined.append(slab, connectivity: connectivity) }
        return joined.resolved()
    }

    /// Neighbour rows scanned before row (j, k): offsets and the widening of the overlap test.
    static func neighbourRows(_ connectivity: Connectivity) -> [(dj: Int, dk: Int, widen: Int32)] {
        switch connectivity {
        case .six: [(-1, 0, 0), (0, -1, 0)]
        case .eighteen: [(-1, 0, 1), (0, -1, 1), (-1, -1, 0), (1, -1, 0)]
        case .twentySix: [(-1, 0, 1), (0, -1, 1), (-1, -1, 1), (1, -1, 1)]
        }
    }
}

/// The runs and provisional labels of a range of slices.
final class Slab: @unchecked Sendable {
    let size: GridSize
    var slices: Range<Int>
    var rowBegin: [Int]
    let starts = Int32Buffer()
    let ends = Int32Buffer()
    let labels = Int32Buffer()
    /// Union-find parents of the provisional labels; roots are the smallest label of their set.
    let parent = Int32Buffer()

    init(size: GridSize, slices: Range<Int>) {
        self.size = size
        self.slices = slices
        self.rowBegin = [0]
        rowBegin.reserveCapacity(size.ny * slices.count + 1)
    }

    var firstRow: Int { slices.lowerBound * size.ny }

    @inline(__always)
    static func find(_ label: Int32, _ parent: UnsafeMutablePointer<Int32>) -> Int32 {
        var x = label
        while parent[Int(x)] != x {
            let grand = parent[Int(parent[Int(x)])]
            parent[Int(x)] = grand
            x = grand
        }
        return x
    }

    @inline(__always)
    static func union(_ a: Int32, _ b: Int32, _ parent: UnsafeMutablePointer<Int32>) -> Int32 {
        let ra = find(a, parent), rb = find(b, parent)
        if ra < rb {
            parent[Int(rb)] = ra
            return ra
        }
        parent[Int(ra)] = rb
        return rb
    }

    /// Joins the runs `current` to the runs `other` of an earlier row whose i-ranges meet theirs.
    @inline(__always)
    static func join(
        _ current: Range<Int>, to other: Range<Int>, widen: Int32, starts: UnsafePointer<Int32>,
        ends: UnsafePointer<Int32>, labels: UnsafeMutablePointer<Int32>, parent: UnsafeMutablePointer<Int32>
    ) {
        var p = other.lowerBound
        let end = other.upperBound
        guard p < end else { return }
        for c in current {
            let a = starts[c] - widen, b = ends[c] + widen
            while p < end && ends[p] < a { p += 1 }
            if p == end { return }
            var q = p
            var label = labels[c]
            while q < end && starts[q] <= b {
                let linked = labels[q]
                if label < 0 {
                    label = find(linked, parent)
                } else if linked != label {
                    label = union(label, linked, parent)
                }
                q += 1
            }
            labels[c] = label
        }
    }

    func rowRuns(_ row: Int) -> Range<Int> { rowBegin[row - firstRow]..<rowBegin[row - firstRow + 1] }

    func scan<S: RowRunSource>(_ source: S, connectivity: Connectivity) {
        let (nx, ny) = (size.nx, size.ny)
        let neighbours = RunLabeller.neighbourRows(connectivity)
        for k in slices {
            for j in 0..<ny {
                let row = j + ny * k
                let first = starts.count
                starts.reserve(nx / 2 + 1)
                ends.reserve(nx / 2 + 1)
                labels.reserve(nx / 2 + 1)
                let found = source.runs(row: row, starts: starts.base + first, ends: ends.base + first)
                starts.count += found
                ends.count += found
                labels.count += found
                rowBegin.append(starts.count)
                guard found > 0 else { continue }
                let current = first..<(first + found)
                let labelBase = labels.base
                for c in current { labelBase[c] = -1 }
                for (dj, dk, widen) in neighbours {
                    let (nj, nk) = (j + dj, k + dk)
                    guard nj >= 0, nj < ny, nk >= slices.lowerBound else { continue }
                    Self.join(current, to: rowRuns(nj + ny * nk), widen: widen, starts: starts.base,
                              ends: ends.base, labels: labelBase, parent: parent.base)
                }
                parent.reserve(found)
                let parentBase = parent.base
                var next = parent.count
                for c in current where labelBase[c] < 0 {
                    parentBase[next] = Int32(next)
                    labelBase[c] = Int32(next)
                    next += 1
                }
                parent.count = next
            }
        }
    }

    /// Appends the next slab and joins the runs of its first slice to this slab's last slice.
    func append(_ next: Slab, connectivity: Connectivity) {
        let offset = Int32(parent.count)
        let runOffset = starts.count
        starts.append(contentsOf: next.starts)
        ends.append(contentsOf: next.ends)
        labels.append(contentsOf: next.labels, adding: offset)
        parent.append(contentsOf: next.parent, adding: offset)
        rowBegin.append(contentsOf: next.rowBegin.dropFirst().lazy.map { $0 + runOffset })
        slices = slices.lowerBound..<next.slices.upperBound
        let k = next.slices.lowerBound
        let ny = size.ny
        for j in 0..<ny {
            let current = rowRuns(j + ny * k)
            guard !current.isEmpty else { continue }
            for (dj, dk, widen) in RunLabeller.neighbourRows(connectivity) where dk == -1 {
                let nj = j + dj
                guard nj >= 0, nj < ny else { continue }
                Self.join(current, to: rowRuns(nj + ny * (k - 1)), widen: widen, starts: starts.base,
                          ends: ends.base, labels: labels.base, parent: parent.base)
            }
        }
    }

    /// Final labels 1…N in the order of each component's first run in storage order.
    func resolved() -> (runs: LabelRuns, count: Int) {
        var final = [Int32](repeating: 0, count: parent.count)
        var next: Int32 = 0
        let (labelBase, parentBase) = (labels.base, parent.base)
        final.withUnsafeMutableBufferPointer { final in
            for n in 0..<labels.count {
                let root = Int(Self.find(labelBase[n], parentBase))
                if final[root] == 0 {
                    next += 1
                    final[root] = next
                }
                labelBase[n] = final[root]
            }
        }
        let runs = LabelRuns(size: size, rowBegin: rowBegin, starts: starts.array, ends: ends.array, labels: labels.array)
        return (runs, Int(next))
    }
}
