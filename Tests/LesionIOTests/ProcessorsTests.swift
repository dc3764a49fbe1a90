import Foundation
import LesionIO
import Testing
import TestSupport

/// The CPUs the process may run on, which sizes `--jobs`, elastix's threads and the resampling.
@Suite("The CPUs this process may run on: the affinity mask and the cgroup's CPU limit")
struct ProcessorsTests {
    @Test("Cpus_allowed of /proc/PID/status: the bits of its hexadecimal mask, across its 32-bit groups")
    func masks() {
        let status = "Name:\tlesiontrack\nCpus_allowed:\tff,ffffffff\nCpus_allowed_list:\t0-39\n"
        #expect(Processors.allowed(inStatus: status) == 40)
        #expect(Processors.allowed(inStatus: "Cpus_allowed:\t5\n") == 2)
        #expect(Processors.allowed(inStatus: "Cpus_allowed:\t00000000,00000100\n") == 1)
        #expect(Processors.allowed(inStatus: "Cpus_allowed:  Ff\n") == 8)
        #expect(Processors.allowed(inStatus: "Cpus_allowed:\t0\n") == nil)
        #expect(Processors.allowed(inStatus: "Cpus_allowed:\t3g\n") == nil)
        #expect(Processors.allowed(inStatus: "Cpus_allowed_list:\t0-1\n") == nil)
        #expect(Processors.allowed(inStatus: "") == nil)
    }

    @Test("cpu.max (v2) and cpu.cfs_quota_us with cpu.cfs_period_us (v1): quota over period, none for max or -1")
    func quotaTexts() {
        #expect(Processors.quotaCPUs(cpuMax: "max 100000\n") == nil)
        #expect(Processors.quotaCPUs(cpuMax: "250000 100000\n") == 2.5)
        #expect(Processors.quotaCPUs(cpuMax: "50000 100000") == 0.5)
        #expect(Processors.quotaCPUs(cpuMax: "0 100000\n") == nil)
        #expect(Processors.quotaCPUs(cpuMax: "100000\n") == nil)
        #expect(Processors.quotaCPUs(cfsQuota: "-1\n", period: "100000\n") == nil)
        #expect(Processors.quotaCPUs(cfsQuota: "300000\n", period: "100000\n") == 3)
        #expect(Processors.quotaCPUs(cfsQuota: "150000\n", period: "50000\n") == 3)
        #expect(Processors.quotaCPUs(cfsQuota: "x\n", period: "100000\n") == nil)
    }

    /// A fake /sys: the files `cgroupCPUs` may read, by path.
    private static func reader(_ files: [String: String]) -> (String) -> String? { { files[$0] } }

    static let v2Mount = "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
    static let v1Mounts = """
        25 24 0:22 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        26 24 0:23 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        27 24 0:24 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory

        """

    @Test("cgroup v2: the leaf's cpu.max, or a parent's when smaller, rounded down, at least 1")
    func cgroupV2() {
        let cgroup = "0::/system.slice/job.service\n"
        let leaf = "/sys/fs/cgroup/system.slice/job.service/cpu.max"
        let parent = "/sys/fs/cgroup/system.slice/cpu.max"
        let cpus = { (files: [String: String]) in
            Processors.cgroupCPUs(cgroup: cgroup, mountInfo: Self.v2Mount, read: Self.reader(files))
        }
        #expect(cpus([leaf: "250000 100000\n", parent: "max 100000\n"]) == 2)
        #expect(cpus([leaf: "400000 100000\n", parent: "300000 100000\n"]) == 3)
        #expect(cpus([leaf: "max 100000\n", parent: "150000 100000\n", "/sys/fs/cgroup/cpu.max": "max 100000\n"]) == 1)
        #expect(cpus([leaf: "20000 100000\n"]) == 1)
        #expect(cpus([leaf: "max 100000\n", parent: "max 100000\n"]) == nil)
        #expect(cpus([:]) == nil)
        // Another cgroup's limit is not this process's.
        #expect(cpus(["/sys/fs/cgroup/user.slice/cpu.max": "100000 100000\n"]) == nil)
    }

