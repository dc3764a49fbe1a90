import LesionIO

/// The files of one visit named by hand, as `compare` takes them, rather than found in a BIDS
/// session.
public struct HandPickedVisit: Sendable {
    /// The T2 lesion map or image.
    public var t2File: String
    /// The gadolinium-enhancing lesion map or post-contrast image.
    public var gdFile: String?
    public var brainMaskFile: String?

    public init(t2File: String, gdFile: String? = nil, brainMaskFile: String? = nil) {
        self.t2File = t2File
        self.gdFile = gdFile
        self.brainMaskFile = brainMaskFile
    }

    /// The visit's inputs, each file read by the first source of `pipeline` whose pattern matches
    /// its name; refused when no source reads one.
    func inputs(_ pipeline: PipelineFile) throws(ScanError) -> VisitInputs {
        let p = pipeline.pipeline
        guard let t2Source = VisitInputs.source(for: t2File, in: p.t2Sources) else {
            throw ScanError(pipeline.path, "t2_sources has no source for \(t2File) (no pattern matches and no mask source)")
        }
        var gdSource: LesionSource?
        if let gdFile {
            gdSource = VisitInputs.source(for: gdFile, in: p.gdSources)
            guard gdSource != nil else {
                throw ScanError(pipeline.path, "gd_sources has no source for \(gdFile) (no pattern matches and no mask source)")
            }
        }
        return try VisitInputs(
            session: nil, acquisitionTime: nil, t2File: t2File, t2Source: t2Source, gdFile: gdFile, gdSource: gdSource,
            preContrastFile: nil, brainMaskFile: brainMaskFile)
    }
}

extension LongitudinalRun {
    /// `compare BASELINE FOLLOWUP`: two visits named by hand, compared like with like (both T2
    /// files must be read by the same source).
    public static func pair(
        baseline: HandPickedVisit, followup: HandPickedVisit, pipeline: PipelineFile, reader: NIfTIReader
    ) throws(ScanError) -> LongitudinalRun {
        let visits = [try baseline.inputs(pipeline), try followup.inputs(pipeline)]
        guard visits[0].t2Source == visits[1].t2Source else {
            throw ScanError(
                followup.t2File,
                "is read as \(visits[1].t2Source.kind.rawValue) (\(visits[1].t2Source.pattern)) but \(baseline.t2File) as \(visits[0].t2Source.kind.rawValue) (\(visits[0].t2Source.pattern)): visits are compared like with like"
            )
        }
        return try pair(visits, pipeline: pipeline, reader: reader)
    }
}
