import Foundation
import LesionIO
import Testing
import TestSupport

/// `run` sizes its jobs by the CPUs it may run on: under `taskset -c 0` one job, as a Slurm task
/// bound to one CPU of a larger node would get; in a cgroup limited to one CPU's time, one job, as
/// in a container started with `--cpus 1`.
@Suite("lesiontrack run under a CPU binding or a CPU quota", .tags(.slow), .fullTierOnly)
struct AffinityRunTests {
    @Test("the default --jobs is the CPUs of the affinity mask: 1 under taskset -c 0, all of them without")
    func jobsFollowAffinity() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = [
            "run", study, folder + "/bound", "participant", "--pipeline", BatchSupport.pipeline, "--participant-label", "01",
            "--no-report", "--log-format", "json",
        ]
        let bound = try CommandRunner.run(["-c", "0", CommandRunner.binary] + arguments, program: "/usr/bin/taskset")
        #expect(bound.status == 0, "\(bound.stderr)")
        #expect(try BatchSupport.summary(bound.stdout)["jobs"] as? Int == 1)
        var free = arguments
        free[2] = folder + "/free"
        let unbound = try CommandRunner.run(free)
        #expect(unbound.status == 0, "\(unbound.stderr)")
        #expect(try BatchSupport.summary(unbound.stdout)["jobs"] as? Int == Processors.usable)
    }

    @Test(
        "the default --jobs follows a cgroup's CPU quota set on a parent of the process's cgroup: 1 for one CPU's time",
        .enabled(if: Processors.usable >= 2, "one CPU: the quota could not lower the count"),
        .enabled(if: QuotaCgroup.probe == nil, "\(QuotaCgroup.probe ?? "")"))
    func jobsFollowQuota() throws {
        let cgroup = try #require(try QuotaCgroup(cpus: 1))
        defer { cgroup.remove() }
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = [
            "run", study, folder + "/quota", "participant", "--pipeline", BatchSupport.pipeline, "--participant-label", "01",
            "--no-report", "--log-format", "json",
        ]
        // The shell moves itself into the job's cgroup, then becomes lesiontrack.
        let script = "echo $$ > \"$0\" && exec \"$@\""
        let limited = try CommandRunner.run(
            ["-c", script, cgroup.job + "/cgroup.procs", CommandRunner.binary] + arguments, program: "/bin/sh")
        #expect(limited.status == 0, "\(limited.stderr)")
        #expect(try BatchSupport.summary(of: limited)["jobs"] as? Int == 1)
    }
}

/// A cgroup with a CPU quota and a child cgroup without one, made beside this process's own CPU
/// cgroup (`Processors.cpuCgroups`): a process in the child is bound by its parent's quota.
struct QuotaCgroup {
    /// The cgroup with the quota.
    let parent: String
    /// Its child, where the process under test runs.
    let job: String

    /// Makes the two cgroups, the parent limited to `cpus` CPUs' time; nil, with `probe` saying
    /// why, when this machine does not let this process do so (not root, no writable CPU
    /// controller).
    init?(cpus: Int) throws {
        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        guard let cgroup = read("/proc/self/cgroup"), let mounts = read("/proc/self/mountinfo") else { return nil }
        for place in Processors.cpuCgroups(cgroup: cgroup, mountInfo: mounts) {
            let parent = place.path + "/lesiontrack-quota-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard mkdir(parent, 0o755) == 0 else { continue }
            let limit =
                place.version == 2
                ? [("cpu.max", "\(cpus * 100_000) 100000")]
                : [("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", "\(cpus * 100_000)")]
            let written = limit.allSatisfy { file, text in
                (try? text.write(toFile: parent + "/" + file, atomically: false, encoding: .utf8)) != nil
            }
            if written, mkdir(parent + "/job", 0o755) == 0 {
                self.parent = parent
                job = parent + "/job"
                return
            }
            rmdir(parent + "/job")
            rmdir(parent)
        }
        return nil
    }

    /// Removes both cgroups (the process in the job has exited).
    func remove() {
        rmdir(job)
        rmdir(parent)
    }

    /// Why no such cgroup can be made here, or nil when one can.
    static let probe: String? = {
        guard let made = try? QuotaCgroup(cpus: 1) else {
            return "no cgroup with a CPU quota can be made here (root and a writable cpu controller are needed)"
        }
        made.remove()
        return nil
    }()
}
