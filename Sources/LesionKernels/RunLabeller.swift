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
            var slab = Slab(size: size, slices: 0..<nz)
            slab.scan(source, connectivity: connectivity)
            return slab.resolved()
        }
        let parts = min(threads, nz)
        nonisolated(unsafe) var slabs = (0..<parts).map { n in
            Slab(size: size, slices: (nz * n / parts)..<(nz * (n + 1) / parts))
        }
        nonisolated(unsafe) let rows = source
        slabs.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slabsBuffer = buffer
            DispatchQueue.concurrentPerform(iterations: parts) { n in
                slabsBuffer[n].scan(rows, connectivity: connectivity)
            }
        }
        var joined = slabs[0]
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
struct Slab {
    let size: GridSize
    var slices: Range<Int>
    var rowBegin: [Int]
    var starts: [Int32] = []
    var ends: [Int32] = []
    var labels: [Int32] = []
    var parent: [Int32] = []

    init(size: GridSize, slices: Range<Int>) {
        self.size = size
        self.slices = slices
        self.rowBegin = [0]
        rowBegin.reserveCapacity(size.ny * slices.count + 1)
    }

    var firstRow: Int { slices.lowerBound * size.ny }

    @inline(__always)
    mutating func find(_ label: Int32) -> Int32 {
        var x = label
        while parent[Int(x)] != x {
            let grand = parent[Int(parent[Int(x)])]
            parent[Int(x)] = grand
            x = grand
        }
        return x
    }

    @inline(__always)
    mutating func union(_ a: Int32, _ b: Int32) -> Int32 {
        let ra = find(a), rb = find(b)
        if ra == rb { return ra }
        if ra < rb {
            parent[Int(rb)] = ra
            return ra
        }
        parent[Int(ra)] = rb
        return rb
    }

    /// Joins the runs `current` of a row to the runs of an earlier row (global row indices into this slab).
    @inline(__always)
    mutating func join(_ current: Range<Int>, toRow row: Int, widen: Int32) {
        var p = rowBegin[row - firstRow]
        let end = rowBegin[row - firstRow + 1]
        guard p < end else { return }
        for c in current {
            let a = starts[c] - widen, b = ends[c] + widen
            while p < end && ends[p] < a { p += 1 }
            var q = p
            while q < end && starts[q] <= b {
                let other = labels[q]
                labels[c] = labels[c] < 0 ? find(other) : union(labels[c], other)
                q += 1
            }
        }
    }

    mutating func scan<S: RowRunSource>(_ source: S, connectivity: Connectivity) {
        let ny = size.ny
        let neighbours = RunLabeller.neighbourRows(connectivity)
        for k in slices {
            for j in 0..<ny {
                let row = j + ny * k
                let first = starts.count
                source.appendRuns(row: row, starts: &starts, ends: &ends)
                let current = first..<starts.count
                rowBegin.append(starts.count)
                guard !current.isEmpty else { continue }
                labels.append(contentsOf: repeatElement(-1, count: current.count))
                for (dj, dk, widen) in neighbours {
                    let (nj, nk) = (j + dj, k + dk)
                    guard nj >= 0, nj < ny, nk >= slices.lowerBound else { continue }
                    join(current, toRow: nj + ny * nk, widen: widen)
                }
                for c in current where labels[c] < 0 {
                    let label = Int32(parent.count)
                    parent.append(label)
                    labels[c] = label
                }
            }
        }
    }

    /// Appends the next slab and joins the runs of its first slice to this slab's last slice.
    mutating func append(_ next: Slab, connectivity: Connectivity) {
        let offset = Int32(parent.count)
        let runOffset = starts.count
        starts.append(contentsOf: next.starts)
        ends.append(contentsOf: next.ends)
        labels.append(contentsOf: next.labels.lazy.map { $0 + offset })
        parent.append(contentsOf: next.parent.lazy.map { $0 + offset })
        rowBegin.append(contentsOf: next.rowBegin.dropFirst().lazy.map { $0 + runOffset })
        slices = slices.lowerBound..<next.slices.upperBound
        let k = next.slices.lowerBound
        let ny = size.ny
        for j in 0..<ny {
            let row = j + ny * k
            let current = rowBegin[row - firstRow]..<rowBegin[row - firstRow + 1]
            guard !current.isEmpty else { continue }
            for (dj, dk, widen) in RunLabeller.neighbourRows(connectivity) where dk == -1 {
                let nj = j + dj
                guard nj >= 0, nj < ny else { continue }
                join(current, toRow: nj + ny * (k - 1), widen: widen)
            }
        }
    }

    /// Final labels 1…N in the order of each component's first run in storage order.
    consuming func resolved() -> (runs: LabelRuns, count: Int) {
        var final = [Int32](repeating: 0, count: parent.count)
        var next: Int32 = 0
        for n in labels.indices {
            let root = Int(find(labels[n]))
            if final[root] == 0 {
                next += 1
                final[root] = next
            }
            labels[n] = final[root]
        }
        let runs = LabelRuns(size: size, rowBegin: rowBegin, starts: starts, ends: ends, labels: labels)
        return (runs, Int(next))
    }
}
