import ArgumentParser
import LesionBatch
import LesionIO
import LesionStudy

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process a BIDS study (BIDS-App convention): every participant's sessions, or the cohort tables.",
        discussion: """
            participant: each selected participant's sessions are labelled and compared, their \
            label maps and reports written under OUTPUT_DIR/sub-<id>/ and their results committed \
            to OUTPUT_DIR/lesiontrack.sqlite. Participants whose inputs and pipeline are unchanged \
            since their stored result are skipped; a broken scan becomes an error row and the run \
            goes on without its session. The review report (OUTPUT_DIR/report: `lesiontrack \
            report`) is then written for the selected participants unless --no-report. group: the cohort tables (TSV) are written into OUTPUT_DIR \
            from the database. Exit status 1 when error rows stand for the selected participants.
            """
    )

    enum Level: String, ExpressibleByArgument, CaseIterable { case participant, group }
    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The BIDS study folder (read only).")
    var bidsDir: String

    @Argument(help: "The output folder (BIDS derivatives), created if missing.")
    var outputDir: String

    @Argument(help: "participant or group.")
    var level: Level

    @Option(parsing: .upToNextOption, help: "Participants to process, with or without the sub- prefix (default: all).")
    var participantLabel: [String] = []

    @Option(help: "The pipeline file (YAML). Default: the built-in pipeline (lesiontrack pipeline show).")
    var pipeline: String?

    @OptionGroup var reviewOptions: ReviewOptions

    @Option(
        help:
            "Participants processed at once (default: the CPUs this process may run on: its affinity mask, as nproc counts them, within its cgroup's CPU quota)."
    )
    var jobs: Int?

    @Option(help: "Process only shard I of N (1 ≤ I ≤ N) of the participants, by a hash of each label.")
    var shard: String?

    @Option(help: "Memory the jobs may reserve for volumes, in MiB (default: half the physical memory).")
    var memoryMb: Int?

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    @Flag(help: "Do not write the review report (OUTPUT_DIR/report) after a participant run.")
    var noReport = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Also report unchanged participants.")
    var verbose = false

    @Option(help: "Progress and summary as text or json (one object per line).")
    var logFormat: LogFormat = .text

    func validate() throws {
        guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard maxScanMb > 0 else { throw ValidationError("--max-scan-mb must be positive") }
        if let memoryMb, memoryMb <= 0 { throw ValidationError("--memory-mb must be positive") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N, not \(shard)") }
        try ParticipantLabels.validate(participantLabel)
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    func run() async throws {
        let labels = ParticipantLabels.selection(participantLabel)
        switch level {
        case .group:
            try reportingErrors { () throws(ScanError) in
                let database = try ResultsDatabase(outputFolder: outputDir, create: false)
                let files = try CohortExport(database).write(into: outputDir, format: .tsv, participants: labels)
                if !quiet { for file in files { print(file) } }
            }
        case .participant:
            var summary: BatchSummary?
            do throws(ScanError) {
                let pipelineFile = try PipelineFile.load(pipeline)
                let options = BatchRunner.Options(
                    bidsDirectory: bidsDir, outputDirectory: outputDir, pipeline: pipelineFile, participantLabels: labels,
                    shard: shard.flatMap(Shard.init), jobs: jobs ?? LabelCommand.cores,
                    memoryBytes: (memoryMb ?? Self.halfPhysicalMemoryMB) << 20,
                    reader: NIfTIReader(maximumVolumeBytes: maxScanMb << 20))
                let mode: ProgressReporter.Mode = quiet ? .quiet : logFormat == .json ? .json : ProgressReporter.textMode()
                let classifier = ReviewClassifier(rules: try reviewOptions.loadRules(), reader: options.reader)
                let progress = ProgressReporter(mode: mode, verbose: verbose)
                summary = try await BatchRunner.participant(options, classifier: classifier, progress: progress)
                if !noReport {
                    try ReportWriter.refresh(
                        outputFolder: outputDir, changed: (summary?.processed ?? 0) > 0, participants: labels, progress: progress)
                }
            } catch {
                try reportingErrors { () throws(ScanError) in throw error }
            }
            if let summary, !summary.standingErrors.isEmpty { throw ExitCode(ExitStatus.batchFailures) }
        }
    }

    static var halfPhysicalMemoryMB: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return max(256, (pages * size / 2) >> 20)
    }
}
