import LesionKernels

/// One lesion at one visit: a row of the ledger.
///
/// A lesion present at the visit has its label in that visit's T2 map and its measurements; a
/// `resolved` or `absorbed` row marks the visit where an ID ends and carries no measurements.
public struct LedgerEntry: Sendable, Equatable {
    public let id: LesionID
    /// 0-based index of the visit in the patient's order.
    public let visit: Int
    public let state: LesionState
    /// The lesion's label in the visit's T2 map; nil when the ID ends at this visit.
    public let label: Int?
    /// 0 when the ID ends at this visit.
    public let voxelCount: Int
    public let volumeMM3: Double
    /// The volume of its previous-visit partners together; nil at baseline and for new lesions.
    /// For `recurrent`: the volume of the resolved lesions it overlaps, when last present. For an
    /// `enlarging` lesion without partners (`previousIDs` empty): the part of it the previous
    /// visit's image showed (`LesionMatcher`'s **Shown before**).
    public let previousVolumeMM3: Double?
    /// IDs of its previous-visit partners, ascending; for `recurrent`, the resolved lesions it overlaps.
    public let previousIDs: [LesionID]
    /// For `absorbed`: the IDs it merged into.
    public let mergedInto: [LesionID]
    /// For a split fragment with a fresh ID: its parent's ID; for a `recurrent` lesion whose old
    /// ID went to another, the resolved lesion it overlaps (the lowest ID).
    public let splitFrom: LesionID?
    /// Shares a voxel with a Gd+ lesion at this visit; nil when the visit has no Gd source or the ID ended.
    public let enhancing: Bool?
    /// Nil when the ID ends at this visit.
    public let lesion: Lesion?
    /// It continues earlier lesions and adds a connected region of new voxels of at least
    /// `MatchingRule.minimumConfluentVolumeMM3` (a new lesion confluent with an old one).
    public let confluent: Bool
    /// It counts in `new_or_enlarging_t2`: `new`, `enlarging`, or `merged`, `split` or
    /// `recurrent` and confluent or grown by the enlarging rule (`LesionMatcher`).
    public let active: Bool
    /// Volume of its largest connected region of new voxels, mm³; nil at baseline, for new
    /// lesions (all new) and for IDs that ended.
    public let largestAddedRegionMM3: Double?
    /// For `recurrent`: the visits it was absent.
    public let absentVisits: Int?

    public init(
        id: LesionID, visit: Int, state: LesionState, label: Int?, voxelCount: Int, volumeMM3: Double,
        previousVolumeMM3: Double?, previousIDs: [LesionID], mergedInto: [LesionID], splitFrom: LesionID?,
        enhancing: Bool?, lesion: Lesion?, confluent: Bool = false, active: Bool? = nil,
        largestAddedRegionMM3: Double? = nil, absentVisits: Int? = nil
    ) {
        self.id = id
        self.visit = visit
        self.state = state
        self.label = label
        self.voxelCount = voxelCount
        self.volumeMM3 = volumeMM3
        self.previousVolumeMM3 = previousVolumeMM3
        self.previousIDs = previousIDs
        self.mergedInto = mergedInto
        self.splitFrom = splitFrom
        self.enhancing = enhancing
        self.lesion = lesion
        self.confluent = confluent
        self.active = active ?? (state == .new || state == .enlarging)
        self.largestAddedRegionMM3 = largestAddedRegionMM3
        self.absentVisits = absentVisits
    }

    /// `volumeMM3 / previousVolumeMM3` for a present lesion with previous partners.
    public var volumeRatio: Double? {
        guard state.isPresent, let previous = previousVolumeMM3, previous > 0 else { return nil }
        return volumeMM3 / previous
    }
}
