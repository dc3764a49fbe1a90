import ArgumentParser
import LesionBatch
import LesionIO

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Where the shards of a cluster run stand: done, running, failed or not started, with their error rows.",
        discussion: """
            Reads OUTPUT_DIR/slurm/shard-I-of-N/ (written by `lesiontrack slurm`), not the \
            scheduler. Prints two tab-separated tables with a header row each, separated by an empty \
            line: shard, state, participants, errors; then shard, participant_id, session_id, stage, \
            file, message for every error row. A shard is done when its last run completed (with \
            error rows or not), running while a process holds its folder's lock, failed when its \
            run began but did not complete, not started without a database.
            """
    )

    @Argument(help: "The output folder given to `lesiontrack slurm`.")
    var outputDir: String

    @Option(help: "N of the shard folders (default: the one N found in OUTPUT_DIR/slurm).")
    var shards: Int?

    @Flag(help: "Exit with status 1, naming them on standard error, when some shards are not done.")
    var requireDone = false

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        var notDone: [ShardStatus] = []
        try reportingErrors { () throws(ScanError) in
            var count = shards ?? 0
            if shards == nil { count = try ShardStatus.shardCount(outputFolder: outputDir) }
            let statuses = try ShardStatus.read(outputFolder: outputDir, count: count)
            var lines = ["shard\tstate\tparticipants\terrors"]
            lines += statuses.map { "\($0.shard)\t\($0.state.rawValue)\t\($0.participants)\t\($0.errors.count)" }
            lines += ["", "shard\tparticipant_id\tsession_id\tstage\tfile\tmessage"]
            for status in statuses {
                for error in status.errors {
                    let fields = [
                        status.shard.description, error.participantID, error.sessionID ?? "n/a", error.stage.rawValue, error.file,
                        error.message,
                    ]
                    lines.append(fields.map(Self.cell).joined(separator: "\t"))
                }
            }
            print(lines.joined(separator: "\n"))
            notDone = statuses.filter { $0.state != .done }
        }
        if requireDone && !notDone.isEmpty {
            let names = notDone.map { "\($0.shard) (\($0.state.rawValue))" }.joined(separator: ", ")
            printError(
                "\(outputDir): shard\(notDone.count == 1 ? "" : "s") \(names) did not complete: submit again (lesiontrack slurm … --submit) to run only \(notDone.count == 1 ? "that one" : "those")"
            )
            throw ExitCode(ExitStatus.batchFailures)
        }
    }

    /// A table cell on one line: tabs and line breaks become spaces.
    static func cell(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }
}
