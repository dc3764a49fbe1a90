/// Thresholding with SIMD vectors: 16 voxels per comparison in the stored type.
///
/// Equivalent to `ReferenceThreshold.mask` (tested voxel for voxel): the window is folded into the
/// stored type by `StoredWindow`, so no voxel is converted or scaled. Rows of background skip at
/// one vector comparison per 16 voxels.
public enum SIMDThreshold {
    /// Packs the thresholded volume into a bit mask: 1/8 byte per voxel.
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    public static func bitMask<T: ScanScalar>(_ volume: Volume<T>, window: StoredWindow<T>) -> BitMask {
        var mask = BitMask(size: volume.size)
        guard !window.isEmpty, volume.size.voxelCount > 0 else { return mask }
        let nx = volume.size.nx
        let rows = volume.size.ny * volume.size.nz
        let wordsPerRow = mask.wordsPerRow
        volume.voxels.withUnsafeBufferPointer { data in
            mask.words.withUnsafeMutableBufferPointer { words in
                for row in 0..<rows {
                    packRow(
                        data.baseAddress! + row * nx, nx, window, words.baseAddress! + row * wordsPerRow,
                        readable: data.count - row * nx)
                }
            }
        }
        return mask
    }

    /// Writes the bits of one row's voxels inside the window to `out`, `ceil(nx / 64)` words (bits
    /// past `nx` clear). Each word is gathered in a register from four 16-lane comparisons and
    /// stored once. `readable` values can be read from `row` on (at least `nx`): where the row's
    /// last vector may run into the next row, it is compared whole and the voxels past the row's
    /// end are masked off, instead of comparing the tail one voxel at a time.
    @inline(__always)
    static func packRow<T: ScanScalar>(
        _ row: UnsafePointer<T>, _ nx: Int, _ window: StoredWindow<T>, _ out: UnsafeMutablePointer<UInt64>, readable: Int
    ) {
        let lo = SIMD16<T>(repeating: window.lower), hi = SIMD16<T>(repeating: window.upper)
        let raw = UnsafeRawPointer(row)
        let stride = MemoryLayout<T>.stride
        @inline(__always) func lanes(_ i: Int) -> UInt64 {
            UInt64(T.insideBits(raw.loadUnaligned(fromByteOffset: i * stride, as: SIMD16<T>.self), lo, hi))
        }
        var i = 0, w = 0
        while i + 64 <= nx {
            out[w] = lanes(i) | lanes(i + 16) &<< 16 | lanes(i + 32) &<< 32 | lanes(i + 48) &<< 48
            i += 64
            w += 1
        }
        guard i < nx else { return }
        var word: UInt64 = 0
        while i + 16 <= nx {
            word |= lanes(i) &<< UInt64(i & 63)
            i += 16
        }
        if i < nx && i + 16 <= readable {
            word |= (lanes(i) & ((1 &<< UInt64(nx - i)) &- 1)) &<< UInt64(i & 63)
            i = nx
        }
        while i < nx {
            if row[i] >= window.lower && row[i] <= window.upper { word |= 1 &<< UInt64(i & 63) }
            i += 1
        }
        out[w] = word
    }
}
