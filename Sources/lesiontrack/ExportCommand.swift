import ArgumentParser
import LesionBatch
import LesionIO

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the cohort tables from a results database: lesions per visit, visits, participants, review windows.",
        discussion: """
            csv and tsv write cohort_lesions, cohort_visits, cohort_patients and cohort_windows with a \
            JSON sidecar each (cohort_<table>.json); json writes one cohort.json. Files go into \
            OUTPUT_DIR unless --to names another folder.
            """
    )

    @Argument(help: "An output folder of `lesiontrack run` (holding lesiontrack.sqlite).")
    var outputDir: String

    @Option(help: "csv, tsv or json.")
    var format: CohortExport.Format

    @Option(name: .customLong("to"), help: "Write the tables into this folder (default: OUTPUT_DIR).")
    var destination: String?

    @Option(parsing: .upToNextOption, help: "Only these participants (default: all).")
    var participantLabel: [String] = []

    func validate() throws {
        try ParticipantLabels.validate(participantLabel)
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let database = try ResultsDatabase(outputFolder: outputDir, create: false)
            let labels = ParticipantLabels.selection(participantLabel)
            for file in try CohortExport(database).write(into: destination ?? outputDir, format: format, participants: labels) {
                print(file)
            }
        }
    }
}

extension CohortExport.Format: ExpressibleByArgument {}
