/// The review of a patient: the most urgent of the visits reviewed.
///
/// Visits needing urgent review come first; among them, and among the others, the class decides by
/// `ReviewClass.byUrgency` (suspected PML-IRIS, rebound, reactivation, indeterminate, no new
/// activity), then the earlier visit. So an indeterminate visit held by the safety gate outranks
/// a later rebound visit: the patient is urgent whenever any visit is. A patient with no reviewed
/// visit is indeterminate, and says why. A patient with sessions left out of the run is urgent
/// (`coveringLeftOut`).
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

    /// The decision when some of the patient's sessions could not be reviewed because they were
    /// left out of the run (a refused file, a failed registration check): what they hold is
    /// unknown, and unknown is never negative, so the patient needs urgent review and its class
    /// is at least as urgent as `indeterminate` (a more urgent class is kept). Unchanged when no
    /// session was left out. `sessions` are `session_id` values (`ses-03`). LesionTrack's own safety rule: missing data never lowers urgency.
    public func coveringLeftOut(_ sessions: [String]) -> PatientDecision {
        guard !sessions.isEmpty else { return self }
        return PatientDecision(
            reviewClass: min(reviewClass, .indeterminate), urgentReview: true, visit: visit,
            reason: Self.leftOutReason(sessions) + "; before that: " + reason)
    }

    /// Why a patient with sessions left out of the run needs urgent review, naming them.
    public static func leftOutReason(_ sessions: [String]) -> String {
        let named = sessions.joined(separator: ", ")
        return (sessions.count == 1 ? "session \(named) was" : "sessions \(named) were")
            + " left out of the run (the error rows say why) and not reviewed: new lesions there would be missed, so urgent review"
            + " (LesionTrack's own safety rule: missing data never lowers urgency)"
    }
}
