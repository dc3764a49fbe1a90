/// The review classes of a follow-up visit and of a patient.
///
/// The first four are hypotheses the rules score; `indeterminate` is the decision when the
/// evidence conflicts or is too thin. `suspectedPMLIRIS` covers PML and PML-IRIS alike: either
/// calls for urgent review.
public enum ReviewClass: String, CaseIterable, Sendable, Comparable {
    case noNewActivity = "no_new_activity"
    /// Activity returned, not above the level before natalizumab.
    case reactivation
    /// Activity above the level before natalizumab.
    case rebound
    case suspectedPMLIRIS = "suspected_pml_iris"
    case indeterminate

    /// The classes rules can score, in the order outputs list them.
    public static let hypotheses: [ReviewClass] = [.noNewActivity, .reactivation, .rebound, .suspectedPMLIRIS]

    /// Most urgent first: suspected PML-IRIS, rebound, reactivation, indeterminate, no new activity.
    public static let byUrgency: [ReviewClass] = [.suspectedPMLIRIS, .rebound, .reactivation, .indeterminate, .noNewActivity]

    /// 0 for the most urgent.
    public var urgencyRank: Int { Self.byUrgency.firstIndex(of: self)! }

    /// Ordered by urgency, the most urgent first.
    public static func < (a: ReviewClass, b: ReviewClass) -> Bool { a.urgencyRank < b.urgencyRank }
}
