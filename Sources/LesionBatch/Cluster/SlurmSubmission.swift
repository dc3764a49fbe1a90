import LesionEngines
import LesionIO
import LesionStudy

/// `lesiontrack slurm`: the shards still to run, the scripts for them written into
/// `OUTPUT_DIR/slurm/`, and their submission.
///
/// A shard whose last run completed is not run again, so submitting a second time after a
/// failure runs only the shards that did not complete (each one resumes: participants already
/// committed in its folder are skipped), then the merge of all of them. After the study, the
/// pipeline or the rules changed, `allShards` runs every shard again (each still skips its
/// unchanged participants).
public struct SlurmSubmission: Sendable {
    public let settings: SlurmSettings
    /// Where each shard stands now.
    public let statuses: [ShardStatus]
    /// Every shard runs, done or not.
    public let allShards: Bool

    /// The shards of `settings` as they stand in its output folder; refused when the study is not
    /// one (as `run` would refuse it on every node) or is the output folder itself.
    public init(_ settings: SlurmSettings, allShards: Bool = false) throws(ScanError) {
        _ = try StudyFolder.participants(of: settings.bidsDirectory)
        guard settings.outputDirectory != settings.bidsDirectory else {
            throw ScanError(
                settings.outputDirectory, "is the study folder itself: give an output folder of its own (BIDS: derivatives/lesiontrack)",
                kind: .output)
        }
        self.settings = settings
        self.allShards = allShards
        statuses =
            FileSystem.kind(settings.slurmFolder) == .directory
            ? try ShardStatus.read(outputFolder: settings.outputDirectory, count: settings.shards)
            : (1...settings.shards).map {
                ShardStatus(shard: Shard("\($0)/\(settings.shards)")!, state: .notStarted, participants: 0, errors: [])
            }
    }

    /// The array task IDs (shard index − 1) of the shards that did not complete (all with `allShards`).
    public var taskIDs: [Int] { allShards ? Array(0..<settings.shards) : Self.taskIDs(statuses) }

    /// The array task IDs of the shards in `statuses` that are not done.
    public static func taskIDs(_ statuses: [ShardStatus]) -> [Int] {
        statuses.filter { $0.state != .done }.map { $0.shard.index - 1 }
    }

    /// The scripts, file path → text, in the order they are written.
    public var scripts: [(path: String, text: String)] {
        var scripts: [(String, String)] = []
        if !taskIDs.isEmpty {
            scripts.append((FileSystem.join(settings.slurmFolder, "array.sbatch"), SlurmScripts.array(settings, taskIDs: taskIDs)))
        }
        scripts.append((FileSystem.join(settings.slurmFolder, "merge.sbatch"), SlurmScripts.merge(settings)))
        scripts.append((FileSystem.join(settings.slurmFolder, "submit.sh"), SlurmScripts.submit(settings, taskIDs: taskIDs)))
        return scripts
    }

    /// Creates `slurm/`, its `logs/` and the shard folders, and writes the scripts atomically;
    /// returns their paths. An `array.sbatch` left from an earlier submission is removed when no
    /// shard is left to run.
    @discardableResult
    public func write() throws(ScanError) -> [String] {
        try FileSystem.makeDirectory(settings.outputDirectory)
        try FileSystem.makeDirectory(settings.slurmFolder)
        try FileSystem.makeDirectory(settings.logFolder)
        for index in 1...settings.shards { try FileSystem.makeDirectory(settings.shardFolder(index)) }
        if taskIDs.isEmpty { unlink(FileSystem.join(settings.slurmFolder, "array.sbatch")) }
        for script in scripts { try AtomicFile.write(Array(script.text.utf8), to: script.path) }
        return scripts.map(\.path)
    }

    /// The job IDs of a submission: the array's (nil when every shard had completed) and the merge job's.
    public struct JobIDs: Sendable, Equatable {
        public let array: String?
        public let merge: String
    }

    /// Writes the scripts and submits them with sbatch: the array, then the merge job after it
    /// (`afterany`). Refused while a shard is running, whose resubmission would collide with it.
    public func submit() throws(ScanError) -> JobIDs {
        if let running = statuses.first(where: { $0.state == .running }) {
            throw ScanError(
                settings.shardFolder(running.shard.index),
                "shard \(running.shard) is running: wait until it ends (lesiontrack status) or cancel it, then submit again")
        }
        try write()
        do {
            var array: String?
            if !taskIDs.isEmpty {
                array = try Slurm.submit(
                    FileSystem.join(settings.slurmFolder, "array.sbatch"), arguments: SlurmScripts.arraySubmission(settings))
            }
            let merge = try Slurm.submit(
                FileSystem.join(settings.slurmFolder, "merge.sbatch"), arguments: SlurmScripts.mergeSubmission(settings, after: array))
            return JobIDs(array: array, merge: merge)
        } catch {
            throw ScanError(error.program, error.problem + (error.remedy.map { " (\($0))" } ?? ""), kind: .internal)
        }
    }
}
