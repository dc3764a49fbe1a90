/// How one input file was put on the reference (baseline) grid.
public enum GridFit: Sendable, Equatable {
    /// The file defines the reference grid.
    case reference
    /// Same dimensions and affine within the tolerance: compared voxel for voxel.
    case same(displacementMM: Double)
    /// Resampled onto the reference grid; `coverage` is the fraction of the reference's voxel
    /// centres inside the file's field of view.
    case resampled(method: ResamplingMethod, coverage: Double)

    public enum ResamplingMethod: String, Sendable {
        /// For masks: each reference voxel takes the value of the voxel holding its centre.
        case nearest
        /// For intensities and probabilities.
        case trilinear
    }

    /// The share of the reference's voxel centres (of its brain's, when the template's brain mask
    /// was on the grid) inside the file's field of view: 1 unless resampled.
    public var coverage: Double {
        if case .resampled(_, let coverage) = self { return coverage }
        return 1
    }

    /// `reference`, `same` or `resampled`, as the outputs name it.
    public var name: String {
        switch self {
        case .reference: "reference"
        case .same: "same"
        case .resampled: "resampled"
        }
    }
}
