import Foundation
import LesionIO
import Testing
import TestSupport

/// The CPUs the process may run on, which sizes `--jobs`, elastix's threads and the resampling.
@Suite("The CPUs this process may run on: the affinity mask")
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

    @Test("the same count as nproc, which reads the affinity mask too")
    func likeNproc() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) == Processors.usable)
    }
}
