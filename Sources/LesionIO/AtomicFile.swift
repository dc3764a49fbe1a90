/// Writes files so that a reader sees either the old content or the whole new content.
///
/// Data goes to a hidden temporary file in the target's directory, is flushed to disk, and is
/// renamed over the target; a failure removes the temporary file and leaves the target as it was.
public enum AtomicFile {
    /// The longest file name (one path component) Linux file systems accept, in bytes.
    public static let maximumNameBytes = 255

    /// A hidden, unique temporary path beside `path`: `.<name>.<pid>.<random>.partial`, with the
    /// target's name cut (on a character boundary) so the temporary name never exceeds
    /// `maximumNameBytes`, however long the target's name is.
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let unique = UInt64.random(in: 0...UInt64.max)
        let suffix = ".\(getpid()).\(String(unique, radix: 36)).partial"
        let room = maximumNameBytes - 1 - suffix.utf8.count
        var kept = Substring(name)
        while kept.utf8.count > room { kept = kept.dropLast() }
        return "\(directory).\(kept)\(suffix)"
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(ScanError) {
        try write(to: path) { (fd: Int32) throws(ScanError) in
            try writeAll(fd, Array(bytes), path: path)
        }
    }

    /// Calls `body` with a file descriptor open on a temporary file, then renames it to `path`.
    public static func write(to path: String, _ body: (Int32) throws(ScanError) -> Void) throws(ScanError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ScanError(path, "cannot create output: \(errnoMessage())", kind: .output)
        }
        do throws(ScanError) {
            try body(fd)
            guard fsync(fd) == 0 else {
                throw ScanError(path, "cannot flush output: \(errnoMessage())", kind: .output)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        try commit(temporary, to: path)
    }

    /// Renames a finished temporary file over `path` and flushes the directory entry.
    public static func commit(_ temporary: String, to path: String) throws(ScanError) {
        guard rename(temporary, path) == 0 else {
            let message = errnoMessage()
            unlink(temporary)
            throw ScanError(path, "cannot move output into place: \(message)", kind: .output)
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let dirfd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            fsync(dirfd)
            close(dirfd)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ScanError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ScanError(path, "cannot write output: \(errnoMessage())", kind: .output)
            }
            written += n
        }
    }
}
