/// How a visit's scores become a class: the thresholds of the `decision` and `classes` sections
/// of the rules file.
///
/// 1. A fired rule with the urgent-review flag makes the visit `suspected_pml_iris`.
/// 2. Otherwise the hypothesis with the highest score leads (ties: the more urgent). It is the
///    class when its score is at least `minimumScore`, every feature in `required[lead]` is
///    known, and it leads the runner-up by at least `minimumMargin`; otherwise the visit is
///    `indeterminate` (too little evidence, too little data, or conflicting evidence).
///
/// Data completeness is the share of rules that could be evaluated (their condition came out true
/// or false despite missing data): `high` from `highCompleteness`, `moderate` from
/// `moderateCompleteness`, else `low`. It says how much data there was, not how sure the class is.
public struct DecisionPolicy: Sendable, Equatable {
    public var minimumScore: Double
    public var minimumMargin: Double
    /// Features that must be known for a hypothesis to be the class.
    public var required: [ReviewClass: [Feature]]
    public var highCompleteness: Double
    public var moderateCompleteness: Double

    public init(
        minimumScore: Double, minimumMargin: Double, required: [ReviewClass: [Feature]], highCompleteness: Double,
        moderateCompleteness: Double
    ) {
        self.minimumScore = minimumScore
        self.minimumMargin = minimumMargin
        self.required = required
        self.highCompleteness = highCompleteness
        self.moderateCompleteness = moderateCompleteness
    }

    /// The values of `Pipelines/rules.yaml`.
    public static let standard = DecisionPolicy(
        minimumScore: 2, minimumMargin: 2,
        required: [
            .noNewActivity: [.newOrEnlargingT2],
            .reactivation: [.weeksSinceWithdrawal],
            .rebound: [.weeksSinceWithdrawal],
            .suspectedPMLIRIS: [],
        ],
        highCompleteness: 0.9, moderateCompleteness: 0.6)
}
