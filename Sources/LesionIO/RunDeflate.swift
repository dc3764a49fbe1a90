import CDeflate

/// A gzip encoder for label maps and masks: DEFLATE with one match distance, the voxel size.
///
/// A label map is mostly zeros, and its lesions are runs of one label: every byte that equals the
/// byte one voxel earlier is part of a match at that distance (RFC 1951 §3.2.5), and the rest are
/// literals, all in one block with the fixed Huffman codes (§3.2.6). Runs are found eight bytes at
/// a time, so the cost follows the bytes scanned, not the matches tried: about 3× faster than
/// zlib at level 1 on a 182×218×182 uint16 map (`lesiontrack bench-process`), for a file about
/// 20 % larger. The output is one standard gzip member (RFC 1952: MTIME 0, XFL 4, OS 3), CRC-32
/// computed by libdeflate; the tests read it back through zlib and libdeflate, and
/// `bench-process` through nibabel.
struct RunDeflate {
    /// Bytes between a voxel and the one before it: 1, 2, 4 or 8.
    let distance: Int
    private var out: [UInt8] = []
    private var bits: UInt64 = 0
    private var bitCount = 0
    private var crc: UInt32 = 0
    private var size = 0
    /// Room for copies of a repeated voxel, for the CRC of repeats.
    private var copies: [UInt8] = []

    init(voxelBytes: Int, expectedBytes: Int) {
        precondition([1, 2, 4, 8].contains(voxelBytes))
        distance = voxelBytes
        out.reserveCapacity(expectedBytes / 32 + 1024)
        out += [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]
        // One final block with the fixed codes: BFINAL 1, BTYPE 01.
        put(0b011, 3)
    }

    /// Appends `bytes` to the stream; matches start within the segment.
    mutating func encode(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crc = UInt32(libdeflate_crc32(crc, base, bytes.count))
        size &+= bytes.count
        let n = bytes.count
        var i = 0
        while i < n {
            let run = i >= distance ? Self.repeatLength(base, at: i, distance: distance, count: n) : 0
            if run >= 3 {
                var left = run
                while left >= 3 {
                    // A match of 258 or, when less is left, all of it unless that leaves 1 or 2.
                    let length = left >= 261 || left == 258 ? 258 : (left > 258 ? left - 3 : left)
                    putMatch(length)
                    left -= length
                }
                i += run - left
            } else {
                putLiteral(Int(base.load(fromByteOffset: i, as: UInt8.self)))
                i += 1
            }
        }
    }

    /// Appends `count` copies of one voxel whose `distance` bytes are the low bytes of `voxel`, in
    /// little-endian order; `afterSame` when the voxel before them (already encoded) is the same. All
    /// but the first copy, and the first too when `afterSame`, are matches one voxel back; the work
    /// follows the matches written, not the bytes they stand for (the CRC aside).
    mutating func encodeRepeats(of voxel: UInt64, count: Int, afterSame: Bool) {
        guard count > 0 else { return }
        if copies.isEmpty { copies = [UInt8](repeating: 0, count: 4096) }
        addToCRC(repeating: voxel, bytes: count * distance)
        var matchBytes = count * distance
        if !afterSame {
            for k in 0..<distance { putLiteral(Int(truncatingIfNeeded: voxel >> (8 * k)) & 0xFF) }
            matchBytes -= distance
        }
        var left = matchBytes
        while left >= 3 {
            let length = left >= 261 || left == 258 ? 258 : (left > 258 ? left - 3 : left)
            putMatch(length)
            left -= length
        }
        // Fewer than 3 bytes in all: literals, the voxel's bytes from where the matches began.
        for m in (matchBytes - left)..<matchBytes {
            putLiteral(Int(truncatingIfNeeded: voxel >> (8 * (m % distance))) & 0xFF)
        }
    }

    /// Adds `bytes` bytes of one repeated voxel to the CRC-32 and the size: zeros from a page of
    /// zeros, other voxels from up to 4096 bytes of copies (a whole number of voxels).
    private mutating func addToCRC(repeating voxel: UInt64, bytes: Int) {
        size &+= bytes
        var left = bytes
        if voxel == 0 {
            Self.zeros.withUnsafeBytes { page in
                while left > 0 {
                    let n = min(left, page.count)
                    crc = UInt32(libdeflate_crc32(crc, page.baseAddress, n))
                    left -= n
                }
            }
            return
        }
        let filled = min(bytes, copies.count)
        copies.withUnsafeMutableBytes { page in
            for b in 0..<filled { page[b] = UInt8(truncatingIfNeeded: voxel >> (8 * (b % distance))) }
            while left > 0 {
                let n = min(left, filled)
                crc = UInt32(libdeflate_crc32(crc, page.baseAddress, n))
                left -= n
            }
        }
    }

