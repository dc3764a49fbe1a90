/// Where the fast labeller gets each row's foreground runs from.
protocol RowRunSource: SendableMetatype {
    /// Writes the runs of row `row` (inclusive starts and ends, ascending) and returns how many;
    /// both buffers have room for `nx / 2 + 1` runs. Writes the row's foreground bits to `words`
    /// (`ceil(nx / 64)` words, bits past `nx` clear). Sources with values also copy the stored
    /// values of the runs' voxels, in order, to `values`, which has room for a whole row.
    func runs(
        row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer,
        words: UnsafeMutablePointer<UInt64>
    ) -> Int

    /// Bytes per voxel copied to `values` (0: no values).
    var valueStride: Int { get }
}

/// Runs found by thresholding the stored voxels on the fly: each row is packed into bits, 16
/// voxels per vector comparison, then scanned like a mask row.
struct ThresholdedRows<T: ScanScalar>: RowRunSource {
    let data: UnsafePointer<T>
    /// Values in the whole volume.
    let count: Int
    let nx: Int
    let window: StoredWindow<T>

    var valueStride: Int { MemoryLayout<T>.stride }

    @inline(__always)
    func runs(
        row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer,
        words: UnsafeMutablePointer<UInt64>
    ) -> Int {
        let wordsPerRow = (nx + 63) >> 6
        let rowData = data + row * nx
        SIMDThreshold.packRow(rowData, nx, window, words, readable: count - row * nx)
        let found = WordRuns.find(words, wordsPerRow: wordsPerRow, nx: nx, starts: starts, ends: ends)
        // The row is in cache now: keep its foreground values for the statistics pass, voxel by
        // voxel from the set bits (runs of noise are a voxel or two: a copy call each would cost more).
        var out = values.assumingMemoryBound(to: T.self)
        for w in 0..<wordsPerRow {
            var bits = words[w]
            let base = rowData + (w << 6)
            while bits != 0 {
                out.pointee = base[bits.trailingZeroBitCount]
                out += 1
                bits &= bits &- 1
            }
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
    func runs(
        row: Int, starts: UnsafeMutablePointer<Int32>, ends: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer,
        words rowWords: UnsafeMutablePointer<UInt64>
    ) -> Int {
        rowWords.update(from: words + row * wordsPerRow, count: wordsPerRow)
        return WordRuns.find(rowWords, wordsPerRow: wordsPerRow, nx: nx, starts: starts, ends: ends)
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
                bits &= ~((1 &<< UInt64(ones)) &- 1)
            }
            while bits != 0 {
                let s = bits.trailingZeroBitCount
                let ones = (~(bits &>> UInt64(s))).trailingZeroBitCount
                if s + ones >= 64 {
                    open = base + s
                    break
                }
                emit(base + s, base + s + ones - 1)
                bits &= ~(((1 &<< UInt64(ones)) &- 1) &<< UInt64(s))
            }
        }
        if open >= 0 { emit(open, nx - 1) }
        return n
    }
}
