import LesionIO

/// A hidden working folder inside the output study (`.lesiontrack-import-<pid>-<random>`), where
/// dcm2niix writes before the kept files are moved into place; removed with everything in it.
///
/// Being inside the study keeps the final moves on one file system (a `rename`, atomic) and
/// keeps dcm2niix from writing anywhere near the input.
struct PrivateFolder {
    let path: String

    /// What every working folder's name starts with, before `<pid>-<random>`.
    static let prefix = ".lesiontrack-import-"

    init(inside study: String) throws(ScanError) {
        Self.removeStale(in: study)
        let name = Self.prefix + "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
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

    /// Removes the working folders of imports whose process is gone (killed before it could clean
    /// up): they may hold dcm2niix's full sidecars, with the patient's name.
    static func removeStale(in study: String) {
        for name in (try? FileSystem.list(study)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { removeTree(FileSystem.join(study, name)) }
        }
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