    private static let zeros = [UInt8](repeating: 0, count: 1 << 16)

    /// The finished gzip member.
    mutating func finish() -> [UInt8] {
        putCode(Self.literalCodes[256])
        while bitCount > 0 {
            out.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
            bitCount -= 8
        }
        bitCount = 0
        for value in [crc, UInt32(truncatingIfNeeded: size)] {
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
        }
        return out
    }

    /// How many bytes from `i` on equal the byte `distance` before each.
    @inline(__always)
    private static func repeatLength(_ base: UnsafeRawPointer, at start: Int, distance: Int, count: Int) -> Int {
        var i = start
        while i + 8 <= count {
            let a = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = base.loadUnaligned(fromByteOffset: i - distance, as: UInt64.self)
            let difference = a ^ b
            if difference != 0 { return i - start + (UInt64(littleEndian: difference).trailingZeroBitCount >> 3) }
            i += 8
        }
        while i < count && base.load(fromByteOffset: i, as: UInt8.self) == base.load(fromByteOffset: i - distance, as: UInt8.self) {
            i += 1
        }
        return i - start
    }

    @inline(__always)
    private mutating func put(_ value: UInt32, _ count: Int) {
        bits |= UInt64(value) << bitCount
        bitCount += count
        if bitCount >= 32 {
            let word = UInt32(truncatingIfNeeded: bits)
            out.append(UInt8(truncatingIfNeeded: word))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            bits >>= 32
            bitCount -= 32
        }
    }

    @inline(__always)
    private mutating func putCode(_ code: (bits: UInt32, count: Int)) { put(code.bits, code.count) }

    private mutating func putLiteral(_ byte: Int) { putCode(Self.literalCodes[byte]) }

    private mutating func putMatch(_ length: Int) {
        let (symbol, extra, extraBits) = Self.lengthSymbols[length]
        putCode(Self.literalCodes[symbol])
        if extraBits > 0 { put(extra, extraBits) }
        let (code, distanceExtra, distanceExtraBits) = Self.distanceCode(distance)
        put(Self.reversed(code, 5), 5)
        if distanceExtraBits > 0 { put(distanceExtra, distanceExtraBits) }
    }

    /// The fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed for LSB-first output.
    static let literalCodes: [(bits: UInt32, count: Int)] = (0..<288).map { s in
        switch s {
        case 0...143: (reversed(UInt32(0x30 + s), 8), 8)
        case 144...255: (reversed(UInt32(0x190 + s - 144), 9), 9)
        case 256...279: (reversed(UInt32(s - 256), 7), 7)
        default: (reversed(UInt32(0xC0 + s - 280), 8), 8)
        }
    }

    /// For each match length 3…258: its symbol, extra bits' value and count (RFC 1951 §3.2.5).
    static let lengthSymbols: [(symbol: Int, extra: UInt32, extraBits: Int)] = {
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var table = [(symbol: Int, extra: UInt32, extraBits: Int)](repeating: (0, 0, 0), count: 259)
        for length in 3...258 {
            let index = length == 258 ? 28 : bases.lastIndex { $0 <= length }!
            table[length] = (257 + index, UInt32(length - bases[index]), extras[index])
        }
        return table
    }()

    /// Distance codes for 1, 2, 4 and 8 (RFC 1951 §3.2.5): code, extra value, extra bits.
    static func distanceCode(_ distance: Int) -> (UInt32, UInt32, Int) {
        switch distance {
        case 1: (0, 0, 0)
        case 2: (1, 0, 0)
        case 4: (3, 0, 0)
        default: (5, 1, 1)
        }
    }

    static func reversed(_ code: UInt32, _ count: Int) -> UInt32 {
        var result: UInt32 = 0
        for k in 0..<count where code & (1 << k) != 0 { result |= 1 << (count - 1 - k) }
        return result
    }
}
