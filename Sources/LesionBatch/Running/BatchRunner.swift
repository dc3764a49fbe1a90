import LesionIO
import LesionScan
import LesionStudy

/// `lesiontrack run BIDS_DIR OUTPUT_DIR participant`: every selected participant processed
/// concurrently, each result committed to the results database as soon as it is done.
///
/// Up to `jobs` participants are in flight at once (Swift structured concurrency: one child
/// task each, in a task group); each job reserves its estimated peak memory from a budget of
/// `memoryBytes` before reading voxels (`MemoryBudget`), so wide runs over large scans wait
/// rather than exhaust memory. Results are committed by this coordinating task, one
/// transaction per participant, after the participant's files were written, so a run killed
/// at any moment loses only the participants in flight; the next run finds their keys missing
/// and processes them. A participant whose input key is stored already is skipped.
public enum BatchRunner {
    /// What a run is asked to do.
    public struct Options: Sendable {
        public var bidsDirectory: String
        public var outputDirectory: String
        public var pipeline: PipelineFile
        /// `sub-<id>` labels to process (all when nil).
        public var participantLabels: [String]?
        public var shard: Shard?
        public var jobs: Int
        public var memoryBytes: Int
        public var reader: NIfTIReader

        public init(
            bidsDirectory: String, outputDirectory: String, pipeline: PipelineFile, participantLabels: [String]?,
            shard: Shard?, jobs: Int, memoryBytes: Int, reader: NIfTIReader
        ) {
            self.bidsDirectory = bidsDirectory
            self.outputDirectory = outputDirectory
            self.pipeline = pipeline
            self.participantLabels = participantLabels
            self.shard = shard
            self.jobs = max(1, jobs)
            self.memoryBytes = memoryBytes
            self.reader = reader
        }
    }

    /// Runs the participant level. Errors of single inputs become error rows; what is thrown
    /// stops the run: a study that cannot be read, an output that cannot be written.
    public static func participant(
        _ options: Options, classifier: any PatientClassifying, progress: ProgressReporter
    ) async throws(ScanError) -> BatchSummary {
        let start = ContinuousClock.now
        _ = try StudyFolder.participants(of: options.bidsDirectory)
        let paths = try StudyPaths(root: options.bidsDirectory, output: options.outputDirectory)
        let lock = try RunLock(outputFolder: paths.output)
        defer { withExtendedLifetime(lock) {} }
        let participantsTable = try readParticipantsTable(paths)
        let selected = try select(paths, labels: options.participantLabels, shard: options.shard)

        let database = try ResultsDatabase(outputFolder: paths.output)
        try database.checkOutputPaths(in: paths.output)
        try database.markInterruptedRuns()
        var facts = ResultsDatabase.RunFacts(command: "run participant")
        // Resolved, so that a report written later from another folder finds the study.
        facts.bidsDirectory = paths.realRoot
        facts.pipelineFile = options.pipeline.path
        facts.pipelineSHA256 = options.pipeline.sha256
        facts.pipelineName = options.pipeline.pipeline.name
        facts.parametersJSON = PipelineParameters.json(options.pipeline.pipeline)
        facts.participantLabels = options.participantLabels
        facts.shard = options.shard?.description
        facts.jobs = options.jobs
        let runID = try database.beginRun(facts)
        let interruption = RunInterruption(database: database, runID: runID, mode: progress.mode)
        defer { interruption.remove() }
        try DerivativesFolder.prepare(paths)

        let known = try database.participants()
        let stale = known.filter { id in
            !selected.contains(id) && (options.participantLabels?.contains(id) ?? true) && (options.shard?.contains(id) ?? true)
        }
        for file in try database.remove(participants: stale) { try paths.removeOutput(file, database: database.path) }
        let keys = try database.storedKeys()

        var context = BatchContext(
            paths: paths, pipeline: options.pipeline, reader: options.reader, classifier: classifier,
            participants: participantsTable, budget: MemoryBudget(capacityBytes: options.memoryBytes))
        context.registration = .sharing(jobs: options.jobs, transformsFolder: paths.output)
        var summary = BatchSummary(selected: selected.count, jobs: options.jobs, databasePath: database.path)
        summary.removed = stale.count
        progress.started(participants: selected.count, jobs: options.jobs)

        var stop: ScanError?
        await withTaskGroup(of: PatientJob.Result.self) { group in
            var next = 0
            func launch() {
                let job = PatientJob(participantID: selected[next], context: context, storedKey: keys[selected[next]])
                next += 1
                group.addTask { await job.run() }
            }
            while next < selected.count && next < options.jobs { launch() }
            while let result = await group.next() {
                switch result {
                case .unchanged(let id):
                    summary.unchanged += 1
                    progress.unchanged(id)
                case .processed(let outcome):
                    let committing = ContinuousClock.now
                    do throws(ScanError) {
                        for file in try database.commit(outcome, runID: runID) {
                            try paths.removeOutput(file, database: database.path)
                        }
                    } catch {
                        stop = stop ?? error
                    }
                    summary.add(outcome)
                    summary.stageSeconds.database += seconds(since: committing)
                    progress.processed(outcome)
                case .stopped(let error):
                    stop = stop ?? error
                }
                if stop == nil && next < selected.count { launch() }
            }
        }
        summary.seconds = seconds(since: start)
        summary.standingErrors = try database.errors(of: selected)
        summary.failedParticipants = try database.failedParticipants(among: selected)
        try database.finishRun(
            runID, status: stop == nil ? "completed" : "stopped", processed: summary.processed,
            unchanged: summary.unchanged, scansRead: summary.scansRead, errors: summary.standingErrors.count)
        if let stop { throw stop }
        progress.finished(summary)
        return summary
    }

    /// The study's `participants.tsv`, when present; refused when it lies outside the study.
    static func readParticipantsTable(_ paths: StudyPaths) throws(ScanError) -> BIDSTable? {
        let path = FileSystem.join(paths.root, "participants.tsv")
        guard FileSystem.kind(path) != .missing else { return nil }
        if let why = paths.refusal(path) { throw ScanError(path, why) }
        return try BIDSTable.read(path)
    }

    /// The study's participants (`sub-<id>` folders) in natural order, narrowed to the labels and
    /// the shard asked for. A label with no folder is refused.
    static func select(_ paths: StudyPaths, labels: [String]?, shard: Shard?) throws(ScanError) -> [String] {
        let all = try FileSystem.list(paths.root).filter {
            $0.hasPrefix("sub-") && FileSystem.kind(FileSystem.join(paths.root, $0)) == .directory
        }.sorted(by: NaturalOrder.precedes)
        var chosen = all
        if let labels {
            let present = Set(all)
            if let missing = labels.first(where: { !present.contains($0) }) {
                throw ScanError(FileSystem.join(paths.root, missing), "no such participant folder in the study")
            }
            let wanted = Set(labels)
            chosen = chosen.filter { wanted.contains($0) }
        }
        if let shard { chosen = chosen.filter(shard.contains) }
        return chosen
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(between: start, and: ContinuousClock.now)
    }

    static func seconds(between start: ContinuousClock.Instant, and end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
