import LesionIO

/// An exclusive lock on an output folder, held while a run or merge writes into it, so two
/// processes never write one database and one tree at once. The kernel releases it when the
/// process ends, however it ends.
final class RunLock {
    private let fd: Int32

    /// Takes the lock on `OUTPUT_DIR/.lesiontrack.lock`, or refuses when another process holds it.
    init(outputFolder: String) throws(ScanError) {
        let path = FileSystem.join(outputFolder, ".lesiontrack.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ScanError(path, "cannot create the lock file: \(String(cString: strerror(errno)))", kind: .output)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ScanError(
                outputFolder,
                "another lesiontrack process is writing into this folder: wait for it, or give each process its own output folder (--shard runs write one each, then `lesiontrack merge`)",
                kind: .output)
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
