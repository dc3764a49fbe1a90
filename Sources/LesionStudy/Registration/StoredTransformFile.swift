import LesionKernels

/// Where a run stores a registration's transform under its output folder, and reading one back:
/// what lets a later `report` place a visit's anatomy on the baseline grid without elastix.
///
/// A visit's reference image registered to the baseline's is stored as
/// `sub-<id>/ses-<label>/anat/sub-<id>_ses-<label>_from-<label>_to-<baseline label>_mode-image_xfm.txt`;
/// a series registered to its visit's reference as `…_from-<series>_to-<reference series>_…`
/// (`StoredTransform` holds the format).
public enum StoredTransformFile {
    /// The path of a stored transform relative to the output folder.
    public static func path(participantID: String, session: String, from: String, to: String) -> String {
        "\(participantID)/\(session)/anat/\(participantID)_\(session)_from-\(from)_to-\(to)_mode-image_xfm.txt"
    }

    /// The path, relative to the output folder, of the transform that registered `session`'s
    /// reference image to the baseline session's.
    public static func visitToBaseline(participantID: String, session: String, baselineSession: String) -> String {
        path(
            participantID: participantID, session: session, from: VisitAlignment.entity(session),
            to: VisitAlignment.entity(baselineSession))
    }

    /// The path, relative to the output folder, of the transform that registered `moving` (a
    /// series of `session`, relative to the study) to its visit's `reference` series.
    public static func withinVisit(participantID: String, session: String, moving: String, reference: String) -> String {
        path(
            participantID: participantID, session: session, from: VisitAlignment.series(moving),
            to: VisitAlignment.series(reference))
    }

    /// The matrix stored at `path` (fixed world → moving world, RAS mm) when the file is a stored
    /// transform whose moving image is `moving` (a path relative to the study, matched against the
    /// end of the recorded one; nil: any); nil when it is missing, unreadable or of another image.
    public static func transform(at path: String, moving: String?) -> Affine? {
        guard let stored = StoredTransform.read(path) else { return nil }
        if let moving, !(stored.from == moving || stored.from.hasSuffix("/" + moving)) { return nil }
        return stored.transform
    }
}
