/// How much of the rule set a visit's data let the classifier settle: a measure of data
/// completeness, not of certainty in the class.
public struct Completeness: Sendable, Equatable {
    public enum Level: String, Sendable {
        case high
        case moderate
        case low
    }

    public let evaluatedRules: Int
    public let totalRules: Int
    public let level: Level

    public init(evaluatedRules: Int, totalRules: Int, policy: DecisionPolicy) {
        self.evaluatedRules = evaluatedRules
        self.totalRules = totalRules
        let share = Self.share(evaluatedRules, totalRules)
        level = share >= policy.highCompleteness ? .high : share >= policy.moderateCompleteness ? .moderate : .low
    }

    /// Evaluated rules / rules (1 for an empty rule set).
    public var share: Double { Self.share(evaluatedRules, totalRules) }

    private static func share(_ evaluated: Int, _ total: Int) -> Double {
        total == 0 ? 1 : Double(evaluated) / Double(total)
    }
}
