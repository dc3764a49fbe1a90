import ArgumentParser
import LesionBatch
import LesionIO
import LesionStudy

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a study on a Slurm cluster: one array task per shard, then a job that merges them into OUTPUT_DIR.",
        discussion: """
            Writes OUTPUT_DIR/slurm/array.sbatch (a job array: task T runs `lesiontrack run … \
            --shard T+1/N` into OUTPUT_DIR/slurm/shard-<T+1>-of-N with its own results database), \
            OUTPUT_DIR/slurm/merge.sbatch (checks that every shard completed, then `lesiontrack \
            merge` into OUTPUT_DIR with the review report) and OUTPUT_DIR/slurm/submit.sh (both \
            sbatch calls; the merge job depends on the array with afterany). Logs go to \
            OUTPUT_DIR/slurm/logs/shard_<array job>_<task>.log and merge_<job>.log. Shards whose \
            last run completed are left out of the array, so submitting again after a failure \
            runs only the others. The study and OUTPUT_DIR must be on a file system every node \
            sees. See docs/cluster.md.
            """
    )

    enum Level: String, ExpressibleByArgument, CaseIterable { case participant }

    @Argument(help: "The BIDS study folder (read only), on a shared file system.")
    var bidsDir: String

    @Argument(help: "The output folder, on a shared file system; created if missing.")
    var outputDir: String

    @Argument(help: "participant (the merge job writes the review report; `lesiontrack run … group` writes the cohort tables).")
    var level: Level

    @Option(help: "Shards, one array task each.")
    var shards: Int

    @Option(help: "Slurm partition of every job.")
    var partition: String?

    @Option(help: "Time limit of each task (sbatch --time: minutes, HH:MM:SS, D-HH:MM…).")
    var time: String?

    @Option(help: "Memory of each task in MiB (default: estimated from the study's scan headers and --cpus-per-task).")
    var mem: Int?

    @Option(help: "CPUs of each task: the participants each task processes at once (run --jobs).")
    var cpusPerTask: Int = 1

    @Option(help: "Slurm account charged.")
    var account: String?

    @Option(
        help:
            "A further sbatch option for both scripts, one #SBATCH line each (repeat for more), written with = as in --sbatch-arg=--qos=long."
    )
    var sbatchArg: [String] = []

    @Option(help: "The pipeline file (YAML) of the runs. Default: the built-in pipeline.")
    var pipeline: String?

    @OptionGroup var reviewOptions: ReviewOptions

    @Flag(
        help:
            "Run every shard, also those already done (after the study, pipeline or rules changed; unchanged participants are still skipped)."
    )
    var allShards = false

    @Flag(help: "Write the scripts and submit them with sbatch; prints the job IDs.")
    var submit = false

    @Flag(help: "Print the scripts; write and submit nothing.")
    var dryRun = false

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
        guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1") }
        if let mem, mem < 64 { throw ValidationError("--mem is in MiB and must be at least 64") }
        if submit && dryRun { throw ValidationError("--submit and --dry-run exclude each other") }
        for (name, value) in [("--partition", partition), ("--time", time), ("--account", account)]
            + sbatchArg.map({ ("--sbatch-arg", $0) })
        {
            if let value, let problem = SlurmSettings.sbatchValueProblem(value) { throw ValidationError("\(name) \(value) \(problem)") }
        }
        if let bad = sbatchArg.first(where: { !$0.hasPrefix("-") }) {
            throw ValidationError("--sbatch-arg takes an sbatch option, not \(bad)")
        }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let pipelineFile = try PipelineFile.load(pipeline)
            _ = try reviewOptions.loadRules()
            guard let executable = FileSystem.executablePath() else {
                throw ScanError("/proc/self/exe", "cannot tell where this lesiontrack program is", kind: .internal)
            }
            let study = SlurmSettings.absolutePath(bidsDir)
            let memoryMB: Int
            if let mem {
                memoryMB = mem
            } else {
                let largest = try TaskMemory.largestParticipantBytes(study: study, pipeline: pipelineFile.pipeline, reader: NIfTIReader())
                memoryMB = TaskMemory.requestMB(largestParticipantBytes: largest, jobs: cpusPerTask)
            }
            let settings = SlurmSettings(
                executable: executable, bidsDirectory: study, outputDirectory: SlurmSettings.absolutePath(outputDir), shards: shards,
                cpusPerTask: cpusPerTask, memoryMB: memoryMB, partition: partition, time: time, account: account,
                sbatchArguments: sbatchArg, pipeline: pipeline.map(SlurmSettings.absolutePath),
                rules: reviewOptions.rules.map(SlurmSettings.absolutePath))
            let submission = try SlurmSubmission(settings, allShards: allShards)
            if dryRun {
                for (n, script) in submission.scripts.enumerated() {
                    print((n == 0 ? "" : "\n") + "==> \(script.path) <==\n" + script.text, terminator: "")
                }
            } else if submit {
                let jobs = try submission.submit()
                if let array = jobs.array {
                    print("array job \(array) (--array=\(SlurmScripts.arrayList(submission.taskIDs)))")
                    print("merge job \(jobs.merge) (--dependency=afterany:\(array))")
                } else {
                    print("every shard completed: no array job")
                    print("merge job \(jobs.merge)")
                }
            } else {
                for path in try submission.write() { print(path) }
            }
        }
    }
}
