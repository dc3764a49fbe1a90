/// How a condition came out at a visit: its truth, each comparison with the value it read, and
/// the features it needed that were missing.
public struct ConditionOutcome: Sendable {
    /// One comparison of the condition at the visit.
    public struct Test: Sendable {
        public let comparison: Comparison
        /// The feature's value at the visit; nil when missing.
        public let actual: FeatureValue?
        public let truth: Truth
    }

    public let truth: Truth
    public let tests: [Test]
    /// Features the condition reads that are missing at the visit.
    public let missing: [Feature]
    /// Features the condition reads whose numbers are only lower bounds at the visit
    /// (`VisitFeatures.lowerBounds`): they can leave it unknown though none is missing.
    public let lowerBounds: [Feature]
    /// Features the condition reads whose numbers are only upper bounds at the visit.
    public let upperBounds: [Feature]

    public init(_ condition: Condition, _ features: VisitFeatures) {
        truth = condition.evaluate(features)
        tests = condition.comparisons.map { c in Test(comparison: c, actual: features[c.feature], truth: c.evaluate(features)) }
        missing = condition.features.filter { features[$0] == nil }
        lowerBounds = condition.features.filter { features.lowerBounds[$0] != nil }
        upperBounds = condition.features.filter { features.upperBounds[$0] != nil }
    }
}

/// How one rule came out at a visit.
public struct RuleOutcome: Sendable {
    public typealias Test = ConditionOutcome.Test

    public let rule: Rule
    public let outcome: ConditionOutcome

    public init(_ rule: Rule, _ features: VisitFeatures) {
        self.rule = rule
        self.outcome = ConditionOutcome(rule.condition, features)
    }

    public var truth: Truth { outcome.truth }
    public var tests: [Test] { outcome.tests }
    public var missing: [Feature] { outcome.missing }
    public var lowerBounds: [Feature] { outcome.lowerBounds }
    public var upperBounds: [Feature] { outcome.upperBounds }

    public var fired: Bool { truth == .yes }

    /// Settled (true or false) despite any missing feature.
    public var evaluated: Bool { truth != .unknown }
}
