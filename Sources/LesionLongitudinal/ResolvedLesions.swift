import LesionKernels

/// Where lesions that resolved lately used to be: the ledger's memory of earlier visits beyond the
/// previous one, so a lesion reappearing at such a place is `recurrent`, not new.
///
/// Each voxel holds the ID of the lesion that last covered it among those that resolved, or 0.
/// A lesion's footprint is its voxels at the last visit where it was present. A footprint is
/// forgotten when a lesion of a later visit overlaps it (it recurred, or a neighbour grew over it)
/// or when it has been absent for more than `MatchingRule.recurrentMaximumAbsentVisits` visits.
/// One `Int32` per voxel; every update is one pass, O(N).
public struct ResolvedLesions: Sendable {
    /// Per voxel, the ID value of the resolved lesion that covered it, 0 for none.
    public private(set) var ids: Volume<Int32>
    /// Per remembered ID: the visit where it was first absent, and its voxels when last present.
    public private(set) var remembered: [LesionID: (resolvedAt: Int, voxels: Int)] = [:]

    public init(size: GridSize) {
        ids = Volume(size: size, repeating: 0)
    }

    public var isEmpty: Bool { remembered.isEmpty }

    /// True when `id` may still recur at `visit`.
    public func isLive(_ id: LesionID, atVisit visit: Int, rule: MatchingRule) -> Bool {
        guard let r = remembered[id] else { return false }
        return visit - r.resolvedAt <= rule.recurrentMaximumAbsentVisits
    }

    /// Records the lesions of `previous` that resolved at `visit` and forgets the footprints that
    /// were overlapped there or can no longer recur at the next visit.
    ///
    /// - Parameters:
    ///   - resolved: `(label in previous, ID, voxels)` of each lesion resolved at `visit`.
    ///   - forgotten: IDs overlapped by a lesion at `visit`.
    public mutating func update(
        previous: LabelMap, resolved: [(label: Int, id: LesionID, voxels: Int)], forgotten: Set<LesionID>, visit: Int,
        rule: MatchingRule
    ) {
        var drop = forgotten
        for (id, r) in remembered where visit + 1 - r.resolvedAt > rule.recurrentMaximumAbsentVisits { drop.insert(id) }
        for id in drop { remembered[id] = nil }
        var newID = [Int32](repeating: 0, count: previous.count + 1)
        if rule.recurrentMaximumAbsentVisits > 0 {
            for r in resolved {
                newID[r.label] = Int32(r.id.value)
                remembered[r.id] = (visit, r.voxels)
            }
        }
        guard !drop.isEmpty || resolved.contains(where: { newID[$0.label] != 0 }) else { return }
        let dropped = Set(drop.map { Int32($0.value) })
        let labels = previous.labels.voxels
        for n in ids.voxels.indices {
            let fresh = newID[Int(labels[n])]
            if fresh != 0 {
                ids.voxels[n] = fresh
            } else if ids.voxels[n] != 0 && dropped.contains(ids.voxels[n]) {
                ids.voxels[n] = 0
            }
        }
    }
}
