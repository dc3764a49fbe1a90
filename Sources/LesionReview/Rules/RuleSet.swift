/// The review's rules as read from a rules file: feature parameters, the decision policy, the
/// safety gate and the rules, in file order.
///
/// Invariant: rule IDs are unique.
public struct RuleSet: Sendable, Equatable {
    public var name: String
    public var features: FeatureParameters
    public var decision: DecisionPolicy
    public var safety: SafetyPolicy
    public var rules: [Rule]

    public init(name: String, features: FeatureParameters, decision: DecisionPolicy, safety: SafetyPolicy = .standard, rules: [Rule]) {
        precondition(Set(rules.map(\.id)).count == rules.count, "rule IDs must be unique")
        self.name = name
        self.features = features
        self.decision = decision
        self.safety = safety
        self.rules = rules
    }
}
