import CDeflate

/// A whole gzip file held in memory, inflated or written in one call to libdeflate.
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
    func inflate(into output: UnsafeMutableRawPointer, count: Int) -> String? {
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
