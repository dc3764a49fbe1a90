import ArgumentParser
import LesionBatch
import LesionIO

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the output folders of shard runs into one, as a single run would have written it.",
        discussion: """
            Each participant's results, error rows and output files are copied into the --into \
            folder (created if missing; results already there are kept). A participant found in two \
            folders with different input keys (other inputs, pipeline or version) is refused before \
            anything is written. The review report of the merged folder is then written for \
            every participant (as `lesiontrack report` would) unless --no-report.
            """
    )

    @Argument(help: "Output folders of `lesiontrack run … participant`.")
    var sources: [String]

    @Option(help: "The merged output folder.")
    var into: String

    @Flag(help: "Do not write the review report of the merged folder.")
    var noReport = false

    @Flag(help: "Print no progress of the report on standard error.")
    var quiet = false

    func validate() throws {
        guard !sources.isEmpty else { throw ValidationError("name at least one output folder to merge") }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let copied = try ResultsMerger.merge(sources, into: into)
            print("lesiontrack merge: \(copied) participant\(copied == 1 ? "" : "s") copied into \(into)")
            // Pages are not copied: each shard's index lists only its own participants.
            if !noReport {
                let progress = ProgressReporter(mode: quiet ? .quiet : ProgressReporter.textMode(), verbose: false)
                try ReportWriter.refresh(outputFolder: into, changed: copied > 0, progress: progress)
            }
        }
    }
}
