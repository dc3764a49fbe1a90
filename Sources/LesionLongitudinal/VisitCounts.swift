/// The lesion counts of one visit.
///
/// Counts that compare with the previous visit (`newT2` … `absorbedT2`) are nil at the first
/// visit; Gd counts are nil when the visit has no gadolinium source.
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

    public init(
        visit: Int, t2Lesions: Int, t2VolumeMM3: Double, newT2: Int?, enlargingT2: Int?, stableT2: Int?,
        shrinkingT2: Int?, mergedT2: Int?, splitT2: Int?, resolvedT2: Int?, absorbedT2: Int?,
        gdLesions: Int?, enhancingT2: Int?
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
    }

    /// New plus enlarging: the usual measure of T2 activity between scans.
    public var newOrEnlargingT2: Int? {
        guard let newT2, let enlargingT2 else { return nil }
        return newT2 + enlargingT2
    }
}
