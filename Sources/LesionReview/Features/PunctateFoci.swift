import LesionLongitudinal

/// Punctate foci around a new or growing lesion, counted as one process with it.
///
/// A **punctate focus** is a new T2 lesion small enough to be a satellite
/// (`features.satellites.max_extent_mm`) that lies within `max_distance_mm` of an **active** host:
/// a T2 lesion at least `host_min_extent_mm` long that counts as activity at this visit (`isActive`). Punctate T2 lesions favour PML (Wijburg et al., JNNP 2016;
/// Hodel et al., Radiology 2016), and patchy or punctate enhancement at the border of a lesion
/// marks PML-IRIS (Tan et al., Neurology 2011; Wattjes et al., JNNP 2016): each such focus is one
/// process with its host, not another new MS lesion, so it must not raise the counts that argue
/// for rebound.
///
/// A new speck under the pipeline's reader's length floor (`VisitLesions.t2Specks`) near an
/// active host is a focus too: readers do not count it as a lesion, but it is a PML sign.
///
/// **Grouped counts.** `newOrEnlargingT2Grouped` is the new-or-enlarging count less the punctate
/// foci counted there (the specks never were). `gdLesionsGrouped` counts Gd+ processes: every Gd+ lesion is given to the T2 lesion it
/// overlaps most (to the host, when that T2 lesion is a punctate focus), or — when it overlaps no
/// T2 lesion and is small — to the nearest host that is active or enhancing; Gd+ lesions given to
/// one T2 lesion count once (patchy enhancement of one lesion is one enhancing lesion); the others
/// count one each.
public struct PunctateFoci: Sendable, Equatable {
    /// Each punctate focus's T2 label → its host's T2 label.
    public let hostOf: [Int: Int]
    /// New specks under the reader's length floor near an active host: foci too small to count as
    /// lesions, so they were never in the counts.
    public let speckFoci: Int
    /// Gd+ processes; nil without a Gd source.
    public let gdLesionsGrouped: Int?

    /// Every focus: the lesions among them and the specks.
    public var count: Int { hostOf.count + speckFoci }

    public init(entries: [LedgerEntry], image: VisitImageFeatures, growth: ContiguousGrowth) {
        let present = entries.filter { $0.label != nil && $0.state.isPresent }
        var active = Set<Int>(), enhancing = Set<Int>(), new = Set<Int>()
        for e in present {
            let label = e.label!
            if Self.isActive(e, growth: growth) { active.insert(label) }
            if e.enhancing == true { enhancing.insert(label) }
            if e.state == .new { new.insert(label) }
        }
        var hostOf: [Int: Int] = [:]
        for label in new.sorted() {
            if let host = image.lesions[label - 1].nearbyHosts.first(where: { active.contains($0) }) { hostOf[label] = host }
        }
        self.hostOf = hostOf
        speckFoci = image.specks.filter { speck in speck.isNew == true && speck.nearbyHosts.contains { active.contains($0) } }.count
        guard image.hasGd else {
            gdLesionsGrouped = nil
            return
        }
        var groups = Set<Int>()
        var alone = 0
        for link in image.gdLesions {
            if let t2 = link.overlapsT2 {
                groups.insert(hostOf[t2] ?? t2)
            } else if let host = link.nearbyHosts.first(where: { active.contains($0) || enhancing.contains($0) }) {
                groups.insert(host)
            } else {
                alone += 1
            }
        }
        gdLesionsGrouped = groups.count + alone
    }

    /// Counted as activity by the ledger (new, enlarging, confluent, or a merge, split or
    /// recurrence that grew), or grown contiguously at this visit.
    public static func isActive(_ entry: LedgerEntry, growth: ContiguousGrowth) -> Bool {
        entry.state.isPresent && (entry.active || growth.grew(entry) == true)
    }
}
