/// The parameters that decide how lesions correspond between visits and how their volume changed.
///
/// Defaults are those of `Pipelines/default.yaml`: correspondence from one shared voxel, and
/// "enlarging" as a volume ratio ≥ 1.5 (the common 50 % rule) with an increase of at least
/// 14.1 mm³, the volume of a sphere 3 mm across (the smallest lesion a reader counts, Grahl et
/// al., MSARD 2019). Shrinking is the mirror rule: ratio ≤ 1 / 1.5 and a decrease of at least the
/// same floor.
public struct MatchingRule: Sendable, Equatable {
    /// Two lesions correspond when they share at least this many voxels on the common grid.
    public var minimumOverlapVoxels: Int
    /// Enlarging when later / earlier volume ≥ this; shrinking when earlier / later ≥ this.
    public var enlargingRatio: Double
    /// And the absolute volume change is at least this, in mm³.
    public var minimumVolumeChangeMM3: Double

    public static let `default` = MatchingRule()

    public init(minimumOverlapVoxels: Int = 1, enlargingRatio: Double = 1.5, minimumVolumeChangeMM3: Double = 14.1) {
        precondition(minimumOverlapVoxels >= 1 && enlargingRatio >= 1 && minimumVolumeChangeMM3 >= 0)
        self.minimumOverlapVoxels = minimumOverlapVoxels
        self.enlargingRatio = enlargingRatio
        self.minimumVolumeChangeMM3 = minimumVolumeChangeMM3
    }

    /// Stable, enlarging or shrinking for a one-to-one pair, from voxel counts on one grid.
    ///
    /// Ratios compare voxel counts (`later ≥ ratio × earlier`), so a boundary case such as
    /// 10 → 15 voxels at ratio 1.5 is decided exactly; the change in mm³ is
    /// `|later − earlier| × voxelVolumeMM3`.
    public func volumeState(earlierVoxels: Int, laterVoxels: Int, voxelVolumeMM3: Double) -> LesionState {
        let earlier = Double(earlierVoxels), later = Double(laterVoxels)
        let changeMM3 = abs(later - earlier) * voxelVolumeMM3
        guard changeMM3 >= minimumVolumeChangeMM3 else { return .stable }
        if later > earlier && later >= enlargingRatio * earlier { return .enlarging }
        if earlier > later && earlier >= enlargingRatio * later { return .shrinking }
        return .stable
    }
}
