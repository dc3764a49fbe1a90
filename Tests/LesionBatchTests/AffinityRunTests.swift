import Foundation
import LesionIO
import Testing
import TestSupport

/// `run` sizes its jobs by the CPUs it may run on: under `taskset -c 0` one job, as a Slurm task
/// bound to one CPU of a larger node would get.
@Suite("lesiontrack run under a CPU binding", .tags(.slow), .fullTierOnly)
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
}
