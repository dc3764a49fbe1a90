/// When two scans may be compared on one grid, and when they are refused.
///
/// - Same grid: equal dimensions and no voxel centre placed more than `sameGridToleranceMM` apart
///   by the two affines (checked at the grid's corners, where the largest displacement lies).
///   Compared voxel for voxel.
/// - Otherwise the scan is resampled onto the reference grid when at least
///   `minimumFieldCoverage` of the reference's voxel centres fall inside the scan's field of
///   view; below that (and always at 0, no overlap in world space) the pair is refused.
/// - When both visits have a brain mask, the masks, on the reference grid, must reach a Dice
///   overlap of `minimumBrainMaskDice`; below it the pair is refused as not co-registered.
public struct GridRule: Sendable, Equatable {
    public var sameGridToleranceMM: Double
    public var minimumFieldCoverage: Double
    public var minimumBrainMaskDice: Double

    public static let `default` = GridRule()

    public init(sameGridToleranceMM: Double = 0.01, minimumFieldCoverage: Double = 0.9, minimumBrainMaskDice: Double = 0.8) {
        self.sameGridToleranceMM = sameGridToleranceMM
        self.minimumFieldCoverage = minimumFieldCoverage
        self.minimumBrainMaskDice = minimumBrainMaskDice
    }
}
