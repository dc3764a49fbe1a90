import LesionKernels

/// The rule that made a visit's lesion mask, with the statistics it used.
public enum ForegroundRule: Sendable, Equatable {
    /// A mask or probability map: value ≥ threshold.
    case threshold(Double)
    /// A raw image: (value − mean) / sd ≥ zThreshold inside the brain mask.
    case zScore(zThreshold: Double, brain: BrainStatistics)
    /// Post-contrast minus pre-contrast z-scores ≥ zThreshold inside the brain mask.
    case subtraction(zThreshold: Double, post: BrainStatistics, pre: BrainStatistics)
    /// A raw FLAIR's lesion growth (`lesion-growth`), with or without the session's T1w, the
    /// voxels added by growth from the visit's enhancing lesions (`enhancing_seeds`), those of
    /// the mostly cortical lesions dropped (`cortex_max_fraction`), and, when the previous visit
    /// was re-acquired as this visit's coarser FLAIR (`VisitLesions.earlierReacquired`), the
    /// voxels of its lesions as this series shows them (nil when it was not); whether the
    /// FLAIR's change since the previous visit was known (`VisitLesions.changed`); the voxels of
    /// the lesions dropped as unchanged since then (`drop_unchanged`; nil when the rule did not
    /// apply) and of those found by their change alone (`change_seed_ratio`; nil likewise); the
    /// voxels of the lesions dropped as lying wholly within the ventricles' margin
    /// (`ventricle_wall_seeds`; nil when it is off); the voxels of the lesions kept because they
    /// grew although no voxel of them rose (`FLAIRLesions.keptAsGrownVoxels`; nil at a first visit).
    case lesionGrowth(
        FLAIRLesionSegmentation, t1: Bool, enhancementVoxels: Int, corticalVoxels: Int = 0, reacquiredVoxels: Int? = nil,
        changeKnown: Bool = false, unchangedVoxels: Int? = nil, changeVoxels: Int? = nil, marginVoxels: Int? = nil,
        grownVoxels: Int? = nil)
    /// Enhancement (`subtraction`): registered subtraction, or the post-contrast image alone
    /// (less specific) when the session has no pre-contrast T1w.
    case enhancement(EnhancementSegmentation, preContrast: Bool)

    /// `threshold`, `z-score` or `subtraction z-score`, as the outputs name the method.
    public var method: String {
        switch self {
        case .threshold: "threshold"
        case .zScore: "z-score"
        case .subtraction: "subtraction z-score"
        case .lesionGrowth: "lesion growth"
        case .enhancement(_, let preContrast): preContrast ? "registered subtraction" : "post-contrast only, less specific"
        }
    }
}
