/// The parameters of the image features, from the `features` section of the rules file.
///
/// Distances are between voxel centres, in mm through the grid's affine. No published standard
/// gives these numbers except the 3 cm of a large PML lesion; each default is documented in
/// `Pipelines/rules.yaml`.
public struct FeatureParameters: Sendable, Equatable {
    /// A lesion is large when its largest extent exceeds this (PML lesions: > 3 cm).
    public var largeLesionExtentMM: Double
    /// A lesion is in contact with grey matter or the ventricles when one of its voxels lies within
    /// this distance of a voxel of that map.
    public var contactDistanceMM: Double
    /// A lesion voxel belongs to the rim when a voxel outside the lesion lies within this distance.
    public var rimThicknessMM: Double
    /// Punctate-focus hosts: new or growing lesions at least this long.
    public var satelliteHostMinimumExtentMM: Double
    /// Punctate foci: new lesions at most this long ...
    public var satelliteMaximumExtentMM: Double
    /// ... within this distance of a host.
    public var satelliteMaximumDistanceMM: Double
    /// A patient with no recorded natalizumab status is taken to be on it when the last infusion
    /// is at most this many weeks before the scan.
    public var onNatalizumabWeeks: Double
    /// A count of zero is evidence of no lesion only from a series covering at least this share of
    /// the baseline's brain ...
    public var zeroCountMinimumCoverage: Double
    /// ... with no voxel side (of the series, or of the grid it is compared on) above this.
    public var zeroCountMaximumVoxelMM: Double

    public init(
        largeLesionExtentMM: Double, contactDistanceMM: Double, rimThicknessMM: Double,
        satelliteHostMinimumExtentMM: Double, satelliteMaximumExtentMM: Double, satelliteMaximumDistanceMM: Double,
        onNatalizumabWeeks: Double, zeroCountMinimumCoverage: Double = 0.99, zeroCountMaximumVoxelMM: Double = 3
    ) {
        self.largeLesionExtentMM = largeLesionExtentMM
        self.contactDistanceMM = contactDistanceMM
        self.rimThicknessMM = rimThicknessMM
        self.satelliteHostMinimumExtentMM = satelliteHostMinimumExtentMM
        self.satelliteMaximumExtentMM = satelliteMaximumExtentMM
        self.satelliteMaximumDistanceMM = satelliteMaximumDistanceMM
        self.onNatalizumabWeeks = onNatalizumabWeeks
        self.zeroCountMinimumCoverage = zeroCountMinimumCoverage
        self.zeroCountMaximumVoxelMM = zeroCountMaximumVoxelMM
    }

    /// The values of `Pipelines/rules.yaml`.
    public static let standard = FeatureParameters(
        largeLesionExtentMM: 30, contactDistanceMM: 2, rimThicknessMM: 3,
        satelliteHostMinimumExtentMM: 5, satelliteMaximumExtentMM: 4, satelliteMaximumDistanceMM: 5, onNatalizumabWeeks: 8)
}
