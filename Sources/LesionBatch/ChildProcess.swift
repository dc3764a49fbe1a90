import LesionIO

/// Runs a program as a child process and reports its exit status and peak memory.
public enum ChildProcess {
    /// Runs `arguments[0]` with `arguments`, standard output into `standardOutput`, standard error
    /// discarded; returns the exit status and the child's maximum resident set size in KiB.
    public static func run(_ arguments: [String], standardOutput: String) throws(ScanError) -> (status: Int32, peakKiB: Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw ScanError(arguments[0], "cannot start: \(String(cString: strerror(spawned)))", kind: .internal)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ScanError(arguments[0], "cannot wait for the child process", kind: .internal) }
        }
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), Int(usage.ru_maxrss))
    }
}
