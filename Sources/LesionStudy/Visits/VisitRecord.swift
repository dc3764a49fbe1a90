/// What was read for one visit and how: the files, how each fits the reference grid, the rule
/// behind each lesion mask, and the brain-mask overlap with the baseline.
public struct VisitRecord: Sendable {
    public let inputs: VisitInputs
    public let t2Fit: GridFit
    public let t2Rule: ForegroundRule
    public let gdFit: GridFit?
    public let gdRule: ForegroundRule?
    public let preContrastFit: GridFit?
    public let brainMaskFit: GridFit?
    /// Dice of this visit's brain mask and the baseline's, on the reference grid; nil unless both exist.
    public let brainMaskDice: Double?

    public init(
        inputs: VisitInputs, t2Fit: GridFit, t2Rule: ForegroundRule, gdFit: GridFit?, gdRule: ForegroundRule?,
        preContrastFit: GridFit?, brainMaskFit: GridFit?, brainMaskDice: Double?
    ) {
        self.inputs = inputs
        self.t2Fit = t2Fit
        self.t2Rule = t2Rule
        self.gdFit = gdFit
        self.gdRule = gdRule
        self.preContrastFit = preContrastFit
        self.brainMaskFit = brainMaskFit
        self.brainMaskDice = brainMaskDice
    }

    /// True when any of the visit's files was resampled onto the reference grid.
    public var resampled: Bool {
        [t2Fit, gdFit, preContrastFit, brainMaskFit].contains { fit in
            if case .resampled = fit { return true }
            return false
        }
    }
}
