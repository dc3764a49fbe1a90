/// Directory listings, file kinds and whole-file reads, with errors that name the path.
public enum FileSystem {
    public enum Kind: Sendable, Equatable {
        case missing
        case file
        case directory
        /// A device, socket, pipe or anything else that is neither.
        case other
    }

    /// What `path` is, following symbolic links.
    public static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// What `path` is, following symbolic links; `.missing` only when nothing is there (ENOENT,
    /// ENOTDIR). A path that exists but cannot be examined (permission, a symbolic-link loop, an
    /// I/O error) is an error naming it, never taken for absent.
    public static func existingKind(_ path: String) throws(ScanError) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            throw ScanError(path, "cannot be read: \(errnoMessage())")
        }
        return kind(path)
    }

    /// The names in a directory, without `.` and `..`, in byte order.
    public static func list(_ directory: String) throws(ScanError) -> [String] {
        guard let handle = opendir(directory) else {
            throw ScanError(directory, "cannot list the folder: \(errnoMessage())")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The largest file `read` accepts: 16 MiB, far above any table or pipeline file.
    public static let maximumReadBytes = 16 << 20

    /// The whole content of a regular file of at most `maximumReadBytes`.
    public static func read(_ path: String) throws(ScanError) -> [UInt8] {
        let size = try regularFileSize(path)
        guard size <= maximumReadBytes else {
            throw ScanError(path, "too large to be a text file: \(size) bytes (at most \(maximumReadBytes))")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ScanError(path, "cannot open: \(errnoMessage())") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ScanError(path, "read error: \(n < 0 ? errnoMessage() : "the file shrank")") }
            done += n
        }
        return bytes
    }

    /// Creates a directory (not its parents); an existing directory is fine.
    public static func makeDirectory(_ path: String) throws(ScanError) {
        if kind(path) == .directory { return }
        guard mkdir(path, 0o755) == 0 else {
            throw ScanError(path, "cannot create the folder: \(errnoMessage())", kind: .output)
        }
    }

    /// The running program's own file, resolved (Linux: `/proc/self/exe`); nil when unknown.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `directory/name`, without doubling a trailing slash.
    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
