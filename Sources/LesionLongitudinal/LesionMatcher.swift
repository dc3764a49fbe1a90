import LesionKernels

/// Matches the lesions of two consecutive visits on one grid and carries their ledger IDs.
///
/// **Correspondence.** An earlier lesion and a later lesion correspond when they share at least
/// `rule.minimumOverlapVoxels` voxels. Each later lesion is then:
/// - `new` with no earlier partner;
/// - `merged` with two or more earlier partners;
/// - `split` when its one earlier partner has two or more later partners;
/// - else (one-to-one) `enlarging`, `shrinking` or `stable` by `MatchingRule.volumeState`.
/// Each earlier lesion whose ID does not continue is `resolved` (no partner) or `absorbed`
/// (its partners carry other IDs; `mergedInto` lists them).
///
/// **IDs.** Corresponding pairs are visited by decreasing shared voxels (ties: lower earlier label,
/// then lower later label); a pair passes the earlier lesion's ID to the later one when neither
/// has been paired yet. So an ID continues into at most one lesion and each lesion takes at most
/// one ID: a merged lesion keeps the ID of the earlier lesion it overlaps most, and the largest
/// fragment of a split keeps its parent's ID. Later lesions left without an ID (new lesions and
/// the other fragments of a split) take fresh IDs from `nextID` up, in label order.
///
/// Time O(N + P log P) for N voxels and P corresponding pairs.
public enum LesionMatcher {
    /// A lesion of the later visit.
    public struct Continued: Sendable, Equatable {
        /// Its label in the later visit's map.
        public let label: Int
        public let id: LesionID
        public let state: LesionState
        /// IDs of its earlier partners, ascending (empty when new).
        public let previousIDs: [LesionID]
        /// Voxels of its earlier partners together (0 when new).
        public let previousVoxels: Int
        /// The parent's ID, for a fragment of a split that took a fresh ID.
        public let splitFrom: LesionID?
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
    }

    /// - Parameters:
    ///   - earlierIDs: the ID of each earlier label (`earlierIDs[label - 1]`).
    ///   - voxelVolumeMM3: the voxel volume of the common grid, for the enlarging floor.
    public static func match(
        earlier: LabelMap, earlierIDs: [LesionID], later: LabelMap, rule: MatchingRule,
        voxelVolumeMM3: Double, nextID: Int
    ) -> Step {
        precondition(earlierIDs.count == earlier.count, "one ID per earlier lesion")
        let table = OverlapTable(earlier, later)
        let edges = table.pairs.filter { $0.voxels >= rule.minimumOverlapVoxels }
        var laterPartners = [[Int]](repeating: [], count: later.count + 1)
        var earlierPartners = [[Int]](repeating: [], count: earlier.count + 1)
        for edge in edges {
            laterPartners[edge.second].append(edge.first)
            earlierPartners[edge.first].append(edge.second)
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
        var next = nextID
        for label in stride(from: 1, through: later.count, by: 1) where idOf[label] == nil {
            idOf[label] = LesionID(next)
            next += 1
        }

        let laterLesions = stride(from: 1, through: later.count, by: 1).map { f -> Continued in
            let partners = laterPartners[f]
            let id = idOf[f]!
            let previousVoxels = partners.reduce(0) { $0 + table.firstSizes[$1] }
            var splitFrom: LesionID?
            let state: LesionState
            switch partners.count {
            case 0: state = .new
            case 1 where earlierPartners[partners[0]].count >= 2:
                state = .split
                let parent = earlierIDs[partners[0] - 1]
                splitFrom = parent == id ? nil : parent
            case 1:
                state = rule.volumeState(
                    earlierVoxels: previousVoxels, laterVoxels: table.secondSizes[f], voxelVolumeMM3: voxelVolumeMM3)
            default: state = .merged
            }
            return Continued(
                label: f, id: id, state: state, previousIDs: partners.map { earlierIDs[$0 - 1] }.sorted(),
                previousVoxels: previousVoxels, splitFrom: splitFrom)
        }
        let ended = stride(from: 1, through: earlier.count, by: 1).filter { !continued[$0] }.map { e in
            let into = earlierPartners[e].map { idOf[$0]! }.sorted()
            return Ended(label: e, id: earlierIDs[e - 1], state: into.isEmpty ? .resolved : .absorbed, mergedInto: into)
        }
        return Step(later: laterLesions, ended: ended, nextID: next)
    }
}
