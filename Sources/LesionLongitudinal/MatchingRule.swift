/// The parameters that decide how lesions correspond between visits and how their volume changed.
///
/// Defaults are those of `Pipelines/default.yaml`:
/// - correspondence from one shared voxel;
/// - "enlarging" as a volume ratio ≥ 1.5 (the common 50 % rule) **or** a growth of at least
///   1000 mm³ (LesionTrack's own: large lesions cannot grow 50 % and still be read sensibly), with
///   an increase of at least 14.1 mm³ either way, the volume of a sphere 3 mm across (the smallest
///   lesion a reader counts, Grahl et al., MSARD 2019). Shrinking is the mirror rule;
/// - a confluent region: voxels of a continuing lesion that were lesion at no earlier visit, one
///   connected piece of at least 14.1 mm³ (a new lesion confluent with an old one, which
///   MAGNIMS-CMSC-NAIMS 2021 counts as new or enlarging activity);
/// - a lesion that reappears where one resolved at most 1 visit ago is `recurrent`, not new.
public struct MatchingRule: Sendable, Equatable {
    /// Two lesions correspond when they share at least this many voxels on the common grid.
    public var minimumOverlapVoxels: Int
    /// Enlarging when later / earlier volume ≥ this; shrinking when earlier / later ≥ this.
    public var enlargingRatio: Double
    /// Enlarging also when the volume grew by at least this, in mm³, whatever the ratio;
    /// shrinking when it fell by at least this.
    public var enlargingVolumeMM3: Double
    /// And the absolute volume change is at least this, in mm³.
    public var minimumVolumeChangeMM3: Double
    /// A connected region of new voxels counts as confluent activity from this volume, in mm³.
    public var minimumConfluentVolumeMM3: Double
    /// ... and this many voxels: a confluent region is a new lesion touching an old one, so it
    /// needs the voxels a lesion needs (`lesions.min_voxels`; on a 2 mm grid, 2 voxels are
    /// 16 mm³ but an edge's jitter, not a lesion). Not a key of its own: the pipeline sets it.
    public var minimumConfluentVoxels: Int = 1
    /// A lesion reappearing where one resolved is `recurrent` when that lesion was absent for at
    /// most this many visits; 0 makes every reappearance `new`.
    public var recurrentMaximumAbsentVisits: Int

    public static let `default` = MatchingRule()

    public init(
        minimumOverlapVoxels: Int = 1, enlargingRatio: Double = 1.5, minimumVolumeChangeMM3: Double = 14.1,
        enlargingVolumeMM3: Double = 1000, minimumConfluentVolumeMM3: Double = 14.1, recurrentMaximumAbsentVisits: Int = 1
    ) {
        precondition(minimumOverlapVoxels >= 1 && enlargingRatio >= 1 && minimumVolumeChangeMM3 >= 0)
        precondition(enlargingVolumeMM3 > 0 && minimumConfluentVolumeMM3 >= 0 && recurrentMaximumAbsentVisits >= 0)
        self.minimumOverlapVoxels = minimumOverlapVoxels
        self.enlargingRatio = enlargingRatio
        self.enlargingVolumeMM3 = enlargingVolumeMM3
        self.minimumVolumeChangeMM3 = minimumVolumeChangeMM3
        self.minimumConfluentVolumeMM3 = minimumConfluentVolumeMM3
        self.recurrentMaximumAbsentVisits = recurrentMaximumAbsentVisits
    }

    /// Stable, enlarging or shrinking for a one-to-one pair, from voxel counts on one grid.
    ///
    /// Enlarging: `later > earlier`, change ≥ `minimumVolumeChangeMM3`, and `later ≥ ratio ×
    /// earlier` or change ≥ `enlargingVolumeMM3`. Shrinking mirrors it. Ratios compare voxel
    /// counts, so a boundary case such as 10 → 15 voxels at ratio 1.5 is decided exactly; the
    /// change in mm³ is `|later − earlier| × voxelVolumeMM3`.
    public func volumeState(earlierVoxels: Int, laterVoxels: Int, voxelVolumeMM3: Double) -> LesionState {
        let earlier = Double(earlierVoxels), later = Double(laterVoxels)
        let changeMM3 = abs(later - earlier) * voxelVolumeMM3
        guard changeMM3 >= minimumVolumeChangeMM3 else { return .stable }
        let absolute = changeMM3 >= enlargingVolumeMM3
        if later > earlier && (absolute || later >= enlargingRatio * earlier) { return .enlarging }
        if earlier > later && (absolute || earlier >= enlargingRatio * later) { return .shrinking }
        return .stable
    }

    /// True when a connected region of `voxels` new voxels is confluent activity.
    public func isConfluent(voxels: Int, voxelVolumeMM3: Double) -> Bool {
        isLesionSized(voxels: voxels, voxelVolumeMM3: voxelVolumeMM3)
    }

    /// True when `voxels` voxels are the size of a lesion: the confluent floor, in voxels and mm³
    /// (a region a reader would count). Also the floor of what an earlier image must have shown of
    /// a lesion for it not to be new (`LesionMatcher`'s **Shown before**).
    public func isLesionSized(voxels: Int, voxelVolumeMM3: Double) -> Bool {
        voxels > 0 && voxels >= minimumConfluentVoxels && Double(voxels) * voxelVolumeMM3 >= minimumConfluentVolumeMM3
    }
}
