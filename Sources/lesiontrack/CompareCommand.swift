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
            let pipeline = try output.loadPipeline()
            let p = pipeline.pipeline
            func visit(_ t2: String, gd: String?, brain: String?) throws(ScanError) -> VisitInputs {
                guard let t2Source = VisitInputs.source(for: t2, in: p.t2Sources) else {
                    throw ScanError(pipeline.path, "t2_sources has no source for \(t2) (no pattern matches and no mask source)")
                }
                var gdSource: LesionSource?
                if let gd {
                    gdSource = VisitInputs.source(for: gd, in: p.gdSources)
                    guard gdSource != nil else {
                        throw ScanError(pipeline.path, "gd_sources has no source for \(gd) (no pattern matches and no mask source)")
                    }
                }
                return try VisitInputs(
                    session: nil, acquisitionTime: nil, t2File: t2, t2Source: t2Source, gdFile: gd, gdSource: gdSource,
                    preContrastFile: nil, brainMaskFile: brain)
            }
            let visits = [
                try visit(baseline, gd: baselineGd, brain: baselineBrainMask),
                try visit(followup, gd: followupGd, brain: followupBrainMask),
            ]
            guard visits[0].t2Source == visits[1].t2Source else {
                throw ScanError(
                    followup,
                    "is read as \(visits[1].t2Source.kind.rawValue) (\(visits[1].t2Source.pattern)) but \(baseline) as \(visits[0].t2Source.kind.rawValue) (\(visits[0].t2Source.pattern)): visits are compared like with like"
                )
            }
            let run = try LongitudinalRun.pair(visits, pipeline: pipeline, reader: output.reader)
            try output.emit(LongitudinalReport(run), prefix: "")
        }
    }
}
