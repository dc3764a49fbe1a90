import LesionIO

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

    /// The participant's classification, or nil when this classifier makes none. A thrown error
    /// becomes an error row at the `classify` stage; the participant's counts are kept.
    func classify(_ patient: ProcessedPatient) throws(ScanError) -> PatientClassification?
}

/// The classifier of a run without one: no participant is classified, no row is stored.
public struct NoClassifier: PatientClassifying {
    public init() {}

    public var identity: String { "" }

    public func classify(_ patient: ProcessedPatient) throws(ScanError) -> PatientClassification? { nil }
}
