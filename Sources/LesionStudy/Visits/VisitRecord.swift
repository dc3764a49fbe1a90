import LesionKernels

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
    /// For each of the T2 and Gd files that registration placed on the reference grid, the
    /// transform from the baseline's world to the file's world (`ReferenceGrid.registration`):
    /// what puts the visit's lesions back on the file's own grid.
    public let registrations: [String: Affine]
    /// The largest voxel side in mm of the T2 file and of the Gd file (nil without one), as their
    /// affines give it: what the review's zero counts need (`SeriesAcquisition`).
    public let t2CoarsestVoxelMM: Double
    public let gdCoarsestVoxelMM: Double?

    public init(
        inputs: VisitInputs, t2Fit: GridFit, t2Rule: ForegroundRule, gdFit: GridFit?, gdRule: ForegroundRule?,
        preContrastFit: GridFit?, brainMaskFit: GridFit?, brainMaskDice: Double?, registrations: [String: Affine] = [:],
        t2CoarsestVoxelMM: Double = 0, gdCoarsestVoxelMM: Double? = nil
    ) {
        self.registrations = registrations
        self.t2CoarsestVoxelMM = t2CoarsestVoxelMM
        self.gdCoarsestVoxelMM = gdCoarsestVoxelMM
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

    /// Whether the Gd+ regions were kept or dropped by the T2 file's FLAIR (`flair_min_ratio`): a
    /// subtraction Gd source beside a lesion-growth T2 source, which hands it the FLAIR's ratio.
    public var gdCheckedOnT2: Bool {
        guard case .lesionGrowth = t2Rule, case .enhancement? = gdRule else { return false }
        return true
    }
}
