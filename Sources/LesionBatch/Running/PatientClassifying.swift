import LesionIO
import LesionStudy

/// Turns a processed participant into review classes: the seam where a classifier plugs into
/// the batch run.
///
/// The batch run calls `classify` once per participant after its visits were compared, and
/// stores what it returns in the `classifications` table; nil stores nothing. `identity` names
/// the rules in force (for example their file's SHA-256) and is part of every participant's
/// input key, so a change of rules redoes the participants it could change.
public protocol PatientClassifying: Sendable {
    /// Names the rules in force; empty when none are.
    var identity: String { get }

    /// What the classifier measures of each visit in the batch's own pass over the participant,
    /// so that no visit is read and labelled a second time; nil (the default) measures nothing.
    /// Called before the visits are labelled, with the sessions about to be compared; what it
    /// throws, or what measuring a visit throws, reaches `classify` in `ProcessedPatient.measured`.
    func measurement(of folder: PatientFolder) throws(ScanError) -> ReviewMeasurement?

    /// The participant's classification, or nil when this classifier makes none. A thrown error
    /// becomes an error row at the `classify` stage; the participant's counts are kept.
    func classify(_ patient: ProcessedPatient) throws(ScanError) -> PatientClassification?
}

extension PatientClassifying {
    public func measurement(of folder: PatientFolder) throws(ScanError) -> ReviewMeasurement? { nil }
}

/// The classifier of a run without one: no participant is classified, no row is stored.
public struct NoClassifier: PatientClassifying {
    public init() {}

    public var identity: String { "" }

    public func classify(_ patient: ProcessedPatient) throws(ScanError) -> PatientClassification? { nil }
}
