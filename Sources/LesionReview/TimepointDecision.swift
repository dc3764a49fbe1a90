/// The review of one follow-up visit: its class, the score of each hypothesis, the reason for the
/// class, every rule that fired, the rules the data could not settle, and the confidence.
public struct TimepointDecision: Sendable {
    public let reviewClass: ReviewClass
    /// The score of each hypothesis: the sum of the weights of the rules that fired (0 when none).
    public let scores: [ReviewClass: Double]
    public let reason: DecisionReason
    /// Rules whose condition held, in file order.
    public let fired: [RuleOutcome]
    /// Rules whose condition the missing data left unknown, in file order.
    public let notEvaluated: [RuleOutcome]
    public let confidence: Confidence

    public init(
        reviewClass: ReviewClass, scores: [ReviewClass: Double], reason: DecisionReason, fired: [RuleOutcome],
        notEvaluated: [RuleOutcome], confidence: Confidence
    ) {
        self.reviewClass = reviewClass
        self.scores = scores
        self.reason = reason
        self.fired = fired
        self.notEvaluated = notEvaluated
        self.confidence = confidence
    }

    /// A rule with the urgent-review flag fired.
    public var urgentReview: Bool { fired.contains { $0.rule.urgentReview } }

    public func score(_ hypothesis: ReviewClass) -> Double { scores[hypothesis] ?? 0 }
}
