/// The review class of a patient: the most urgent class among the follow-up visits reviewed.
///
/// Urgency runs suspected PML-IRIS, rebound, reactivation, indeterminate, no new activity
/// (`ReviewClass.byUrgency`); among visits of the same class the earliest decides. A patient with
/// no reviewed follow-up visit is indeterminate.
public struct PatientDecision: Sendable, Equatable {
    public let reviewClass: ReviewClass
    /// 0-based index of the deciding visit; nil when no visit was reviewed.
    public let visit: Int?
    public let reason: String

    public init(reviewClass: ReviewClass, visit: Int?, reason: String) {
        self.reviewClass = reviewClass
        self.visit = visit
        self.reason = reason
    }

    public static func combine(_ timepoints: [(visit: Int, decision: TimepointDecision)]) -> PatientDecision {
        guard
            let first = timepoints.min(by: { a, b in
                a.decision.reviewClass != b.decision.reviewClass
                    ? a.decision.reviewClass < b.decision.reviewClass : a.visit < b.visit
            })
        else {
            return PatientDecision(
                reviewClass: .indeterminate, visit: nil,
                reason: "no follow-up visit to review: the review compares each visit with the one before, after natalizumab started")
        }
        let order = ReviewClass.byUrgency.map(\.rawValue).joined(separator: " > ")
        let reason =
            timepoints.count == 1
            ? "the class of the only follow-up visit reviewed"
            : "the most urgent class among the \(timepoints.count) follow-up visits reviewed (\(order))"
        return PatientDecision(reviewClass: first.decision.reviewClass, visit: first.visit, reason: reason)
    }
}
