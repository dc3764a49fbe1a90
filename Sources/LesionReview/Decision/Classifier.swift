/// Applies a rule set to one visit's features and decides its class and its urgency.
///
/// Every rule is evaluated (`RuleOutcome`); each that fires adds its weights to the hypotheses'
/// scores. The scores give a class by `DecisionPolicy`: an urgent-review flag gives
/// `suspected_pml_iris`; otherwise the hypothesis with the highest score (ties: the more urgent,
/// `ReviewClass.byUrgency`) is the class if it reaches `minimumScore`, has its required features
/// and leads the runner-up by `minimumMargin`, else the visit is `indeterminate` (the reason names
/// the first test that failed, in that order). Then the safety gate (`SafetyPolicy`): while it is
/// open, any class but `suspected_pml_iris` and `indeterminate` becomes `indeterminate`, with the
/// scores' class named as the leading alternative. Urgent review follows `VisitDecision`.
///
/// Counts from a limited series are lower bounds, and a visit's excess over a level counted on one
/// an upper bound (`VisitFeatures.lowerBounds`, `upperBounds`): rules they cannot settle do not
/// fire. That reading must never be less urgent than reading the numbers as counted, which the
/// bounds allow: when the counts as counted would give urgent review and the bounds do
/// not, the visit is `indeterminate` with urgent review (`DecisionReason.pmlNearLeadAsCounted`),
/// the bounds' class named as the leading alternative.
public enum Classifier {
    public static func decide(_ features: VisitFeatures, rules: RuleSet) -> VisitDecision {
        let bounded = read(features, rules: rules)
        guard features.hasBounds, !bounded.urgentReview else { return bounded }
        let counted = read(features.asCounted, rules: rules)
        guard counted.urgentReview else { return bounded }
        return VisitDecision(
            reviewClass: .indeterminate, urgentReview: true, scores: bounded.scores,
            reason: .pmlNearLeadAsCounted(
                alternative: bounded.reviewClass == .indeterminate ? nil : bounded.reviewClass, because: bounded.reason,
                asCounted: counted.reason),
            gate: bounded.gate, fired: bounded.fired, notEvaluated: bounded.notEvaluated, completeness: bounded.completeness)
    }

    /// The decision from the features as they are, bounds leaving rules unsettled.
    private static func read(_ features: VisitFeatures, rules: RuleSet) -> VisitDecision {
        let outcomes = rules.rules.map { RuleOutcome($0, features) }
        let fired = outcomes.filter(\.fired)
        var scores: [ReviewClass: Double] = [:]
        for hypothesis in ReviewClass.hypotheses {
            scores[hypothesis] = fired.reduce(0) { $0 + ($1.rule.weights[hypothesis] ?? 0) }
        }
        let policy = rules.decision
        let completeness = Completeness(
            evaluatedRules: outcomes.filter(\.evaluated).count, totalRules: outcomes.count, policy: policy)

        let ranked = ReviewClass.hypotheses.sorted { a, b in
            scores[a]! != scores[b]! ? scores[a]! > scores[b]! : a.urgencyRank < b.urgencyRank
        }
        let (lead, runnerUp) = (ranked[0], ranked[1])
        let (score, other) = (scores[lead]!, scores[runnerUp]!)
        let urgentRules = fired.filter(\.rule.urgentReview).map(\.rule.id)
        let missing = (policy.required[lead] ?? []).filter { features[$0] == nil }

        var decision: (ReviewClass, DecisionReason)
        if !urgentRules.isEmpty {
            decision = (.suspectedPMLIRIS, .urgentReview(urgentRules))
        } else if score < policy.minimumScore {
            decision = (.indeterminate, .tooLittleEvidence(lead, score: score, minimumScore: policy.minimumScore))
        } else if !missing.isEmpty {
            decision = (.indeterminate, .missingRequired(lead, score: score, missing: missing))
        } else if score - other < policy.minimumMargin {
            decision = (
                .indeterminate,
                .conflict(
                    lead, score: score, runnerUp: runnerUp, runnerUpScore: other,
                    minimumMargin: policy.minimumMargin)
            )
        } else {
            decision = (
                lead,
                .leads(
                    lead, score: score, runnerUp: runnerUp, runnerUpScore: other,
                    minimumScore: policy.minimumScore, minimumMargin: policy.minimumMargin)
            )
        }

        let gate = rules.safety.evaluate(features)
        if gate.isOpen && decision.0 != .suspectedPMLIRIS && decision.0 != .indeterminate {
            decision = (.indeterminate, .pmlNotExcluded(alternative: decision.0, because: decision.1))
        }
        let pml = ReviewClass.suspectedPMLIRIS
        let pmlNearLead = lead == pml || (runnerUp == pml && score - other < policy.minimumMargin)
        let urgent = decision.0 == pml || gate.isOpen || (decision.0 == .indeterminate && pmlNearLead)
        return VisitDecision(
            reviewClass: decision.0, urgentReview: urgent, scores: scores, reason: decision.1, gate: gate, fired: fired,
            notEvaluated: outcomes.filter { !$0.evaluated }, completeness: completeness)
    }
}
