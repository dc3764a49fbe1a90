import ArgumentParser
import LesionIO
import LesionStudy

struct PatientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract: "Follow one patient's lesions across all sessions of a BIDS folder.",
        discussion: """
            DIR is the study root holding one sub-<id> folder, or the sub-<id> folder itself. \
            Sessions are ordered by acq_time in sub-<id>_sessions.tsv when present, else by label. \
            Each session's T2 (and Gd) lesions are found by the pipeline file's patterns, placed \
            on the baseline's grid, and compared with the session before: new, enlarging, stable, \
            shrinking, merged, split, resolved. The ledger keeps each lesion's ID across visits.
            """
    )

    @Argument(help: "The study root with one participant, or the sub-<id> folder.")
    var directory: String

    @OptionGroup var output: LongitudinalOutputOptions

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let pipeline = try output.loadPipeline()
            let run = try LongitudinalRun.patient(directory, pipeline: pipeline, reader: output.reader)
            try output.emit(LongitudinalReport(run), prefix: (run.participantID ?? "patient") + "_")
        }
    }
}
