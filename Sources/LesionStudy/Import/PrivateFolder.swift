import LesionIO

/// A hidden working folder inside the output study (`.lesiontrack-import-<pid>-<random>`), where
/// dcm2niix writes before the kept files are moved into place; removed with everything in it.
///
/// Being inside the study keeps the final moves on one file system (a `rename`, atomic) and
/// keeps dcm2niix from writing anywhere near the input.
struct PrivateFolder {
    let path: String

    init(inside study: String) throws(ScanError) {
        let name = ".lesiontrack-import-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        path = FileSystem.join(study, name)
        guard mkdir(path, 0o700) == 0 else {
            throw ScanError(path, "cannot create the import's working folder: \(String(cString: strerror(errno)))", kind: .output)
        }
    }

    /// A new empty subfolder.
    func subfolder(_ name: String) throws(ScanError) -> String {
        let sub = FileSystem.join(path, name)
        guard mkdir(sub, 0o700) == 0 else {
            throw ScanError(sub, "cannot create the import's working folder: \(String(cString: strerror(errno)))", kind: .output)
        }
        return sub
    }

    /// Removes the folder and everything under it (dcm2niix writes flat folders; nesting is
    /// handled anyway).
    func remove() { Self.removeTree(path) }

    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileSystem.list(path)) ?? [] { removeTree(FileSystem.join(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
