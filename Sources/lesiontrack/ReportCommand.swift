import ArgumentParser
import LesionBatch
import LesionIO

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the review report from a results database: a page per participant and a cohort index.",
        discussion: """
            Writes OUTPUT_DIR/report/index.html (participants by urgency, with links), \
            OUTPUT_DIR/report/sub-<id>.html per participant and its lesion mosaics in \
            OUTPUT_DIR/report/sub-<id>/. Plain HTML and PNG: no script, no network. The index \
            always lists every participant in the database.
            """
    )

    @Argument(help: "An output folder of `lesiontrack run` (holding lesiontrack.sqlite).")
    var outputDir: String

    @Option(parsing: .upToNextOption, help: "Only these participants' pages (default: all).")
    var participantLabel: [String] = []

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        try ParticipantLabels.validate(participantLabel)
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let database = try ResultsDatabase(outputFolder: outputDir, create: false)
            let labels = ParticipantLabels.selection(participantLabel)
            let progress = ProgressReporter(mode: quiet ? .quiet : ProgressReporter.textMode(), verbose: false)
            for file in try ReportWriter(database: database, outputFolder: outputDir).write(participants: labels, progress: progress) {
                print(file)
            }
        }
    }
}
