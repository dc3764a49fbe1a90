/// The review of one visit: its class, whether it needs urgent review, the score of each
/// hypothesis, the reason for the class, the safety gate, every rule that fired, the rules the
/// data could not settle, and the data completeness.
public struct VisitDecision: Sendable {
    public let reviewClass: ReviewClass
    /// Urgent review: every `suspected_pml_iris`, every visit whose safety gate is open, and every
    /// `indeterminate` visit where PML leads or is the runner-up within the margin, with the counts
    /// read as lower bounds or as counted (`Classifier`).
    public let urgentReview: Bool
    /// The score of each hypothesis: the sum of the weights of the rules that fired (0 when none).
    public let scores: [ReviewClass: Double]
    public let reason: DecisionReason
    public let gate: SafetyGate
    /// Rules whose condition held, in file order.
    public let fired: [RuleOutcome]
    /// Rules whose condition the missing data left unknown, in file order.
    public let notEvaluated: [RuleOutcome]
    public let completeness: Completeness

    public init(
        reviewClass: ReviewClass, urgentReview: Bool, scores: [ReviewClass: Double], reason: DecisionReason, gate: SafetyGate,
        fired: [RuleOutcome], notEvaluated: [RuleOutcome], completeness: Completeness
    ) {
        self.reviewClass = reviewClass
        self.urgentReview = urgentReview
        self.scores = scores
        self.reason = reason
        self.gate = gate
        self.fired = fired
        self.notEvaluated = notEvaluated
        self.completeness = completeness
    }

    public func score(_ hypothesis: ReviewClass) -> Double { scores[hypothesis] ?? 0 }

    /// The class the scores alone would give, when the safety gate, or PML near the lead with the
    /// counts as counted, held the visit at indeterminate.
    public var leadingAlternative: ReviewClass? {
        switch reason {
        case .pmlNotExcluded(let alternative, _): alternative
        case .pmlNearLeadAsCounted(let alternative, _, _): alternative
        default: nil
        }
    }
}
