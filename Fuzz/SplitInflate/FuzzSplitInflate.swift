import CDeflate
import CSplitInflate
import Glibc

/// One gzip member built from the input, damaged where the input says, then inflated in two parts
/// (`lt_split_inflate_gzip`) and in one piece by libdeflate. The two-part inflation may decline
/// (return 1), but when it succeeds its bytes must be the one-piece inflation's, which must have
/// succeeded too; and the compressed bytes it writes over during the call must be restored.
///
/// The input: byte 0 the compression level (1–12), byte 1 the split share (0.1–0.9), byte 2 the
/// alphabet size (2–64 symbols: enough repetition for dynamic-Huffman blocks, enough entropy for
/// the 128 KiB of compressed bytes the split needs), byte 3 the length (160 KiB to 1.16 MiB),
/// bytes 4–19 up to four damages (a byte offset into the compressed file and a bit mask each),
/// the rest a pattern spliced into the data (matches for the compressor to find).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSplitInflate(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: count)
    // Any bytes to the block search, over every bit.
    _ = lt_deflate_find_dynamic_block(data, count, 0, UInt64(count) * 8)
    guard count >= 20 else { return 0 }

    let level = 1 + Int(input[0]) % 12
    let share = 0.1 + 0.8 * Double(input[1]) / 255
    let alphabet = 2 + Int(input[2]) % 63
    let length = (160 << 10) + Int(input[3]) * (4 << 10)
    let pattern = Array(input[20...])
    var state = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(input[2]) << 8 ^ UInt64(input[3])
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var plain = [UInt8](repeating: 0, count: length)
    var n = 0
    while n < length {
        if !pattern.isEmpty && next() % 8 == 0 {
            for byte in pattern where n < length {
                plain[n] = byte
                n += 1
            }
        } else {
            let run = 1 + Int(next() % 64)
            for _ in 0..<run where n < length {
                plain[n] = UInt8(truncatingIfNeeded: next() % UInt64(alphabet))
                n += 1
            }
        }
    }

    guard let compressor = libdeflate_alloc_compressor(Int32(level)) else { return 0 }
    defer { libdeflate_free_compressor(compressor) }
    let bound = libdeflate_gzip_compress_bound(compressor, length)
    var gz = [UInt8](repeating: 0, count: bound)
    let size = plain.withUnsafeBytes { p in
        gz.withUnsafeMutableBytes { g in libdeflate_gzip_compress(compressor, p.baseAddress, length, g.baseAddress, bound) }
    }
    guard size > 0 else { return 0 }
    gz.removeLast(bound - size)
    for d in 0..<4 {
        let at = 4 + 4 * d
        let offset = (Int(input[at]) << 16 | Int(input[at + 1]) << 8 | Int(input[at + 2])) % size
        gz[offset] ^= input[at + 3]
    }
    let original = gz

    var split = [UInt8](repeating: 0, count: length)
    var report = lt_split_report()
    let status = split.withUnsafeMutableBufferPointer { out in
        gz.withUnsafeMutableBufferPointer { g in
            lt_split_inflate_gzip(g.baseAddress!, size, out.baseAddress!, length, share, &report)
        }
    }
    guard gz == original else { fatalError("the compressed bytes were not restored") }
    guard status == 0 else { return 0 }

    guard let decompressor = libdeflate_alloc_decompressor() else { return 0 }
    defer { libdeflate_free_decompressor(decompressor) }
    var whole = [UInt8](repeating: 0, count: length)
    var consumed = 0
    var produced = 0
    let result = gz.withUnsafeBytes { g in
        whole.withUnsafeMutableBytes { w in
            libdeflate_gzip_decompress_ex(decompressor, g.baseAddress, size, w.baseAddress, length, &consumed, &produced)
        }
    }
    guard result == LIBDEFLATE_SUCCESS && consumed == size && produced == length else {
        fatalError("two parts accepted a member the one-piece inflation refuses (result \(result.rawValue))")
    }
    guard split == whole else { fatalError("two parts gave other bytes than one piece") }
    return 0
}
