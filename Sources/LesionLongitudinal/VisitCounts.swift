/// The lesion counts of one visit.
///
/// Counts that compare with the previous visit (`newT2` … `absorbedT2`, `confluentT2` …
/// `activeRecurrentT2`) are nil at the first visit; Gd counts are nil when the visit has no
/// gadolinium source. The state counts (`newT2` … `splitT2`, `recurrentT2`) add up to `t2Lesions`.
public struct VisitCounts: Sendable, Equatable {
    /// 0-based index of the visit.
    public let visit: Int
    public let t2Lesions: Int
    public let t2VolumeMM3: Double
    public let newT2: Int?
    public let enlargingT2: Int?
    public let stableT2: Int?
    public let shrinkingT2: Int?
    public let mergedT2: Int?
    public let splitT2: Int?
    /// Previous-visit lesions that overlap nothing now.
    public let resolvedT2: Int?
    /// Previous-visit lesions merged into a lesion with another ID.
    public let absorbedT2: Int?
    public let gdLesions: Int?
    /// T2 lesions sharing a voxel with a Gd+ lesion.
    public let enhancingT2: Int?
    /// Lesions that add a confluent region to earlier lesions, whatever their state (counted in
    /// `enlargingT2` when one-to-one, in `activeMergedSplitT2` when merged or split).
    public let confluentT2: Int?
    /// Lesions reappearing where a lesion resolved lately: not new.
    public let recurrentT2: Int?
    /// Merged or split lesions counted as activity: confluent, or grown by the enlarging rule
    /// against their earlier partners together.
    public let activeMergedSplitT2: Int?
    /// Recurrent lesions counted as activity: confluent, or grown by the enlarging rule against
    /// their volume when last present.
    public let activeRecurrentT2: Int?

    public init(
        visit: Int, t2Lesions: Int, t2VolumeMM3: Double, newT2: Int?, enlargingT2: Int?, stableT2: Int?,
        shrinkingT2: Int?, mergedT2: Int?, splitT2: Int?, resolvedT2: Int?, absorbedT2: Int?,
        gdLesions: Int?, enhancingT2: Int?, confluentT2: Int? = nil, recurrentT2: Int? = nil,
        activeMergedSplitT2: Int? = nil, activeRecurrentT2: Int? = nil
    ) {
        self.visit = visit
        self.t2Lesions = t2Lesions
        self.t2VolumeMM3 = t2VolumeMM3
        self.newT2 = newT2
        self.enlargingT2 = enlargingT2
        self.stableT2 = stableT2
        self.shrinkingT2 = shrinkingT2
        self.mergedT2 = mergedT2
        self.splitT2 = splitT2
        self.resolvedT2 = resolvedT2
        self.absorbedT2 = absorbedT2
        self.gdLesions = gdLesions
        self.enhancingT2 = enhancingT2
        self.confluentT2 = confluentT2
        self.recurrentT2 = recurrentT2
        self.activeMergedSplitT2 = activeMergedSplitT2
        self.activeRecurrentT2 = activeRecurrentT2
    }

    /// New or enlarging T2 lesions, the usual measure of T2 activity between scans: new plus
    /// enlarging (confluent one-to-one lesions included) plus the merged, split and recurrent
    /// lesions counted as activity. Each lesion counts once.
    public var newOrEnlargingT2: Int? {
        guard let newT2, let enlargingT2 else { return nil }
        return newT2 + enlargingT2 + (activeMergedSplitT2 ?? 0) + (activeRecurrentT2 ?? 0)
    }
}
