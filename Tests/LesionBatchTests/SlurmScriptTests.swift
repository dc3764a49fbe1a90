import Foundation
import LesionBatch
import Testing
import TestSupport

@Suite("Slurm scripts: exact text, bash quoting, the array of shards left to run")
struct SlurmScriptTests {
    /// Paths with a space and a single quote, as on a user's share.
    static let settings = SlurmSettings(
        executable: "/opt/lesion track/bin/lesiontrack", bidsDirectory: "/data/it's a study", outputDirectory: "/scratch/out dir",
        shards: 3, cpusPerTask: 2, memoryMB: 1024, partition: "debug", time: "01:00:00", account: "lab",
        sbatchArguments: ["--qos=long"], pipeline: "/data/pipelines/default.yaml")

    @Test("array.sbatch for three shards, every option given")
    func arrayScript() {
        let expected = #"""
            #!/bin/bash
            # lesiontrack: array task T runs shard T+1 of 3 into slurm/shard-<T+1>-of-3/, with its own results database.
            #SBATCH --job-name=lesiontrack-shards
            #SBATCH --array=0-2
            #SBATCH --cpus-per-task=2
            #SBATCH --mem=1024
            #SBATCH --partition=debug
            #SBATCH --time=01:00:00
            #SBATCH --account=lab
            #SBATCH --qos=long
            set -euo pipefail
            shard=$((SLURM_ARRAY_TASK_ID + 1))
            exec '/opt/lesion track/bin/lesiontrack' run '/data/it'\''s a study' '/scratch/out dir/slurm/shard-'"$shard"-of-3 participant --shard "$shard/3" --jobs 2 --memory-mb 512 --no-report --pipeline /data/pipelines/default.yaml

            """#
        #expect(SlurmScripts.array(Self.settings, taskIDs: [0, 1, 2]) == expected)
    }

    @Test("merge.sbatch: the check naming failed shards, then the merge of all three")
    func mergeScript() {
        let expected = #"""
            #!/bin/bash
            # lesiontrack: once every array task has ended, check that each of the 3 shards completed, then merge them into the output folder with the review report.
            #SBATCH --job-name=lesiontrack-merge
            #SBATCH --cpus-per-task=1
            #SBATCH --mem=1024
            #SBATCH --partition=debug
            #SBATCH --time=01:00:00
            #SBATCH --account=lab
            #SBATCH --qos=long
            set -euo pipefail
            '/opt/lesion track/bin/lesiontrack' status '/scratch/out dir' --shards 3 --require-done
            exec '/opt/lesion track/bin/lesiontrack' merge '/scratch/out dir/slurm/shard-1-of-3' '/scratch/out dir/slurm/shard-2-of-3' '/scratch/out dir/slurm/shard-3-of-3' --into '/scratch/out dir'

            """#
        #expect(SlurmScripts.merge(Self.settings) == expected)
    }

    @Test("submit.sh: the array, then the merge job after any end of it")
    func submitScript() {
        let expected = #"""
            #!/bin/bash
            # lesiontrack: submits the shard array, then the merge job once every task has ended.
            set -euo pipefail
            array=$(sbatch --parsable '--output=/scratch/out dir/slurm/logs/shard_%A_%a.log' '--chdir=/scratch/out dir' '/scratch/out dir/slurm/array.sbatch')
            array=${array%%;*}
            merge=$(sbatch --parsable --dependency=afterany:"$array" '--output=/scratch/out dir/slurm/logs/merge_%j.log' '--chdir=/scratch/out dir' '/scratch/out dir/slurm/merge.sbatch')
            echo "array job $array, merge job ${merge%%;*}"

            """#
        #expect(SlurmScripts.submit(Self.settings, taskIDs: [1]) == expected)
        #expect(!SlurmScripts.submit(Self.settings, taskIDs: []).contains("array.sbatch"))
    }

    @Test("bash reads every quoted word back as the original text")
    func quoting() throws {
        let words = ["plain/path-1.yaml", "a b", "it's", "''", "$HOME `id` \\ \"x\" !", "tab\there", "line\nbreak", "~user", "*", ""]
        for word in words {
            let result = try Self.bash("printf '%s' " + SlurmScripts.quote(word))
            #expect(result == word, "\(word)")
        }
        #expect(SlurmScripts.quote("/data/study_1,2:3=4%5@6+7") == "/data/study_1,2:3=4%5@6+7")
        #expect(SlurmScripts.quote("it's") == #"'it'\''s'"#)
    }

    @Test("the array script runs the program with the shard's exact arguments for a task")
    func arrayArguments() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/it's a folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // The program stands in for lesiontrack and prints its arguments, one per line.
        let program = folder + "/print args"
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(toFile: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        var settings = Self.settings
        settings.executable = program
        settings.rules = folder + "/rules.yaml"
        let script = folder + "/array.sbatch"
        try SlurmScripts.array(settings, taskIDs: [1]).write(toFile: script, atomically: true, encoding: .utf8)
        let printed = try Self.bash("SLURM_ARRAY_TASK_ID=1 bash " + SlurmScripts.quote(script))
        #expect(
            printed.split(separator: "\n").map(String.init) == [
                "run", "/data/it's a study", "/scratch/out dir/slurm/shard-2-of-3", "participant", "--shard", "2/3", "--jobs", "2",
                "--memory-mb", "512", "--no-report", "--pipeline", "/data/pipelines/default.yaml", "--rules", folder + "/rules.yaml",
            ])
    }

    @Test("array task lists: ranges of consecutive IDs, sorted, each once")
    func arrayLists() {
        #expect(SlurmScripts.arrayList([0, 1, 2, 3]) == "0-3")
        #expect(SlurmScripts.arrayList([1, 3]) == "1,3")
        #expect(SlurmScripts.arrayList([5, 0, 2, 1, 1]) == "0-2,5")
        #expect(SlurmScripts.arrayList([7]) == "7")
        #expect(SlurmScripts.arrayList([]) == "")
    }

    @Test("a resubmission's array holds only the shards that are not done")
    func resubmission() {
        func status(_ index: Int, _ state: ShardStatus.State) -> ShardStatus {
            ShardStatus(shard: Shard("\(index)/4")!, state: state, participants: 0, errors: [])
        }
        let statuses = [status(1, .done), status(2, .failed), status(3, .done), status(4, .notStarted)]
        #expect(SlurmSubmission.taskIDs(statuses) == [1, 3])
        #expect(SlurmScripts.array(Self.settings, taskIDs: SlurmSubmission.taskIDs(statuses)).contains("\n#SBATCH --array=1,3\n"))
        #expect(SlurmSubmission.taskIDs(statuses.map { status($0.shard.index, .done) }).isEmpty)
    }

    @Test("memory per task: the largest participant's peak times the CPUs, plus the program's share")
    func memory() {
        #expect(TaskMemory.requestMB(largestParticipantBytes: 0, jobs: 1) == 512)
        #expect(TaskMemory.requestMB(largestParticipantBytes: 100 << 20, jobs: 2) == 768)
        #expect(TaskMemory.requestMB(largestParticipantBytes: (100 << 20) + 1, jobs: 1) == 640)
        #expect(TaskMemory.budgetMB(requestMB: 2048) == 1536)
        // docs/cluster.md: a 256×256×170 float32 study, four participants at once.
        let voxels = 256 * 256 * 170
        #expect(TaskMemory.requestMB(largestParticipantBytes: voxels * 80 + 2 * voxels * 4, jobs: 4) == 4288)
    }

    static func bash(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
