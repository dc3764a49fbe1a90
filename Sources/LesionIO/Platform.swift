#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// The message of the current `errno`.
func errnoMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// The size in bytes of a regular file, or an error naming why it cannot be read.
func regularFileSize(_ path: String) throws(ScanError) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else {
        throw ScanError(path, "cannot open: \(errnoMessage())")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw ScanError(path, "not a regular file")
    }
    guard access(path, R_OK) == 0 else {
        throw ScanError(path, "cannot open: \(errnoMessage())")
    }
    return Int(info.st_size)
}

/// Seconds on a monotonic clock, for timing the stages of a read.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Asks Linux to back the whole 2 MiB pages of a large buffer about to be filled with transparent
/// huge pages (`madvise(MADV_HUGEPAGE)`, honoured when THP is `always` or `madvise`): one page
/// fault per 2 MiB on first touch instead of one per 4 KiB. A hint; nothing changes elsewhere.
func adviseHugePages(_ start: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
    let page = 2 << 20
    guard byteCount >= 4 * page else { return }
    let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: start) + byteCount) & ~(page - 1)
    if end > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_HUGEPAGE) }
    #endif
}
