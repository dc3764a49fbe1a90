/// The rule that made a visit's lesion mask, with the statistics it used.
public enum ForegroundRule: Sendable, Equatable {
    /// A mask or probability map: value ≥ threshold.
    case threshold(Double)
    /// A raw image: (value − mean) / sd ≥ zThreshold inside the brain mask.
    case zScore(zThreshold: Double, brain: BrainStatistics)
    /// Post-contrast minus pre-contrast z-scores ≥ zThreshold inside the brain mask.
    case subtraction(zThreshold: Double, post: BrainStatistics, pre: BrainStatistics)

    /// `threshold`, `z-score` or `subtraction z-score`, as the outputs name the method.
    public var method: String {
        switch self {
        case .threshold: "threshold"
        case .zScore: "z-score"
        case .subtraction: "subtraction z-score"
        }
    }
}
