/// The CPUs this process may run on.
public enum Processors {
    /// The CPUs this process may use: those of its affinity mask, at most the cores online (the
    /// cores online when the mask cannot be read), and at most its cgroup's CPU bandwidth limit
    /// (`cgroupCPUs`). At least 1; read once.
    ///
    /// `taskset`, a Slurm task's CPU binding and a container's cpuset narrow the mask, so a task
    /// given 4 CPUs of a 64-core node sizes its jobs and threads for 4, not 64. A CPU quota without
    /// a binding (`docker run --cpus 2`, systemd's `CPUQuota=`) leaves the mask whole; the limit
    /// it sets counts too.
    public static let usable: Int = {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var count = online
        if let status = procText("/proc/self/status"), let allowed = allowed(inStatus: status) {
            count = min(count, allowed)
        }
        if let limit = cgroupLimit { count = min(count, limit) }
        return max(1, count)
    }()

    /// The CPUs this process's cgroup bandwidth limit allows (`cgroupCPUs` on this process's
    /// `/proc/self/cgroup` and `/proc/self/mountinfo`); nil when there is no limit or it cannot
    /// be read.
    public static let cgroupLimit: Int? = {
        guard let cgroup = procText("/proc/self/cgroup"), let mounts = procText("/proc/self/mountinfo") else { return nil }
        return cgroupCPUs(cgroup: cgroup, mountInfo: mounts, read: procText)
    }()

    /// The CPUs a cgroup CPU bandwidth limit allows: the smallest quota ÷ period of the process's
    /// cgroup and of each cgroup above it that the mount shows (a limit on a parent binds its
    /// children), rounded down and at least 1 (a fraction of a CPU is headroom, not a CPU to keep
    /// busy: `--jobs` never exceeds the limit). cgroup v2 reads `cpu.max` (`max 100000` is no
    /// limit; `250000 100000` is 2.5 CPUs), cgroup v1 the `cpu` controller's `cpu.cfs_quota_us`
    /// (`-1` is no limit) and `cpu.cfs_period_us`. nil when no cgroup on the way has a limit.
    ///
    /// - Parameters:
    ///   - cgroup: a `/proc/PID/cgroup` text: `0::/PATH` for v2, `N:CONTROLLERS:/PATH` for v1.
    ///   - mountInfo: a `/proc/PID/mountinfo` text, where each hierarchy is mounted and from which
    ///     of its cgroups (a container sees its own cgroup as the mount's root).
    ///   - read: a file's text, or nil when it cannot be read.
    public static func cgroupCPUs(cgroup: String, mountInfo: String, read: (String) -> String?) -> Int? {
        var limit: Double?
        for found in cpuCgroups(cgroup: cgroup, mountInfo: mountInfo) {
            var directory = found.path
            // The cgroup and each one above it, up to the top the mount shows.
            while true {
                let cpus: Double? =
                    found.version == 2
                    ? read(directory + "/cpu.max").flatMap(quotaCPUs(cpuMax:))
                    : read(directory + "/cpu.cfs_quota_us").flatMap { quota in
                        read(directory + "/cpu.cfs_period_us").flatMap { quotaCPUs(cfsQuota: quota, period: $0) }
                    }
                if let cpus { limit = min(limit ?? cpus, cpus) }
                guard directory.count > found.mountPoint.count, let slash = directory.lastIndex(of: "/") else { break }
                directory = String(directory[..<slash])
            }
        }
        return limit.map { max(1, Int(min($0, 1_048_576).rounded(.down))) }
    }

    /// Where this process's CPU cgroup is: a cgroup v2 directory, a v1 `cpu` controller's, or both.
    public struct CgroupDirectory: Equatable, Sendable {
        /// 1 or 2.
        public var version: Int
        /// The cgroup's directory.
        public var path: String
        /// Where its hierarchy is mounted: the top of the cgroups this process can see.
        public var mountPoint: String
    }

    /// The directories of the process's cgroup in each mounted hierarchy that can limit its CPU
    /// (v2, and v1's `cpu` controller), from a `/proc/PID/cgroup` and a `/proc/PID/mountinfo`
    /// text; a cgroup outside what a mount shows (its root) is left out.
    public static func cpuCgroups(cgroup: String, mountInfo: String) -> [CgroupDirectory] {
        var paths: [Int: Substring] = [:]
        for line in cgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty {
                paths[2] = fields[2]
            } else if fields[1].split(separator: ",").contains("cpu") {
                paths[1] = fields[2]
            }
        }
        var found: [CgroupDirectory] = []
        for mount in mountInfo.split(separator: "\n").compactMap(CgroupMount.init) {
            guard let path = paths[mount.version] else { continue }
            let root = mount.root.split(separator: "/")
            let components = path.split(separator: "/")
            // A cgroup namespace shows a cgroup outside its own root as `/../PATH`: outside what
            // the mount shows, as is any path that climbs (`.`, `..`).
            guard components.starts(with: root), !components.contains(where: { $0 == ".." || $0 == "." }) else { continue }
            let below = components.dropFirst(root.count)
            let point = mount.point.hasSuffix("/") ? String(mount.point.dropLast()) : mount.point
            found.append(
                CgroupDirectory(
                    version: mount.version, path: ([Substring(point)] + below).joined(separator: "/"), mountPoint: point))
        }
        return found
    }

    /// The CPUs of a cgroup v2 `cpu.max` text (`QUOTA PERIOD`, or `max PERIOD`: nil).
    public static func quotaCPUs(cpuMax text: String) -> Double? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0
        else { return nil }
        return quota / period
    }

    /// The CPUs of cgroup v1's `cpu.cfs_quota_us` and `cpu.cfs_period_us` texts (quota `-1`: nil).
    public static func quotaCPUs(cfsQuota: String, period: String) -> Double? {
        let trim: (String) -> Substring = { $0.drop { $0 == " " }.prefix { $0 != "\n" && $0 != " " } }
        guard let quota = Double(trim(cfsQuota)), let period = Double(trim(period)), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    /// One cgroup hierarchy's line of `/proc/PID/mountinfo`: v2 (`cgroup2`) or v1 with the `cpu`
    /// controller.
    private struct CgroupMount {
        var version: Int
        /// The cgroup the mount shows as its top.
        var root: String
        /// Where it is mounted.
        var point: String

        init?(_ line: Substring) {
            // ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER-OPTIONS
            let fields = line.split(separator: " ")
            guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash >= 6, dash + 3 < fields.count else { return nil }
            switch fields[dash + 1] {
            case "cgroup2": version = 2
            case "cgroup" where fields[dash + 3].split(separator: ",").contains("cpu"): version = 1
            default: return nil
            }
            root = Self.unescaped(fields[3])
            point = Self.unescaped(fields[4])
        }

        /// mountinfo writes space, tab, newline and backslash as `\040`, `\011`, `\012`, `\134`.
        static func unescaped(_ field: Substring) -> String {
            var bytes: [UInt8] = []
            var utf8 = Array(field.utf8)[...]
            while let byte = utf8.popFirst() {
                if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8)
                {
                    bytes.append(value)
                    utf8.removeFirst(3)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

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

    /// A `/proc` or `/sys` file's text (its size reads as 0 or a page, so it is read to its end, at
    /// most 1 MiB); nil when it cannot be read.
    private static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
