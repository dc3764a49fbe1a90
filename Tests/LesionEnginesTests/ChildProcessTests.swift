import LesionEngines
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    @Test("captures both streams and the exit status, and passes extra environment variables")
    func captures() throws {
        let outcome = try ChildProcess.run(
            ["sh", "-c", "echo out-$LESIONTRACK_PROBE; echo err >&2; exit 3"], standardOutput: .capture,
            standardError: .capture, environment: ["LESIONTRACK_PROBE": "7"])
        #expect(outcome.status == 3)
        #expect(outcome.standardOutput == "out-7\n")
        #expect(outcome.standardError == "err\n")
        #expect(outcome.peakKiB > 0)
    }

    @Test("a signal is reported as 128 + its number")
    func signalled() throws {
        let outcome = try ChildProcess.run(["sh", "-c", "kill -TERM $$"])
        #expect(outcome.status == 128 + 15)
    }

    @Test("a program that is not installed is an error naming it")
    func missing() {
        #expect(throws: EngineError("lesiontrack-no-such-engine", "not found on PATH")) {
            try ChildProcess.run(["lesiontrack-no-such-engine"])
        }
        #expect(ChildProcess.locate("sh") != nil)
        #expect(ChildProcess.locate("lesiontrack-no-such-engine") == nil)
    }
}
