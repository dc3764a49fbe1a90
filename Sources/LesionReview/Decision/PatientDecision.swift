/// The review of a patient: the most urgent of the visits reviewed.
///
/// Visits needing urgent review come first; among them, and among the others, the class decides by
/// `ReviewClass.byUrgency` (suspected PML-IRIS, rebound, reactivation, indeterminate, no new
/// activity), then the earlier visit. So an indeterminate visit held by the safety gate outranks
/// a later rebound visit: the patient is urgent whenever any visit is. A patient with no reviewed
/// visit is indeterminate, and says why.
public struct PatientDecision: Sendable, Equatable {
    public let reviewClass: ReviewClass
    public let urgentReview: Bool
    /// 0-based index of the deciding visit; nil when no visit was reviewed.
    public let visit: Int?
    public let reason: String

    public init(reviewClass: ReviewClass, urgentReview: Bool, visit: Int?, reason: String) {
        self.reviewClass = reviewClass
        self.urgentReview = urgentReview
        self.visit = visit
        self.reason = reason
    }

    /// Orders two reviewed visits, the more urgent first.
    public static func moreUrgent(
        _ a: (visit: Int, decision: VisitDecision), _ b: (visit: Int, decision: VisitDecision)
    ) -> Bool {
        if a.decision.urgentReview != b.decision.urgentReview { return a.decision.urgentReview }
        if a.decision.reviewClass != b.decision.reviewClass { return a.decision.reviewClass < b.decision.reviewClass }
        return a.visit < b.visit
    }

    public static func combine(
        _ visits: [(visit: Int, decision: VisitDecision)], noVisitReason: String = "no visit to review"
    ) -> PatientDecision {
        guard let first = visits.min(by: moreUrgent) else {
            return PatientDecision(reviewClass: .indeterminate, urgentReview: false, visit: nil, reason: noVisitReason)
        }
        let reason =
            visits.count == 1
            ? "the class of the only visit reviewed"
            : "the most urgent of the \(visits.count) visits reviewed (urgent review first, then "
                + ReviewClass.byUrgency.map(\.rawValue).joined(separator: " > ") + ")"
        return PatientDecision(
            reviewClass: first.decision.reviewClass, urgentReview: first.decision.urgentReview, visit: first.visit,
            reason: reason)
    }
}
