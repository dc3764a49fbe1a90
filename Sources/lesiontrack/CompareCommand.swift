import ArgumentParser
import LesionIO
import LesionStudy

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the lesions of two scans: new, enlarging, stable, shrinking, merged, split, resolved.",
        discussion: """
            BASELINE and FOLLOWUP are T2 lesion maps (or images) of one patient. Each is read by \
            the first T2 source of the pipeline whose pattern matches its name, else as a lesion \
            mask. The follow-up is placed on the baseline's grid (resampled when the grids differ \
            but share world space) or refused when it cannot be.
            """
    )

    @Argument(help: "The baseline T2 lesion map or image.")
    var baseline: String

    @Argument(help: "The follow-up T2 lesion map or image.")
    var followup: String

    @Option(help: "The baseline's gadolinium-enhancing lesion map (or post-contrast image).")
    var baselineGd: String?

    @Option(help: "The follow-up's gadolinium-enhancing lesion map (or post-contrast image).")
    var followupGd: String?

    @Option(help: "The baseline's brain mask (needed by image sources; checks co-registration).")
    var baselineBrainMask: String?

    @Option(help: "The follow-up's brain mask.")
    var followupBrainMask: String?

    @OptionGroup var output: LongitudinalOutputOptions

    func validate() throws {
        guard output.table != .review else {
            throw ValidationError("--table review needs a review: use `lesiontrack patient`")
        }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let run = try LongitudinalRun.pair(
                baseline: HandPickedVisit(t2File: baseline, gdFile: baselineGd, brainMaskFile: baselineBrainMask),
                followup: HandPickedVisit(t2File: followup, gdFile: followupGd, brainMaskFile: followupBrainMask),
                pipeline: try output.loadPipeline(), reader: output.reader)
            try output.emit(LongitudinalReport(run), prefix: "")
        }
    }
}
