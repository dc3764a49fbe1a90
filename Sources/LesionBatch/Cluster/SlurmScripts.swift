/// The text of the batch scripts `lesiontrack slurm` writes into `OUTPUT_DIR/slurm/`.
///
/// - `array.sbatch`: a job array, one task per shard still to run; task T runs shard T + 1 of N
///   into its own folder `slurm/shard-<T+1>-of-N` with its own results database (one SQLite file
///   is never written from several nodes), and `exec`s `lesiontrack run`, so the run's exit status
///   is the task's (1 for a run that finished with error rows, which Slurm shows as FAILED).
/// - `merge.sbatch`: `lesiontrack status --require-done` (which names every shard that did not
///   complete and fails the job), then `lesiontrack merge` of every shard into OUTPUT_DIR with its
///   review report. It is submitted with `--dependency=afterany:<array job>`: a shard whose run
///   finished with error rows exits 1, and its results belong in the merge all the same.
/// - `submit.sh`: the two sbatch calls, for submitting by hand.
///
/// Every path is absolute and quoted for bash (``quote(_:)``); log paths and the working folder
/// are sbatch arguments, never `#SBATCH` lines, which sbatch splits at white space.
public enum SlurmScripts {
    /// `OUTPUT_DIR/slurm/array.sbatch`'s text for the array tasks `taskIDs` (0-based).
    public static func array(_ settings: SlurmSettings, taskIDs: [Int]) -> String {
        let n = settings.shards
        var lines = [
            "#!/bin/bash",
            "# lesiontrack: array task T runs shard T+1 of \(n) into slurm/shard-<T+1>-of-\(n)/, with its own results database.",
            "#SBATCH --job-name=lesiontrack-shards",
            "#SBATCH --array=\(arrayList(taskIDs))",
        ]
        lines += resourceLines(settings, cpus: settings.cpusPerTask)
        lines += [
            "set -euo pipefail",
            "shard=$((SLURM_ARRAY_TASK_ID + 1))",
        ]
        let folder = quote(settings.slurmFolder + "/shard-") + "\"$shard\"" + quote("-of-\(n)")
        var run = [
            quote(settings.executable), "run", quote(settings.bidsDirectory), folder, "participant", "--shard", "\"$shard/\(n)\"",
            "--jobs", String(settings.cpusPerTask), "--memory-mb", String(TaskMemory.budgetMB(requestMB: settings.memoryMB)),
            "--no-report",
        ]
        if let pipeline = settings.pipeline { run += ["--pipeline", quote(pipeline)] }
        if let rules = settings.rules { run += ["--rules", quote(rules)] }
        lines.append("exec " + run.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `OUTPUT_DIR/slurm/merge.sbatch`'s text.
    public static func merge(_ settings: SlurmSettings) -> String {
        var lines = [
            "#!/bin/bash",
            "# lesiontrack: once every array task has ended, check that each of the \(settings.shards) shards completed, then merge them into the output folder with the review report.",
            "#SBATCH --job-name=lesiontrack-merge",
        ]
        lines += resourceLines(settings, cpus: 1)
        lines += [
            "set -euo pipefail",
            [quote(settings.executable), "status", quote(settings.outputDirectory), "--shards", String(settings.shards), "--require-done"]
                .joined(separator: " "),
        ]
        let sources = (1...settings.shards).map { quote(settings.shardFolder($0)) }
        lines.append(
            "exec "
                + ([quote(settings.executable), "merge"] + sources + ["--into", quote(settings.outputDirectory)]).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `OUTPUT_DIR/slurm/submit.sh`'s text: the array (when `taskIDs` is not empty) and the merge
    /// job after it.
    public static func submit(_ settings: SlurmSettings, taskIDs: [Int]) -> String {
        var lines = [
            "#!/bin/bash",
            "# lesiontrack: submits the shard array, then the merge job once every task has ended.",
            "set -euo pipefail",
        ]
        if taskIDs.isEmpty {
            lines.append("# Every shard completed: only the merge job is left.")
            lines.append("merge=$(" + command(arrayArguments: nil, settings).joined(separator: " ") + ")")
            lines.append("echo \"merge job ${merge%%;*}\"")
        } else {
            lines.append("array=$(" + command(arrayArguments: [], settings).joined(separator: " ") + ")")
            lines.append("array=${array%%;*}")
            lines.append("merge=$(" + command(arrayArguments: nil, settings, after: "$array").joined(separator: " ") + ")")
            lines.append("echo \"array job $array, merge job ${merge%%;*}\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sbatch arguments (before the script) of the array job.
    public static func arraySubmission(_ settings: SlurmSettings) -> [String] {
        ["--output=" + settings.logFolder + "/shard_%A_%a.log", "--chdir=" + settings.outputDirectory]
    }

    /// The sbatch arguments (before the script) of the merge job, after array job `arrayJobID` when
    /// there is one.
    public static func mergeSubmission(_ settings: SlurmSettings, after arrayJobID: String?) -> [String] {
        (arrayJobID.map { ["--dependency=afterany:" + $0] } ?? [])
            + ["--output=" + settings.logFolder + "/merge_%j.log", "--chdir=" + settings.outputDirectory]
    }

    /// `sbatch --parsable …` of one script, quoted for bash; `arrayArguments` nil means the merge job.
    private static func command(arrayArguments: [String]?, _ settings: SlurmSettings, after: String? = nil) -> [String] {
        let arguments: [String]
        let script: String
        if arrayArguments != nil {
            arguments = arraySubmission(settings).map(quote)
            script = settings.slurmFolder + "/array.sbatch"
        } else {
            // The dependency holds a shell variable: quoted apart from the paths.
            arguments = (after.map { ["--dependency=afterany:\"\($0)\""] } ?? []) + mergeSubmission(settings, after: nil).map(quote)
            script = settings.slurmFolder + "/merge.sbatch"
        }
        return ["sbatch", "--parsable"] + arguments + [quote(script)]
    }

    private static func resourceLines(_ settings: SlurmSettings, cpus: Int) -> [String] {
        var lines = ["#SBATCH --cpus-per-task=\(cpus)", "#SBATCH --mem=\(settings.memoryMB)"]
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = settings.time { lines.append("#SBATCH --time=\(time)") }
        if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
        lines += settings.sbatchArguments.map { "#SBATCH \($0)" }
        return lines
    }

    /// `text` as one bash word: itself when it holds only characters bash leaves alone, else in
    /// single quotes, each `'` written `'\''`.
    public static func quote(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "/._-+,:=%@".unicodeScalars.contains(scalar))
            }
        if plain { return text }
        var quoted = "'"
        for character in text { quoted += character == "'" ? "'\\''" : String(character) }
        return quoted + "'"
    }

    /// Array task IDs as sbatch's `--array` takes them: sorted, runs of consecutive IDs as ranges
    /// (`0-3`, `1,3`, `0-2,5`).
    public static func arrayList(_ taskIDs: [Int]) -> String {
        var parts: [String] = []
        var ids = Array(Set(taskIDs)).sorted()[...]
        while let first = ids.first {
            var last = first
            ids = ids.dropFirst()
            while ids.first == last + 1 {
                last += 1
                ids = ids.dropFirst()
            }
            parts.append(first == last ? "\(first)" : "\(first)-\(last)")
        }
        return parts.joined(separator: ",")
    }
}