    @Test("a container's own cgroup as the mount's root, and a path with a space (\\040 in mountinfo)")
    func cgroupMountRoot() {
        let mounts = "40 30 0:26 /docker/abc /sys/fs/cgroup ro,relatime - cgroup2 cgroup2 rw\n"
        let files = ["/sys/fs/cgroup/cpu.max": "200000 100000\n", "/sys/fs/cgroup/docker/abc/cpu.max": "100000 100000\n"]
        #expect(Processors.cgroupCPUs(cgroup: "0::/docker/abc\n", mountInfo: mounts, read: Self.reader(files)) == 2)
        // A cgroup outside the mount's root cannot be reached through it.
        #expect(Processors.cgroupCPUs(cgroup: "0::/other\n", mountInfo: mounts, read: Self.reader(files)) == nil)
        // A cgroup namespace shows a cgroup outside its root as /../PATH: never read above the mount.
        let namespaced = "40 30 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
        let above = ["/sys/fs/cgroup/../job/cpu.max": "100000 100000\n", "/sys/fs/cgroup/cpu.max": "300000 100000\n"]
        #expect(Processors.cpuCgroups(cgroup: "0::/../job\n", mountInfo: namespaced).isEmpty)
        #expect(Processors.cgroupCPUs(cgroup: "0::/../job\n", mountInfo: namespaced, read: Self.reader(above)) == nil)
        #expect(Processors.cgroupCPUs(cgroup: "0::/a/../../job\n", mountInfo: namespaced, read: Self.reader(above)) == nil)
        let spaced = "41 30 0:26 / /mnt/cg\\040two rw - cgroup2 none rw\n"
        let spacedFiles = ["/mnt/cg two/a/cpu.max": "300000 100000\n"]
        #expect(Processors.cgroupCPUs(cgroup: "0::/a\n", mountInfo: spaced, read: Self.reader(spacedFiles)) == 3)
    }

    @Test("cgroup v1: the cpu controller's quota and period, through the cpu hierarchy's mount only")
    func cgroupV1() {
        let cgroup = "4:memory:/slurm/job7\n2:cpuacct:/slurm/job7\n1:cpu:/slurm/job7\n0::/\n"
        let files = [
            "/sys/fs/cgroup/cpu/slurm/job7/cpu.cfs_quota_us": "200000\n",
            "/sys/fs/cgroup/cpu/slurm/job7/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/cpu/slurm/cpu.cfs_quota_us": "-1\n",
            "/sys/fs/cgroup/cpu/slurm/cpu.cfs_period_us": "100000\n",
            "/sys/fs/cgroup/cpuacct/slurm/job7/cpu.cfs_quota_us": "100000\n",
            "/sys/fs/cgroup/cpuacct/slurm/job7/cpu.cfs_period_us": "100000\n",
        ]
        #expect(Processors.cgroupCPUs(cgroup: cgroup, mountInfo: Self.v1Mounts, read: Self.reader(files)) == 2)
        // cpu and cpuacct mounted together, as most distributions do.
        let joint = "25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        let jointFiles = [
            "/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_quota_us": "350000\n",
            "/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_period_us": "100000\n",
        ]
        #expect(Processors.cgroupCPUs(cgroup: "3:cpu,cpuacct:/a\n", mountInfo: joint, read: Self.reader(jointFiles)) == 3)
        // No cpu line, or no cpu mount: no limit known.
        #expect(Processors.cgroupCPUs(cgroup: "4:memory:/slurm/job7\n", mountInfo: Self.v1Mounts, read: Self.reader(files)) == nil)
        #expect(Processors.cgroupCPUs(cgroup: cgroup, mountInfo: "", read: Self.reader(files)) == nil)
    }

    @Test("the same count as nproc, which reads the affinity mask too, or the cgroup's limit when smaller")
    func likeNproc() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let nproc = try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(min(nproc, Processors.cgroupLimit ?? nproc) == Processors.usable)
    }
}
