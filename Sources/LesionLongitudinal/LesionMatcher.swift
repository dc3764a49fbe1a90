import LesionKernels

/// Matches the lesions of two consecutive visits on one grid and carries their ledger IDs.
///
/// **Correspondence.** An earlier lesion and a later lesion correspond when they share at least
/// `rule.minimumOverlapVoxels` voxels. Each later lesion is then:
/// - `merged` with two or more earlier partners;
/// - `split` when its one earlier partner has two or more later partners;
/// - with one earlier partner, one-to-one: `enlarging`, `shrinking` or `stable` by
///   `MatchingRule.volumeState`, and `enlarging` whatever its volume when it adds a confluent region;
/// - with no earlier partner: `recurrent` when it overlaps (by the same minimum) the footprint of
///   a lesion that resolved at most `rule.recurrentMaximumAbsentVisits` visits ago
///   (`ResolvedLesions`); else `enlarging` when the earlier visit's image already showed part of
///   it (`shown`), that part the size of a lesion (`MatchingRule.isLesionSized`), and it grew from
///   that part by the enlarging rule; else `new`.
/// Each earlier lesion whose ID does not continue is `resolved` (no partner) or `absorbed`
/// (its partners carry other IDs; `mergedInto` lists them).
///
/// **Confluent regions.** The *new voxels* of the later visit are its lesion voxels that were in
/// no lesion of the earlier visit nor in a remembered resolved footprint. They are grouped into
/// connected components with the lesions' own connectivity, so each component lies in one later
/// lesion. A later lesion with earlier (or resolved) partners whose largest such component
/// reaches `rule.minimumConfluentVolumeMM3` is `confluent`: a new lesion confluent with an old
/// one, which MAGNIMS-CMSC-NAIMS 2021 (Wattjes et al., Lancet Neurol 2021) counts as new or
/// enlarging activity. A lesion touching an old one only where the connectivity does not join
/// them (a corner at 6-connectivity) is a separate lesion, so `new`.
///
/// **Activity** (`Continued.active`, what `new_or_enlarging_t2` counts): `new` and `enlarging`
/// lesions, and `merged`, `split` and `recurrent` lesions that are confluent or grew by the
/// enlarging rule against their partners together (for `recurrent`: their volume when last present).
///
/// **Shown before.** A lesion the earlier visit's method missed but its image showed (a
/// segmentation's `FLAIRLesionSegmentation.shownBefore`) has no earlier partner. Where it has
/// grown since from what was shown, it is `enlarging`, with no earlier IDs and the shown voxels as
/// its previous volume (`Continued.shownBefore`); it counts as activity either way. A shown part
/// never makes a lesion stable: when it did not grow by the rule, it stays `new`, so a missed
/// lesion of the earlier visit is counted as activity rather than read away.
///
/// **Change.** When the voxels whose FLAIR changed since the earlier visit are known (`changed`),
/// a lesion with partners has grown — is confluent, enlarging or active — only when at least one
/// of its new voxels changed: a lesion drawn larger where its FLAIR did not rise is the same
/// lesion seen differently. A lesion without partners is new whatever its FLAIR.
///
/// **IDs.** Corresponding pairs are visited by decreasing shared voxels (ties: lower earlier label,
/// then lower later label); a pair passes the earlier lesion's ID to the later one when neither
/// has been paired yet. So an ID continues into at most one lesion and each lesion takes at most
/// one ID: a merged lesion keeps the ID of the earlier lesion it overlaps most, and the largest
/// fragment of a split keeps its parent's ID. Recurrent lesions then take back the ID of the
/// resolved lesion they overlap most, by the same order (ties: lower ID), each ID once. Later
/// lesions left without an ID (new lesions, the other fragments of a split, recurrent lesions
/// whose old ID went to another) take fresh IDs from `nextID` up, in label order.
///
/// Time O(N + P log P) for N voxels and P corresponding pairs.
public enum LesionMatcher {
    /// A lesion of the later visit.
    public struct Continued: Sendable, Equatable {
        /// Its label in the later visit's map.
        public let label: Int
        public let id: LesionID
        public let state: LesionState
        /// IDs of its earlier partners, ascending (empty when new); for `recurrent`, the resolved
        /// lesions it overlaps.
        public let previousIDs: [LesionID]
        /// Voxels of its earlier partners together (0 when new); for `recurrent`, their voxels
        /// when last present.
        public let previousVoxels: Int
        /// The parent's ID, for a fragment of a split that took a fresh ID.
        public let splitFrom: LesionID?
        /// Voxels of its largest connected region of new voxels; 0 when new (all of it is new).
        public let largestAddedVoxels: Int
        /// It has partners, its largest region of new voxels reaches the confluent floor, and (when
        /// the change is known) one of its new voxels changed.
        public let confluent: Bool
        /// It counts as new or enlarging activity.
        public let active: Bool
        /// For `recurrent`: visits its resolved partner was absent (the most recent one's).
        public let absentVisits: Int?
        /// True for an `enlarging` lesion without earlier partners, grown from the part the
        /// earlier visit's image showed (that part's voxels are `previousVoxels`); false
        /// otherwise. See **Shown before**.
        public var shownBefore: Bool = false
    }

