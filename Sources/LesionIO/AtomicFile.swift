/// Writes files so that a reader sees either the old content or the whole new content.
///
/// Data goes to a hidden temporary file in the target's directory, is flushed to disk, and is
/// renamed over the target; a failure removes the temporary file and leaves the target as it was.
/// The directory is flushed after the rename, so the new name survives a crash. Several files can
/// be staged first (`stage`: written and flushed, not yet renamed) and committed together
/// (`commit(_:)`): renamed in order, then each directory among them flushed once.
public enum AtomicFile {
    /// The longest file name (one path component) Linux file systems accept, in bytes.
    public static let maximumNameBytes = 255

    /// A temporary file written and flushed to disk, not yet renamed over `path`.
    public struct Staged: Sendable, Equatable {
        public let temporary: String
        public let path: String

        public init(temporary: String, path: String) {
            self.temporary = temporary
            self.path = path
        }

        /// Removes the temporary file; `path` stays as it was.
        public func discard() { unlink(temporary) }
    }

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

    /// Writes `bytes` to `path` atomically; with `syncingDirectory` false the caller flushes the
    /// directory (`syncDirectories(of:)`) before it counts the file as durable.
    public static func write(
        _ bytes: some Collection<UInt8>, to path: String, syncingDirectory: Bool = true
    ) throws(ScanError) {
        try write(to: path, syncingDirectory: syncingDirectory) { (fd: Int32) throws(ScanError) in
            try writeAll(fd, Array(bytes), path: path)
        }
    }

    /// Calls `body` with a file descriptor open on a temporary file, then renames it to `path`.
    public static func write(
        to path: String, syncingDirectory: Bool = true, _ body: (Int32) throws(ScanError) -> Void
    ) throws(ScanError) {
        try commit([stage(to: path, body)], syncingDirectories: syncingDirectory)
    }

    /// Writes `bytes` to a temporary file beside `path` and flushes it; `path` is untouched until
    /// the result is committed.
    public static func stage(_ bytes: some Collection<UInt8>, to path: String) throws(ScanError) -> Staged {
        try stage(to: path) { (fd: Int32) throws(ScanError) in try writeAll(fd, Array(bytes), path: path) }
    }

    /// Calls `body` with a file descriptor open on a temporary file beside `path`, then flushes it.
    /// On failure the temporary file is removed.
    public static func stage(to path: String, _ body: (Int32) throws(ScanError) -> Void) throws(ScanError) -> Staged {
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
        return Staged(temporary: temporary, path: path)
    }

    /// Renames a finished temporary file over `path` and flushes the directory entry.
    public static func commit(_ temporary: String, to path: String, syncingDirectory: Bool = true) throws(ScanError) {
        try commit([Staged(temporary: temporary, path: path)], syncingDirectories: syncingDirectory)
    }

    /// Renames `files` over their targets in order, then flushes each of their directories, and
    /// those of `placedBefore` (files already renamed into place, their directories not yet
    /// flushed), once. If a rename fails, that file's and the later files' temporaries are removed
    /// and the error is thrown; the files renamed before it stay, their directories flushed.
    public static func commit(
        _ files: [Staged], placedBefore: [String] = [], syncingDirectories: Bool = true
    ) throws(ScanError) {
        var placed = placedBefore
        defer { if syncingDirectories { syncDirectories(of: placed) } }
        for (n, file) in files.enumerated() {
            guard rename(file.temporary, file.path) == 0 else {
                let message = errnoMessage()
                for later in files[n...] { later.discard() }
                throw ScanError(file.path, "cannot move output into place: \(message)", kind: .output)
            }
            placed.append(file.path)
        }
    }

    /// The directory holding `path`: `.` for a bare name, `/` for a file at the root.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The distinct directories of `paths`, in the order they first appear.
    public static func directories(of paths: [String]) -> [String] {
        var seen: Set<String> = []
        return paths.map(directory(of:)).filter { seen.insert($0).inserted }
    }

    /// Flushes the directory entries of `paths` to disk: each directory once, however many of the
    /// files it holds.
    public static func syncDirectories(of paths: [String]) {
        for directory in directories(of: paths) {
            let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dirfd >= 0 {
                fsync(dirfd)
                close(dirfd)
            }
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
