/// Where the fast labeller gets each row's foreground runs from.
protocol RowRunSource {
    /// Writes the runs of row `row` (inclusive starts and ends, ascending) and returns how many;
    /// both buffers have room for `nx / 2 + 1` runs. Sources with values also copy the stored
    /// values of the runs' voxels, in order, to `values`, which has room for a whole row.
    func runs(row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer) -> Int

    /// Bytes per voxel copied to `values` (0: no values).
    var valueStride: Int { get }
}

/// Runs found by thresholding the stored voxels on the fly: each row is packed into bits, 16
/// voxels per vector comparison, then scanned like a mask row.
struct ThresholdedRows<T: ScanScalar>: RowRunSource {
    let data: UnsafePointer<T>
    let nx: Int
    let window: StoredWindow<T>

    var valueStride: Int { MemoryLayout<T>.stride }

    @inline(__always)
    func runs(row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer) -> Int {
        let wordsPerRow = (nx + 63) >> 6
        let rowData = data + row * nx
        let found = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: wordsPerRow) { words in
            let p = words.baseAddress!
            p.initialize(repeating: 0, count: wordsPerRow)
            SIMDThreshold.packRow(rowData, nx, window, p)
            return WordRuns.find(p, wordsPerRow: wordsPerRow, nx: nx, starts: starts, ends: ends)
        }
        // The row is in cache now: keep its foreground values for the statistics pass.
        var out = values.assumingMemoryBound(to: T.self)
        for n in 0..<found {
            let (s, e) = (Int(starts[n]), Int(ends[n]))
            out.update(from: rowData + s, count: e - s + 1)
            out += e - s + 1
        }
        return found
    }
}

/// Runs read from a bit mask.
struct MaskRows: RowRunSource {
    let words: UnsafePointer<UInt64>
    let wordsPerRow: Int
    let nx: Int

    var valueStride: Int { 0 }

    @inline(__always)
    func runs(row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer) -> Int {
        WordRuns.find(words + row * wordsPerRow, wordsPerRow: wordsPerRow, nx: nx, starts: starts, ends: ends)
    }
}

/// Finds the runs of set bits in one row of 64-bit words with bit scans: a zero word costs one test.
enum WordRuns {
    @inline(__always)
    static func find(
        _ p: UnsafePointer<UInt64>, wordsPerRow: Int, nx: Int, starts: UnsafeMutablePointer<Int32>,
        ends: UnsafeMutablePointer<Int32>
    ) -> Int {
        var n = 0
        @inline(__always) func emit(_ s: Int, _ e: Int) {
            starts[n] = Int32(s)
            ends[n] = Int32(e)
            n += 1
        }
        var open = -1
        for w in 0..<wordsPerRow {
            var bits = p[w]
            let base = w << 6
            if open >= 0 {
                let ones = (~bits).trailingZeroBitCount
                if ones == 64 { continue }
                emit(open, base + ones - 1)
                open = -1
                bits &= ~((1 << UInt64(ones)) &- 1)
            }
            while bits != 0 {
                let s = bits.trailingZeroBitCount
                let ones = (~(bits >> UInt64(s))).trailingZeroBitCount
                if s + ones >= 64 {
                    open = base + s
                    break
                }
                emit(base + s, base + s + ones - 1)
                bits &= ~(((1 << UInt64(ones)) &- 1) << UInt64(s))
            }
        }
        if open >= 0 { emit(open, nx - 1) }
        return n
    }
}
