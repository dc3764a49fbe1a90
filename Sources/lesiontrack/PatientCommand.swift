import ArgumentParser
import LesionIO
import LesionStudy

struct PatientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract: "Follow one patient's lesions across all sessions of a BIDS folder, and review them.",
        discussion: """
            DIR is the study root holding one sub-<id> folder, or the sub-<id> folder itself. \
            Sessions are ordered by acq_time in sub-<id>_sessions.tsv when present, else by label. \
            Each session's T2 (and Gd) lesions are found by the pipeline file's patterns, placed \
            on the baseline's grid, and compared with the session before: new, enlarging, stable, \
            shrinking, merged, split, resolved. The ledger keeps each lesion's ID across visits. \
            The review (rules file) classifies each follow-up visit and the patient: \
            no_new_activity, reactivation, rebound, suspected_pml_iris or indeterminate, with the \
            reasons in the JSON (key review); --summary prints a short summary on standard error. \
            Decision support, not a diagnosis.
            """
    )

    @Argument(help: "The study root with one participant, or the sub-<id> folder.")
    var directory: String

    @OptionGroup var output: LongitudinalOutputOptions

    @OptionGroup var review: ReviewOptions

    @Flag(help: "Print a short summary of the review on standard error (standard output keeps the JSON or TSV).")
    var summary = false

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let pipeline = try output.loadPipeline()
            let rules = try review.loadRules()
            let (run, patientReview) = try PatientReview.patient(directory, pipeline: pipeline, rules: rules, reader: output.reader)
            let report = LongitudinalReport(run, review: patientReview)
            try output.emit(report, prefix: (run.participantID ?? "patient") + "_")
            if summary, let text = report.review?.summary { printStandardError(text) }
        }
    }
}
