/// Why a visit got its class, in terms of the decision policy (`DecisionPolicy`).
public indirect enum DecisionReason: Sendable, Equatable {
    /// Rules with the urgent-review flag fired.
    case urgentReview([RuleID])
    /// The lead reached the minimum score and margin with its required features known.
    case leads(ReviewClass, score: Double, runnerUp: ReviewClass, runnerUpScore: Double, minimumScore: Double, minimumMargin: Double)
    /// The lead scored below the minimum: too little evidence for any hypothesis.
    case tooLittleEvidence(ReviewClass, score: Double, minimumScore: Double)
    /// The lead did not lead the runner-up by the minimum margin: the evidence conflicts.
    case conflict(ReviewClass, score: Double, runnerUp: ReviewClass, runnerUpScore: Double, minimumMargin: Double)
    /// The lead needs features that are missing: too little data.
    case missingRequired(ReviewClass, score: Double, missing: [Feature])
    /// The safety gate is open: the scores' class (`because`) is only the leading alternative.
    case pmlNotExcluded(alternative: ReviewClass, because: DecisionReason)
    /// Counts from a limited series read as the bounds they are gave a visit without urgent review
    /// (`because`, and its class when not indeterminate); read as counted, PML leads or is near
    /// the lead (`asCounted`). The visit is indeterminate with urgent review: the bounds' class is
    /// only the leading alternative.
    case pmlNearLeadAsCounted(alternative: ReviewClass?, because: DecisionReason, asCounted: DecisionReason)

    /// One sentence.
    public var text: String {
        func n(_ x: Double) -> String { FeatureValue.number(x).description }
        switch self {
        case .urgentReview(let ids):
            return "urgent review: \(ids.map(\.text).joined(separator: ", ")) fired"
        case .leads(let lead, let score, let runnerUp, let other, let minimum, let margin):
            return
                "\(lead.rawValue) leads with \(n(score)) (min_score \(n(minimum))), \(n(score - other)) ahead of \(runnerUp.rawValue) (min_margin \(n(margin)))"
        case .tooLittleEvidence(let lead, let score, let minimum):
            return "too little evidence: the leading hypothesis, \(lead.rawValue), scores \(n(score)), below min_score \(n(minimum))"
        case .conflict(let lead, let score, let runnerUp, let other, let margin):
            return
                "conflicting evidence: \(lead.rawValue) \(n(score)) and \(runnerUp.rawValue) \(n(other)) differ by less than min_margin \(n(margin))"
        case .missingRequired(let lead, let score, let missing):
            return
                "too little data: \(lead.rawValue) leads with \(n(score)) but needs \(missing.map(\.rawValue).joined(separator: ", ")), missing here"
        case .pmlNotExcluded(let alternative, let because):
            return
                "PML not excluded (safety gate open): \(alternative.rawValue) is the leading alternative, not a conclusion (\(because.text))"
        case .pmlNearLeadAsCounted(let alternative, let because, let counted):
            let bounds =
                alternative.map { "\($0.rawValue) is the leading alternative, not a conclusion (\(because.text))" }
                ?? "no conclusion (\(because.text))"
            return
                "PML near the lead with the limited series' counts as counted (\(counted.text)); read as the bounds they are, \(bounds)"
        }
    }
}
