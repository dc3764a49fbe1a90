/// One rule of the review: when its condition holds at a visit, it adds weights to hypotheses and
/// may raise the urgent-review flag.
///
/// Rules are data: they come from the rules file, each with a stable ID, a plain description and
/// the published source of its thresholds, all of which the outputs repeat when the rule fires.
public struct Rule: Sendable, Equatable {
    public let id: RuleID
    /// What the rule recognises, in plain words.
    public let description: String
    public let condition: Condition
    /// Weight added to each hypothesis when the rule fires (may be negative); never `indeterminate`.
    public let weights: [ReviewClass: Double]
    /// When the rule fires the visit is `suspected_pml_iris`, whatever the scores.
    public let urgentReview: Bool
    /// The source of the rule and its thresholds (authors, journal, year).
    public let source: String

    public init(
        id: RuleID, description: String, condition: Condition, weights: [ReviewClass: Double], urgentReview: Bool,
        source: String
    ) {
        precondition(weights[.indeterminate] == nil, "indeterminate is a decision, not a hypothesis")
        precondition(!weights.isEmpty || urgentReview, "a rule must have an effect")
        self.id = id
        self.description = description
        self.condition = condition
        self.weights = weights
        self.urgentReview = urgentReview
        self.source = source
    }

    /// `rebound +2, reactivation −1, urgent review`, hypotheses in output order.
    public var effectDescription: String {
        var parts = ReviewClass.hypotheses.compactMap { c in
            weights[c].map { w in "\(c.rawValue) \(w < 0 ? "-" : "+")\(FeatureValue.number(abs(w)))" }
        }
        if urgentReview { parts.append("urgent review") }
        return parts.joined(separator: ", ")
    }
}
