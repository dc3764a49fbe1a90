/// How one rule came out at a visit: its truth, each comparison with the value it read, and the
/// features it needed that were missing.
public struct RuleOutcome: Sendable {
    /// One comparison of the rule's condition at the visit.
    public struct Test: Sendable {
        public let comparison: Comparison
        /// The feature's value at the visit; nil when missing.
        public let actual: FeatureValue?
        public let truth: Truth
    }

    public let rule: Rule
    public let truth: Truth
    public let tests: [Test]
    /// Features the condition reads that are missing at the visit.
    public let missing: [Feature]

    public init(_ rule: Rule, _ features: TimepointFeatures) {
        self.rule = rule
        self.truth = rule.condition.evaluate(features)
        self.tests = rule.condition.comparisons.map { c in
            Test(comparison: c, actual: features[c.feature], truth: c.evaluate(features))
        }
        self.missing = rule.condition.features.filter { features[$0] == nil }
    }

    public var fired: Bool { truth == .yes }

    /// Settled (true or false) despite any missing feature.
    public var evaluated: Bool { truth != .unknown }
}
