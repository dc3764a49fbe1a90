/// Where the fast labeller gets each row's foreground runs from.
protocol RowRunSource {
    /// Appends the runs of row `row` (inclusive starts and ends, ascending) to the arrays.
    func appendRuns(row: Int, starts: inout [Int32], ends: inout [Int32])
}

/// Runs found by thresholding the stored voxels on the fly, 16 at a time.
struct ThresholdedRows<T: ScanScalar>: RowRunSource {
    let data: UnsafePointer<T>
    let nx: Int
    let window: StoredWindow<T>

    @inline(__always)
    func appendRuns(row: Int, starts: inout [Int32], ends: inout [Int32]) {
        let p = data + row * nx
        let lo = SIMD16<T>(repeating: window.lower), hi = SIMD16<T>(repeating: window.upper)
        let raw = UnsafeRawPointer(p)
        var open = -1
        var i = 0
        while i + 16 <= nx {
            let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.stride, as: SIMD16<T>.self)
            let inside = (v .>= lo) .& (v .<= hi)
            if !any(inside) {
                if open >= 0 {
                    starts.append(Int32(open))
                    ends.append(Int32(i - 1))
                    open = -1
                }
            } else if all(inside) {
                if open < 0 { open = i }
            } else {
                for lane in 0..<16 {
                    if inside[lane] {
                        if open < 0 { open = i + lane }
                    } else if open >= 0 {
                        starts.append(Int32(open))
                        ends.append(Int32(i + lane - 1))
                        open = -1
                    }
                }
            }
            i += 16
        }
        while i < nx {
            if p[i] >= window.lower && p[i] <= window.upper {
                if open < 0 { open = i }
            } else if open >= 0 {
                starts.append(Int32(open))
                ends.append(Int32(i - 1))
                open = -1
            }
            i += 1
        }
        if open >= 0 {
            starts.append(Int32(open))
            ends.append(Int32(nx - 1))
        }
    }
}

/// Runs read from a bit mask, a word (64 voxels) at a time with bit scans.
struct MaskRows: RowRunSource {
    let words: UnsafePointer<UInt64>
    let wordsPerRow: Int
    let nx: Int

    @inline(__always)
    func appendRuns(row: Int, starts: inout [Int32], ends: inout [Int32]) {
        let p = words + row * wordsPerRow
        var open = -1
        for w in 0..<wordsPerRow {
            var bits = p[w]
            let base = w << 6
            if open >= 0 {
                let ones = (~bits).trailingZeroBitCount
                if ones == 64 { continue }
                starts.append(Int32(open))
                ends.append(Int32(base + ones - 1))
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
                starts.append(Int32(base + s))
                ends.append(Int32(base + s + ones - 1))
                bits &= ~(((1 << UInt64(ones)) &- 1) << UInt64(s))
            }
        }
        if open >= 0 {
            starts.append(Int32(open))
            ends.append(Int32(nx - 1))
        }
    }
}