    /// A lesion of the earlier visit whose ID does not continue.
    public struct Ended: Sendable, Equatable {
        /// Its label in the earlier visit's map.
        public let label: Int
        public let id: LesionID
        /// `resolved` or `absorbed`.
        public let state: LesionState
        /// For `absorbed`: the IDs of the later lesions it is now part of, ascending.
        public let mergedInto: [LesionID]

        public init(label: Int, id: LesionID, state: LesionState, mergedInto: [LesionID]) {
            self.label = label
            self.id = id
            self.state = state
            self.mergedInto = mergedInto
        }
    }

    public struct Step: Sendable, Equatable {
        /// One per later lesion, in label order.
        public let later: [Continued]
        /// Earlier lesions whose ID ends here, in label order.
        public let ended: [Ended]
        /// The first ID not yet used.
        public let nextID: Int
        /// Remembered resolved lesions that a later lesion overlaps (recurred or grown over), ascending.
        public let overlappedResolved: [LesionID]
    }

    /// - Parameters:
    ///   - earlierIDs: the ID of each earlier label (`earlierIDs[label - 1]`).
    ///   - voxelVolumeMM3: the voxel volume of the common grid, for the volume floors.
    ///   - connectivity: the connectivity both maps were labelled with, for confluent regions.
    ///   - resolved: footprints of lesions resolved before `earlier`; nil for none.
    ///   - visit: the later visit's index, to tell how long a resolved lesion was absent.
    ///   - shell: half an acquired voxel of the coarser of the two visits' series along each grid
    ///     axis, in grid voxels (`VisitLesions.partialVolumeVoxels`). Later voxels within it of an
    ///     earlier lesion are the edge's partial volume, not growth: they are not new (no
    ///     confluent region is made of them), and when it is not zero a lesion's growth for the
    ///     volume rule is its voxels outside it, `min(later, earlier + outside)`. [0, 0, 0] leaves
    ///     every rule as it is. Not used when `reacquired` is given.
    ///   - reacquired: the earlier visit's lesions as the later visit's series would show them
    ///     (`VisitLesions.earlierReacquired`), or nil. Later voxels in them or in the earlier
    ///     lesions are not new, in place of the shell: what the earlier visit already showed,
    ///     blurred by this visit's acquisition, is not growth, and this measures it.
    ///   - changed: the voxels whose FLAIR changed since the earlier visit
    ///     (`VisitLesions.changed`), or nil when that is not known. See **Change** above.
    ///   - shown: the later lesions' voxels the earlier visit's image already showed as lesion
    ///     (`VisitLesions.shownBefore`), or nil. See **Shown before** above: the shown voxels
    ///     (`ShownBefore.voxels`) are the previous volume, and as with `reacquired` the growth is
    ///     the voxels outside them and outside what the later series would draw of them
    ///     (`ShownBefore.asSeries`).
    public static func match(
        earlier: LabelMap, earlierIDs: [LesionID], later: LabelMap, rule: MatchingRule,
        voxelVolumeMM3: Double, nextID: Int, connectivity: Connectivity = .default,
        resolved: ResolvedLesions? = nil, visit: Int = 1, shell: [Int] = [0, 0, 0], reacquired: Volume<Bool>? = nil,
        changed: Volume<Bool>? = nil, shown: ShownBefore? = nil
    ) -> Step {
        precondition(changed.map { $0.size == later.size } ?? true, "the changed voxels are on another grid")
        precondition(shown.map { $0.voxels.size == later.size } ?? true, "the shown voxels are on another grid")
        precondition(earlierIDs.count == earlier.count, "one ID per earlier lesion")
        precondition(resolved.map { $0.ids.size == later.size } ?? true, "resolved footprints on another grid")
        let table = OverlapTable(earlier, later)
        let edges = table.pairs.filter { $0.voxels >= rule.minimumOverlapVoxels }
        var laterPartners = [[Int]](repeating: [], count: later.count + 1)
        var earlierPartners = [[Int]](repeating: [], count: earlier.count + 1)
        for edge in edges {
            laterPartners[edge.second].append(edge.first)
            earlierPartners[edge.first].append(edge.second)
        }
        let live =
            resolved.map { r in
                Set(r.remembered.keys.filter { r.isLive($0, atVisit: visit, rule: rule) }.map { Int32($0.value) })
            } ?? []
        // The earlier lesions re-acquired as the later series are the partial volume measured;
        // the shell stands in for them only when they are not known (both would take it twice).
        let hasShell = reacquired == nil && shell.contains { $0 > 0 }
        let partialVolume = hasShell || reacquired != nil
        let regions = NewVoxelRegions(
            earlier: earlier, later: later, resolved: live.isEmpty ? nil : resolved!.ids, live: live, connectivity: connectivity,
            shell: hasShell ? shell : nil, explained: reacquired, changed: changed)
        let resolvedEdges = regions.resolvedPairs.filter { $0.voxels >= rule.minimumOverlapVoxels }
        var resolvedPartners = [[LesionID]](repeating: [], count: later.count + 1)
        for edge in resolvedEdges where laterPartners[edge.later].isEmpty { resolvedPartners[edge.later].append(edge.id) }

        // Per later label: its voxels shown before, and those neither shown nor drawn by the
        // later series from what was shown.
        var shownVoxels = [Int](repeating: 0, count: later.count + 1)
        var unshownVoxels = [Int](repeating: 0, count: later.count + 1)
        if let shown {
            let asSeries = shown.asSeries?.voxels ?? shown.voxels.voxels
            for (n, label) in later.labels.voxels.enumerated() where label != 0 {
                if shown.voxels.voxels[n] {
                    shownVoxels[Int(label)] += 1
                } else if !asSeries[n] {
                    unshownVoxels[Int(label)] += 1
                }
            }
        }

        var idOf = [LesionID?](repeating: nil, count: later.count + 1)
        var continued = [Bool](repeating: false, count: earlier.count + 1)
        let byOverlap = edges.sorted {
            $0.voxels != $1.voxels ? $0.voxels > $1.voxels : ($0.first, $0.second) < ($1.first, $1.second)
        }
        for edge in byOverlap where idOf[edge.second] == nil && !continued[edge.first] {
            idOf[edge.second] = earlierIDs[edge.first - 1]
            continued[edge.first] = true
        }
        var revived = Set<LesionID>()
        let recurrentByOverlap = resolvedEdges.filter { laterPartners[$0.later].isEmpty }.sorted {
            $0.voxels != $1.voxels ? $0.voxels > $1.voxels : ($0.id, $0.later) < ($1.id, $1.later)
        }
        for edge in recurrentByOverlap where idOf[edge.later] == nil && !revived.contains(edge.id) {
            idOf[edge.later] = edge.id
            revived.insert(edge.id)
        }
        var next = nextID
        for label in stride(from: 1, through: later.count, by: 1) where idOf[label] == nil {
            idOf[label] = LesionID(next)
            next += 1
        }

        let laterLesions = stride(from: 1, through: later.count, by: 1).map { f -> Continued in
            let partners = laterPartners[f]
            let id = idOf[f]!
            let laterVoxels = table.secondSizes[f]
            let added = regions.largestAdded[f]
            // Growth needs a new voxel whose FLAIR changed, when that is known.
            let changedSince = changed == nil || regions.changedNew[f] > 0
            let confluent =
                changedSince && (!partners.isEmpty || !resolvedPartners[f].isEmpty)
                && rule.isConfluent(voxels: added, voxelVolumeMM3: voxelVolumeMM3)
            // Within the partial-volume shell (and the earlier lesions re-acquired) a later lesion
            // is no larger than the earlier one.
            func measured(from voxels: Int) -> Int {
                partialVolume ? min(laterVoxels, voxels + regions.outside[f]) : laterVoxels
            }
            func grew(from voxels: Int) -> Bool {
                changedSince
                    && rule.volumeState(earlierVoxels: voxels, laterVoxels: measured(from: voxels), voxelVolumeMM3: voxelVolumeMM3)
                        == .enlarging
            }
            if partners.isEmpty {
                let old = resolvedPartners[f].sorted()
                guard !old.isEmpty, let remembered = resolved?.remembered else {
                    let before = shownVoxels[f]
                    let grown = min(laterVoxels, before + unshownVoxels[f])
                    if rule.isLesionSized(voxels: before, voxelVolumeMM3: voxelVolumeMM3) && changedSince
                        && rule.volumeState(earlierVoxels: before, laterVoxels: grown, voxelVolumeMM3: voxelVolumeMM3) == .enlarging
                    {
                        return Continued(
                            label: f, id: id, state: .enlarging, previousIDs: [], previousVoxels: before, splitFrom: nil,
                            largestAddedVoxels: 0, confluent: false, active: true, absentVisits: nil, shownBefore: true)
                    }
                    return Continued(
                        label: f, id: id, state: .new, previousIDs: [], previousVoxels: 0, splitFrom: nil,
                        largestAddedVoxels: 0, confluent: false, active: true, absentVisits: nil)
                }
                let previousVoxels = old.reduce(0) { $0 + remembered[$1]!.voxels }
                let lastResolved = old.map { remembered[$0]!.resolvedAt }.max()!
                return Continued(
                    label: f, id: id, state: .recurrent, previousIDs: old, previousVoxels: previousVoxels,
                    splitFrom: old.contains(id) ? nil : old[0], largestAddedVoxels: added, confluent: confluent,
                    active: confluent || grew(from: previousVoxels), absentVisits: visit - lastResolved)
            }
            let previousVoxels = partners.reduce(0) { $0 + table.firstSizes[$1] }
            var splitFrom: LesionID?
            let state: LesionState
            let active: Bool
            switch partners.count {
            case 1 where earlierPartners[partners[0]].count >= 2:
                state = .split
                let parent = earlierIDs[partners[0] - 1]
                splitFrom = parent == id ? nil : parent
                active = confluent || grew(from: previousVoxels)
            case 1:
                let byVolume = rule.volumeState(
                    earlierVoxels: previousVoxels, laterVoxels: measured(from: previousVoxels), voxelVolumeMM3: voxelVolumeMM3)
                state = confluent ? .enlarging : byVolume == .enlarging && !changedSince ? .stable : byVolume
                active = state == .enlarging
            default:
                state = .merged
                active = confluent || grew(from: previousVoxels)
            }
            return Continued(
                label: f, id: id, state: state, previousIDs: partners.map { earlierIDs[$0 - 1] }.sorted(),
                previousVoxels: previousVoxels, splitFrom: splitFrom, largestAddedVoxels: added, confluent: confluent,
                active: active, absentVisits: nil)
        }
        let ended = stride(from: 1, through: earlier.count, by: 1).filter { !continued[$0] }.map { e in
            let into = earlierPartners[e].map { idOf[$0]! }.sorted()
            return Ended(label: e, id: earlierIDs[e - 1], state: into.isEmpty ? .resolved : .absorbed, mergedInto: into)
        }
        let overlapped = Set(regions.resolvedPairs.map(\.id)).sorted()
        return Step(later: laterLesions, ended: ended, nextID: next, overlappedResolved: overlapped)
    }
}
