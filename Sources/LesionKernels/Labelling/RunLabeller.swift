import Dispatch

/// Connected components of foreground runs: run-based labelling with union-find.
///
/// Each row's runs (maximal stretches along i) are joined to the runs they touch in the already
/// scanned neighbour rows — (j−1, k) and (j−1…j+1, k−1) — through a union-find over the runs
/// themselves: every run starts as its own set, roots are the smallest run index of their set,
/// finds halve paths. Runs touch when their i-ranges meet, widened by one voxel for rows reached
/// through a face when edges count (18, 26) and for rows reached through an edge when corners count
/// (26). Sparse row pairs are joined by a merge of their run lists; dense ones (noise, where runs
/// are a voxel or two long and a merge mispredicts nearly every branch) by enumerating the
/// touching pairs with bit operations on the rows' words: each pair is one set bit, and a table
/// from voxel to run, filled for each dense row, gives its two runs. Work is O(voxels / 16) for
/// the SIMD scan plus O(runs·α) for the unions; memory is 12 bytes per run and, for two slices,
/// the row bits and (for noisy rows) each voxel's run, never a dense label volume; `FastLabeller`,
/// which measures as it labels, also copies each foreground voxel's stored value once (its size in
/// the stored type), so that measuring reads them in run order without touching the volume again. With two
/// threads the volume is split into slabs of slices labelled concurrently and joined at the seams.
///
/// Components are numbered 1…N in the order of their first voxel in storage order, like
/// `ReferenceLabeller`, whose labels this matches voxel for voxel (tested on random volumes).
/// See He, Chao and Suzuki, "A run-based two-scan labeling algorithm", IEEE TIP 2008, and Wu,
/// Otoo and Suzuki, "Optimizing two-pass connected-component labeling algorithms", PAA 2009.
enum RunLabeller {
    /// The runs of a volume with their component labels (1…count), the component count, and the
    /// stored values of the runs' voxels in storage order (empty for a source without values).
    static func components<S: RowRunSource>(
        _ source: S, size: GridSize, connectivity: Connectivity, threads: Int
    ) -> (runs: LabelRuns, count: Int, values: ByteBuffer) {
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

    /// For the bit path: the row (offsets from the current row) whose voxels make a pair between the
    /// current row and neighbour row (dj, dk) redundant, and whether that holds for every kind of
    /// pair (false: not for a current run starting just after the other run ends).
    ///
    /// A pair found at bit x is redundant when the shortcut row holds x: the run there touches the
    /// current run and the neighbour run, and was joined to the neighbour run when its own row was
    /// scanned. With 26-connectivity, (j, k−1) spares pairs with (j∓1, k−1), and (j−1, k−1) spares
    /// pairs with (j−1, k); with 18, the same, except that (j−1, k−1) and the current run meet
    /// only through an edge, so a current run starting after the neighbour run's end is not spared.
    /// Pairs with (j, k−1) are never skipped, so no shortcut leans on another skipped pair.
    static func shortcut(_ connectivity: Connectivity, dj: Int, dk: Int) -> (row: (dj: Int, dk: Int)?, coversAll: Bool) {
        switch (connectivity, dj, dk) {
        case (.twentySix, -1, -1), (.twentySix, 1, -1), (.eighteen, -1, -1), (.eighteen, 1, -1): ((0, -1), true)
        case (.twentySix, -1, 0): ((-1, -1), true)
        case (.eighteen, -1, 0): ((-1, -1), false)
        default: (nil, true)
        }
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

/// The runs of a range of slices and their union-find.
final class Slab: @unchecked Sendable {
    let size: GridSize
    var slices: Range<Int>
    var rowBegin: [Int]
    let starts = Int32Buffer()
    let ends = Int32Buffer()
    /// Union-find parent of each run (a run is its own provisional label). `parent[x] ≤ x`
    /// always, so roots are the smallest run of their set.
    let parent = Int32Buffer()
    /// Stored values of the runs' voxels, in run order.
    let values = ByteBuffer()

    init(size: GridSize, slices: Range<Int>) {
        self.size = size
        self.slices = slices
        self.rowBegin = [0]
        rowBegin.reserveCapacity(size.ny * slices.count + 1)
    }

    var firstRow: Int { slices.lowerBound * size.ny }

    @inline(__always)
    static func find(_ run: Int32, _ parent: UnsafeMutablePointer<Int32>) -> Int32 {
        var x = run
        while parent[Int(x)] != x {
            let grand = parent[Int(parent[Int(x)])]
            parent[Int(x)] = grand
            x = grand
        }
        return x
    }

    /// Puts runs `a` and `b` in one set, rooted at the smaller root.
    @inline(__always)
    static func unite(_ a: Int32, _ b: Int32, _ parent: UnsafeMutablePointer<Int32>) {
        // Most touching runs already share a parent (a flattened row, a large component).
        if parent[Int(a)] == parent[Int(b)] { return }
        let ra = find(a, parent), rb = find(b, parent)
        parent[Int(max(ra, rb))] = min(ra, rb)
    }

    /// Unites the runs `current` with the runs `other` of an earlier row they touch, by merging the
    /// two sorted run lists.
    @inline(__always)
    static func mergeRows(
        _ current: Range<Int>, _ other: Range<Int>, widen: Int32, starts: UnsafePointer<Int32>,
        ends: UnsafePointer<Int32>, parent: UnsafeMutablePointer<Int32>
    ) {
        var c = current.lowerBound, p = other.lowerBound
        let (cEnd, pEnd) = (current.upperBound, other.upperBound)
        while c < cEnd && p < pEnd {
            let (s, e, otherStart, otherEnd) = (starts[c], ends[c], starts[p], ends[p])
            if otherEnd + widen >= s && otherStart <= e + widen { unite(Int32(c), Int32(p), parent) }
            // The run that ends first (in widened terms) can touch nothing further on.
            let otherDone = otherEnd + widen <= e
            p += otherDone ? 1 : 0
            c += otherDone ? 0 : 1
        }
    }

    /// The bits of a row: its foreground words, and for each foreground voxel the index of its
    /// run within the row (64 entries per word; background entries are stale).
    struct RowBits {
        let words: UnsafePointer<UInt64>
        let runAt: UnsafePointer<Int32>
        /// The index of the row's first run.
        let firstRun: Int32
    }

    /// Unites the runs of two rows that touch, pair by pair from bit operations: every touching
    /// pair is a set bit of one of three disjoint words — the first voxel of an overlap of the two
    /// rows (6-style contact), or, when widened, the last voxel of a run whose next voxel starts a
    /// run in the other row (diagonal contact, in either direction). Each row's table from voxel
    /// to run gives the pair's two runs.
    ///
    /// `known`, when given, is a third row whose voxels make a pair redundant: a pair whose bit is
    /// set there is joined through the run holding that bit, which touches both runs (see
    /// `RunLabeller.shortcut`). With `knownSparesDiagonal` false the shortcut does not cover pairs
    /// where the current run starts just after the other run ends.
    @inline(__always)
    static func bitRows(
        _ current: RowBits, _ other: RowBits, wordsPerRow: Int, widened: Bool, known: UnsafePointer<UInt64>?,
        knownCoversAll: Bool, parent: UnsafeMutablePointer<Int32>
    ) {
        var overlapCarry: UInt64 = 0
        for w in 0..<wordsPerRow {
            let (cw, ow) = (current.words[w], other.words[w])
            let overlap = cw & ow
            var pairs = overlap & ~((overlap &<< 1) | overlapCarry)
            overlapCarry = overlap &>> 63
            var otherNext: UInt64 = 0, currentNext: UInt64 = 0
            if widened {
                let last = w + 1 == wordsPerRow
                let cNext = (cw &>> 1) | (last ? 0 : current.words[w + 1] &<< 63)
                let oNext = (ow &>> 1) | (last ? 0 : other.words[w + 1] &<< 63)
                otherNext = cw & ~ow & oNext & ~cNext
                currentNext = ow & ~cw & cNext & ~oNext
                pairs |= otherNext | currentNext
            }
            if let known {
                pairs &= ~(known[w] & (knownCoversAll ? ~0 : ~currentNext))
            }
            let (cRuns, oRuns) = (current.runAt + (w << 6), other.runAt + (w << 6))
            while pairs != 0 {
                let b = pairs.trailingZeroBitCount
                // A diagonal pair's run in the other row starts on the next voxel.
                let c = current.firstRun + cRuns[b + Int((currentNext &>> UInt64(b)) & 1)]
                let o = other.firstRun + oRuns[b + Int((otherNext &>> UInt64(b)) & 1)]
                unite(c, o, parent)
                pairs &= pairs &- 1
            }
        }
    }

    /// Row pairs with at least this many runs per word between them take the bit path.
    static let bitPathRunsPerWord = 4

    func rowRuns(_ row: Int) -> Range<Int> { rowBegin[row - firstRow]..<rowBegin[row - firstRow + 1] }

    /// The first pass: collects each row's runs and unites them with the touching runs of the
    /// rows already seen (the row before, and at 18/26-connectivity its diagonal neighbours).
    ///
    /// Kept as one function of about 100 lines on purpose: it is the hot loop, whose locals
    /// (pointers, word counts, the dense-row table) would otherwise pass through calls made for
    /// every row; `ReferenceLabeller`, which it equals voxel for voxel, is the readable statement of
    /// what it computes.
    func scan<S: RowRunSource>(_ source: S, connectivity: Connectivity) {
        let (nx, ny) = (size.nx, size.ny)
        let wordsPerRow = (nx + 63) >> 6
        let neighbours = RunLabeller.neighbourRows(connectivity)
        let rowRoom = nx / 2 + 1
        // The hot state lives in locals: class properties would be checked for exclusive access
        // on every touch.
        var rowBegin = self.rowBegin
        let firstRow = self.firstRow
        var runCount = starts.count
        let rowBytes = nx * source.valueStride
        var room = 0
        var (startBase, endBase, parentBase) = (starts.base, ends.base, parent.base)
        // The rows of this slice and the one before: their words, and for the dense ones the run
        // of each foreground voxel.
        let ringRows = 2 * ny
        let ringWords = UnsafeMutablePointer<UInt64>.allocate(capacity: ringRows * wordsPerRow)
        ringWords.initialize(repeating: 0, count: ringRows * wordsPerRow)
        // Written only for dense rows and read only at their foreground voxels, so pages of
        // sparse volumes are never touched.
        let ringRunAt = UnsafeMutablePointer<Int32>.allocate(capacity: ringRows * wordsPerRow * 64)
        defer {
            ringWords.deallocate()
            ringRunAt.deallocate()
        }
        @inline(__always) func slot(_ j: Int, _ k: Int) -> Int { (j + ny * (k & 1)) * wordsPerRow }
        @inline(__always) func bits(_ j: Int, _ k: Int, firstRun: Int) -> RowBits {
            let at = slot(j, k)
            return RowBits(words: ringWords + at, runAt: ringRunAt + (at << 6), firstRun: Int32(firstRun))
        }
        for k in slices {
            for j in 0..<ny {
                if room < rowRoom {
                    for buffer in [starts, ends, parent] {
                        buffer.count = runCount
                        buffer.reserve(max(rowRoom, runCount / 2))
                    }
                    (startBase, endBase, parentBase) = (starts.base, ends.base, parent.base)
                    room = min(starts.capacity, ends.capacity, parent.capacity) - runCount
                }
                let row = j + ny * k
                values.reserve(rowBytes)
                let at = slot(j, k)
                let words = ringWords + at
                let found = source.runs(
                    row: row, starts: startBase + runCount, ends: endBase + runCount,
                    values: values.base + values.count, words: words)
                let current = runCount..<(runCount + found)
                if rowBytes > 0 {
                    var voxels = 0
                    for c in current { voxels += Int(endBase[c] - startBase[c] + 1) }
                    values.count += voxels * source.valueStride
                }
                runCount += found
                room -= found
                rowBegin.append(runCount)
                guard found > 0 else { continue }
                for c in current { parentBase[c] = Int32(c) }
                // The run of each foreground voxel of this row, for the bit path: a voxel that
                // starts a run moves to the next run.
                if found >= Self.bitPathRunsPerWord {
                    let runAt = ringRunAt + (at << 6)
                    var carry: UInt64 = 0, run: Int32 = -1
                    for w in 0..<wordsPerRow {
                        let word = words[w]
                        let startWord = word & ~((word &<< 1) | carry)
                        carry = word &>> 63
                        var bits = word
                        while bits != 0 {
                            let b = bits.trailingZeroBitCount
                            run &+= Int32(truncatingIfNeeded: (startWord &>> UInt64(b)) & 1)
                            runAt[(w << 6) + b] = run
                            bits &= bits &- 1
                        }
                    }
                }
                for (dj, dk, widen) in neighbours {
                    let (nj, nk) = (j + dj, k + dk)
                    guard nj >= 0, nj < ny, nk >= slices.lowerBound else { continue }
                    let r = nj + ny * nk - firstRow
                    let other = rowBegin[r]..<rowBegin[r + 1]
                    guard !other.isEmpty else { continue }
                    if found >= Self.bitPathRunsPerWord && other.count >= Self.bitPathRunsPerWord
                        && found + other.count >= Self.bitPathRunsPerWord * wordsPerRow
                    {
                        let (known, coversAll) = RunLabeller.shortcut(connectivity, dj: dj, dk: dk)
                        // The shortcut row must have been scanned by this slab.
                        let knownWords = known.flatMap { (sj, sk) -> UnsafePointer<UInt64>? in
                            let (kj, kk) = (j + sj, k + sk)
                            return kj >= 0 && kj < ny && kk >= slices.lowerBound ? UnsafePointer(ringWords + slot(kj, kk)) : nil
                        }
                        Self.bitRows(
                            bits(j, k, firstRun: current.lowerBound), bits(nj, nk, firstRun: other.lowerBound),
                            wordsPerRow: wordsPerRow, widened: widen != 0, known: knownWords, knownCoversAll: coversAll,
                            parent: parentBase)
                    } else {
                        Self.mergeRows(current, other, widen: widen, starts: startBase, ends: endBase, parent: parentBase)
                    }
                }
                // Later rows find this row's runs in one or two steps.
                for c in current { parentBase[c] = Self.find(Int32(c), parentBase) }
            }
        }
        for buffer in [starts, ends, parent] { buffer.count = runCount }
        self.rowBegin = rowBegin
    }

    /// Appends the next slab and joins the runs of its first slice to this slab's last slice.
    func append(_ next: Slab, connectivity: Connectivity) {
        let runOffset = starts.count
        starts.append(contentsOf: next.starts)
        ends.append(contentsOf: next.ends)
        parent.append(contentsOf: next.parent, adding: Int32(runOffset))
        rowBegin.append(contentsOf: next.rowBegin.dropFirst().lazy.map { $0 + runOffset })
        values.append(contentsOf: next.values)
        slices = slices.lowerBound..<next.slices.upperBound
        let k = next.slices.lowerBound
        let ny = size.ny
        for j in 0..<ny {
            let current = rowRuns(j + ny * k)
            guard !current.isEmpty else { continue }
            for (dj, dk, widen) in RunLabeller.neighbourRows(connectivity) where dk == -1 {
                let nj = j + dj
                guard nj >= 0, nj < ny else { continue }
                Self.mergeRows(
                    current, rowRuns(nj + ny * (k - 1)), widen: widen, starts: starts.base,
                    ends: ends.base, parent: parent.base)
            }
        }
    }

    /// Final labels 1…N in the order of each component's first run in storage order.
    ///
    /// One pass in run order: a run's parent is an earlier run, already replaced by its final
    /// label (kept negated), so a root takes the next label and any other run its parent's.
    func resolved() -> (runs: LabelRuns, count: Int, values: ByteBuffer) {
        let p = parent.base
        var next: Int32 = 0
        for x in 0..<parent.count {
            let up = p[x]
            if up == Int32(x) {
                next += 1
                p[x] = -next
            } else {
                p[x] = p[Int(up)]
            }
        }
        for x in 0..<parent.count { p[x] = -p[x] }
        let runs = LabelRuns(size: size, rowBegin: rowBegin, starts: starts.takeArray(), ends: ends.takeArray(), labels: parent.takeArray())
        return (runs, Int(next), values)
    }
}
