/// How a visit's scores become a class: the thresholds of the `decision` and `classes` sections
/// of the rules file.
///
/// 1. A fired rule with the urgent-review flag makes the visit `suspected_pml_iris`.
/// 2. Otherwise the hypothesis with the highest score leads (ties: the more urgent). It is the
///    class when its score is at least `minimumScore`, every feature in `required[lead]` is
///    known, and it leads the runner-up by at least `minimumMargin`; otherwise the visit is
///    `indeterminate` (too little evidence, too little data, or conflicting evidence).
///
/// Confidence is the share of rules that could be evaluated (their condition came out true or
/// false despite missing data): `high` from `highConfidence`, `moderate` from
/// `moderateConfidence`, else `low`.
public struct DecisionPolicy: Sendable, Equatable {
    public var minimumScore: Double
    public var minimumMargin: Double
    /// Features that must be known for a hypothesis to be the class.
    public var required: [ReviewClass: [Feature]]
    public var highConfidence: Double
    public var moderateConfidence: Double

    public init(
        minimumScore: Double, minimumMargin: Double, required: [ReviewClass: [Feature]], highConfidence: Double,
        moderateConfidence: Double
    ) {
        self.minimumScore = minimumScore
        self.minimumMargin = minimumMargin
        self.required = required
        self.highConfidence = highConfidence
        self.moderateConfidence = moderateConfidence
    }

    /// The values of `Pipelines/rules.yaml`.
    public static let standard = DecisionPolicy(
        minimumScore: 2, minimumMargin: 2,
        required: [
            .noNewActivity: [.newOrEnlargingT2],
            .reactivation: [.preNTZGdCount, .weeksSinceLastInfusion],
            .rebound: [.preNTZGdCount, .weeksSinceLastInfusion],
            .suspectedPMLIRIS: [],
        ],
        highConfidence: 0.9, moderateConfidence: 0.6)
}
