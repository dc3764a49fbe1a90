import LesionEngines
import Testing

@Suite("Slurm client commands: job IDs, job states, a missing installation")
struct SlurmTests {
    @Test("sbatch --parsable: the job ID with or without a cluster name; nothing else is one")
    func parsable() {
        #expect(Slurm.jobID(parsable: "42\n") == "42")
        #expect(Slurm.jobID(parsable: "1234;cluster-a\n") == "1234")
        #expect(Slurm.jobID(parsable: "sbatch: warning: something\n77\n") == "77")
        #expect(Slurm.jobID(parsable: "") == nil)
        #expect(Slurm.jobID(parsable: "Submitted batch job 42\n") == nil)
        #expect(Slurm.jobID(parsable: "４２\n") == nil)
    }

    @Test("scontrol show job -o: one record per task, pending tasks kept as one range")
    func scontrol() {
        // Slurm 22.05's records of an array of three tasks, one finished, one running, one pending
        // (fields cut for brevity; a job name with a space).
        let text = """
            JobId=1 ArrayJobId=1 ArrayTaskId=2 JobName=lesion shards UserId=root(0) JobState=PENDING Reason=Resources ExitCode=0:0 RunTime=00:00:00
            JobId=2 ArrayJobId=1 ArrayTaskId=0 JobName=t.sh UserId=root(0) JobState=RUNNING Reason=None ExitCode=0:0 RunTime=00:00:01
            JobId=3 ArrayJobId=1 ArrayTaskId=1 JobName=t.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0 RunTime=00:00:02
            JobId=9 JobName=merge UserId=root(0) JobState=CANCELLED Reason=None ExitCode=0:15

            """
        let states = Slurm.parseScontrol(text)
        #expect(
            states == [
                .init(jobID: "1", arrayJobID: "1", arrayTasks: "2", state: "PENDING", exitCode: "0:0"),
                .init(jobID: "2", arrayJobID: "1", arrayTasks: "0", state: "RUNNING", exitCode: "0:0"),
                .init(jobID: "3", arrayJobID: "1", arrayTasks: "1", state: "FAILED", exitCode: "1:0"),
                .init(jobID: "9", arrayJobID: nil, arrayTasks: nil, state: "CANCELLED", exitCode: "0:15"),
            ])
        #expect(states.map(\.isFinished) == [false, false, true, true])
    }

    @Test("sacct -P: array tasks split at the underscore, a state's suffix dropped")
    func sacct() {
        let states = Slurm.parseSacct("12_0|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n13|FAILED|1:0\n")
        #expect(
            states == [
                .init(jobID: "12_0", arrayJobID: "12", arrayTasks: "0", state: "COMPLETED", exitCode: "0:0"),
                .init(jobID: "12_1", arrayJobID: "12", arrayTasks: "1", state: "CANCELLED", exitCode: "0:15"),
                .init(jobID: "13", arrayJobID: nil, arrayTasks: nil, state: "FAILED", exitCode: "1:0"),
            ])
    }

    @Test("a client command missing from PATH is an error naming it, with what to install")
    func missing() {
        #expect(throws: EngineError("sbatch", "not found on PATH", remedy: Slurm.installHint)) {
            try Slurm.locate(.sbatch, path: "/nonexistent-lesiontrack-folder")
        }
        #expect(Slurm.installHint.contains("slurm-client"))
    }
}
