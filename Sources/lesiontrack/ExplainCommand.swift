import ArgumentParser
import LesionIO
import LesionStudy

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print the review's full reasoning for each follow-up visit of a patient.",
        discussion: """
            Runs what `patient DIR` runs and prints, for the patient and each follow-up visit, the \
            class and why: the scores, every rule that fired with the values it read, its \
            thresholds and source, the rules that missing data left open, the missing data and \
            every feature's value. Decision support, not a diagnosis.
            """
    )

    @Argument(help: "The study root with one participant, or the sub-<id> folder.")
    var directory: String

    @Option(help: "The pipeline file (YAML). Default: the built-in pipeline (lesiontrack pipeline show).")
    var pipeline: String?

    @OptionGroup var review: ReviewOptions

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    func validate() throws {
        guard maxScanMb > 0 else { throw ValidationError("--max-scan-mb must be positive") }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let pipelineFile = try PipelineFile.load(pipeline)
            let rules = try review.loadRules()
            let (run, patientReview) = try PatientReview.patient(
                directory, pipeline: pipelineFile, rules: rules, reader: NIfTIReader(maximumVolumeBytes: maxScanMb << 20))
            try TextOutput.standardOutput { (out: TextOutput) throws(ScanError) in
                try out.write(ReviewReport(run: run, review: patientReview).explanation)
            }
        }
    }
}
