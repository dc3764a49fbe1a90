/// The lesion-wise detection thresholds of animaSegPerfAnalyzer (Anima), used by MSSEG-2.
///
/// A lesion of one map is detected by the other when more than `alpha` of its voxels are
/// covered, and the lesions covering it, taken by decreasing overlap until they account for at
/// least `gamma` of the covered voxels, each have at most `beta` of their own voxels outside the
/// first map's lesions. Defaults are Anima's command-line defaults (Commowick et al., Sci Rep 2018).
public struct DetectionCriteria: Sendable, Equatable {
    /// Minimum covered fraction, exclusive: detected needs covered / size > alpha.
    public var alpha: Double
    /// Maximum fraction of a covering lesion outside the other map's lesions, inclusive.
    public var beta: Double
    /// Share of the covered voxels the examined covering lesions must account for.
    public var gamma: Double

    public static let anima = DetectionCriteria(alpha: 0.10, beta: 0.70, gamma: 0.65)

    public init(alpha: Double, beta: Double, gamma: Double) {
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }
}
