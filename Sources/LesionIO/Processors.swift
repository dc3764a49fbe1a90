/// The CPUs this process may run on.
public enum Processors {
    /// The CPUs in this process's affinity mask, at most the cores online; the cores online when
    /// the mask cannot be read. At least 1; read once.
    ///
    /// `taskset`, a Slurm task's CPU binding and a container's cpuset narrow the mask, so a task
    /// given 4 CPUs of a 64-core node sizes its jobs and threads for 4, not 64.
    public static let usable: Int = {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        guard let status = procText("/proc/self/status"), let allowed = allowed(inStatus: status) else { return online }
        return max(1, min(online, allowed))
    }()

    /// The CPUs of the `Cpus_allowed:` line of a `/proc/PID/status` text (a hexadecimal mask in
    /// groups of 32 bits separated by commas: `ff,ffffffff` is 40 CPUs); nil when the line is
    /// missing or malformed, or allows none.
    public static func allowed(inStatus status: String) -> Int? {
        let key = "Cpus_allowed:"
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
        let mask = line.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
        var count = 0
        for c in mask where c != "," {
            guard let digit = c.hexDigitValue else { return nil }
            count += digit.nonzeroBitCount
        }
        return count > 0 ? count : nil
    }

    /// A `/proc` file's text (its size reads as 0, so it is read to its end); nil when it cannot be read.
    private static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 16 {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
