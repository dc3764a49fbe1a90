import CDeflate
import CSplitInflate

/// A whole gzip file held in memory, inflated or written in one call to libdeflate (or inflated in
/// two parts on two threads, see `inflate`).
///
/// libdeflate decompresses a complete DEFLATE stream into a buffer of known size, typically two to
/// three times as fast as zlib's streaming `inflate`. It needs the whole input and an output
/// buffer of the exact size, so a caller inflates with it only a file that is one gzip member
/// whose ISIZE trailer (the uncompressed size modulo 2³²) equals the size the NIfTI header implies;
/// anything else (several members, trailing bytes, a wrong ISIZE or CRC, a truncated or corrupt
/// stream) is reported as a reason to read the file with zlib's streaming reader instead.
final class GzipFile {
    let path: String
    /// The compressed bytes as read.
    let bytes: UnsafeMutableRawBufferPointer

    /// Reads the whole file (at most `expectedBytes`, the size found by the header check).
    init(path: String, expectedBytes: Int) throws(ScanError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ScanError(path, "cannot open: \(errnoMessage())") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(expectedBytes, 1), alignment: 16)
        adviseHugePages(buffer.baseAddress!, byteCount: buffer.count)
        var done = 0
        while done < expectedBytes {
            let n = Glibc.read(fd, buffer.baseAddress! + done, expectedBytes - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let message = errnoMessage()
                buffer.deallocate()
                throw ScanError(path, "read error: \(message)")
            }
            if n == 0 { break }
            done += n
        }
        bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<done])
    }

    deinit { bytes.deallocate() }

    /// The smallest uncompressed size inflated in two parts: 8 MiB (LesionTrack's own choice; a
    /// 182×218×182 float32 volume is 28.9 MB, a 1 mm int16 head 10–20 MB).
    static let splitMinimumBytes = 8 << 20
    /// The largest inflated in two parts: 512 MiB. The second part's compressed bytes are copied
    /// and its output held apart before it is moved into place, so the peak memory grows by about
    /// 45 % of the compressed and uncompressed sizes (peak resident memory of `label` 74.6 →
    /// 97.2 MiB on the peer kit's 182×218×182 float32 volume);
    /// above this a `label` in a memory-limited container is not put at risk for speed.
    static let splitMaximumBytes = 512 << 20
    /// Where the compressed bytes are split: the first part, inflated straight into the output,
    /// takes 55 %, since the second also copies its input and output once (measured on the
    /// 182×218×182 float32 volume: both parts then end within a few milliseconds of each other).
    static let splitFirstShare = 0.55

    /// How the last `inflate` was split, or nil when it ran in one piece.
    private(set) var split: SplitInflation?

    /// The ISIZE trailer: the uncompressed size of the last member modulo 2³², if the file is long
    /// enough to hold a gzip member (18 bytes).
    var trailerSize: UInt32? {
        guard bytes.count >= 18 else { return nil }
        var value: UInt32 = 0
        for n in 0..<4 { value |= UInt32(bytes[bytes.count - 4 + n]) << (8 * n) }
        return value
    }

    /// Inflates the file into `output`, which must hold exactly `count` bytes. Returns nil when the
    /// file is one valid gzip member (CRC and ISIZE checked) of exactly `count` bytes with nothing
    /// after it, else why not (then `output` holds garbage).
    ///
    /// With `threads` 2 or more and `splitMinimumBytes` to `splitMaximumBytes` to inflate, the member is first
    /// inflated in two parts on two threads (`lt_split_inflate_gzip`); whenever that does not
    /// succeed and verify, it is inflated in one piece as before, which gives the verdict. `split`
    /// says afterwards whether the two parts did it.
    func inflate(into output: UnsafeMutableRawPointer, count: Int, threads: Int = 1) -> String? {
        split = nil
        if threads >= 2 && count >= Self.splitMinimumBytes && count <= Self.splitMaximumBytes {
            var report = lt_split_report()
            let status = lt_split_inflate_gzip(
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count,
                output.assumingMemoryBound(to: UInt8.self), count, Self.splitFirstShare, &report)
            if status == 0 {
                split = SplitInflation(report)
                return nil
            }
        }
        guard let decompressor = libdeflate_alloc_decompressor() else { return "libdeflate could not allocate its decompressor" }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0
        var produced = 0
        let result = libdeflate_gzip_decompress_ex(
            decompressor, bytes.baseAddress, bytes.count, output, count, &consumed, &produced)
        switch result {
        case LIBDEFLATE_SUCCESS:
            if produced != count { return "the gzip member holds \(produced) bytes, not \(count)" }
            if consumed != bytes.count { return "more than one gzip member, or bytes after the first" }
            return nil
        case LIBDEFLATE_BAD_DATA: return "libdeflate: corrupt or truncated gzip data, or a wrong CRC or ISIZE"
        case LIBDEFLATE_INSUFFICIENT_SPACE: return "the gzip member holds more than \(count) bytes"
        default: return "libdeflate: result \(result.rawValue)"
        }
    }

    /// `data` compressed as one gzip member by libdeflate at `level` (0 to 12; 1 is the fastest
    /// that compresses). The header has MTIME 0, and XFL 4 at levels 0 and 1, as zlib's level 1.
    static func compress(_ data: UnsafeRawBufferPointer, level: Int) -> [UInt8]? {
        guard let compressor = libdeflate_alloc_compressor(Int32(level)) else { return nil }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_gzip_compress_bound(compressor, data.count)
        var size = 0
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            size = libdeflate_gzip_compress(compressor, data.baseAddress, data.count, buffer.baseAddress, bound)
            initialized = size
        }
        return size > 0 ? out : nil
    }
}

/// How a gzip member was inflated in two parts.
public struct SplitInflation: Sendable, Equatable {
    /// The bit offset in the file of the block header where the second part began.
    public var boundaryBit: UInt64
    /// Bytes inflated by the first part and by the second.
    public var firstBytes: Int
    public var secondBytes: Int
    /// Bytes at the start of the second part inflated again with the true window.
    public var reinflatedBytes: Int

    init(_ report: lt_split_report) {
        boundaryBit = report.boundary_bit
        firstBytes = Int(report.first_bytes)
        secondBytes = Int(report.second_bytes)
        reinflatedBytes = Int(report.reinflated_bytes)
    }
}
