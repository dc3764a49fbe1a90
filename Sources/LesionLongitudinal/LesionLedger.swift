import LesionKernels

/// A patient's lesions across all visits: stable IDs, each lesion's state and volume at every
/// visit, and the counts of each visit.
///
/// Visits are appended in order and each is compared with the one before (`LesionMatcher`), on
/// one common grid. The ledger keeps the previous visit's label map and one map of the lesions
/// that resolved lately (`ResolvedLesions`), so a lesion reappearing at such a place is
/// `recurrent`, not new; memory does not grow with the number of visits. Baseline lesions take
/// IDs 1…N in label order; IDs then continue, end, or are created as the matcher says, and are
/// never given to another lesion: a `recurrent` lesion takes back the ID of the lesion that
/// resolved there. An ID has a row at every visit from the one where it appears to the one where
/// it ends (`resolved` or `absorbed`), or to the last visit; a recurrent ID has no rows at the
/// visits it was absent, and rows again from the visit it recurs.
///
/// Invariants: at each visit the present rows are exactly the visit's T2 lesions, once each, with
/// distinct IDs.
public struct LesionLedger: Sendable {
    public let geometry: VoxelGeometry
    public let rule: MatchingRule
    /// Rows in the order they were made: by visit, present lesions in label order, then ended IDs.
    public private(set) var rows: [LedgerEntry] = []
    /// One per visit appended, in visit order.
    public private(set) var counts: [VisitCounts] = []
    private var previous: (map: LabelMap, lesions: [Lesion], ids: [LesionID], partialVolume: [Int])?
    private var resolved: ResolvedLesions
    private var nextID = 1

    /// - Parameter geometry: the common grid of every visit's maps.
    public init(geometry: VoxelGeometry, rule: MatchingRule) {
        self.geometry = geometry
        self.rule = rule
        self.resolved = ResolvedLesions(size: geometry.size)
    }

    /// Compares the next visit with the last one appended and records its rows and counts.
    public mutating func append(_ visit: VisitLesions) {
        precondition(visit.t2.size == geometry.size, "every visit must be on the common grid")
        let index = counts.count
        let voxelVolume = geometry.voxelVolumeMM3
        let enhancing = visit.enhancing
        let lesions = visit.t2.lesions
        var step: LesionMatcher.Step?
        var ids: [LesionID]
        if let previous {
            let matched = LesionMatcher.match(
                earlier: previous.map, earlierIDs: previous.ids, later: visit.t2Map, rule: rule,
                voxelVolumeMM3: voxelVolume, nextID: nextID, connectivity: visit.t2.connectivity,
                resolved: resolved.isEmpty ? nil : resolved, visit: index,
                shell: zip(previous.partialVolume, visit.partialVolumeVoxels).map { max($0, $1) },
                reacquired: visit.earlierReacquired, changed: visit.changed, shown: visit.shownBefore)
            for continued in matched.later {
                let lesion = lesions[continued.label - 1]
                let hasPartners = !continued.previousIDs.isEmpty
                let hasPrevious = hasPartners || continued.shownBefore
                rows.append(
                    LedgerEntry(
                        id: continued.id, visit: index, state: continued.state, label: continued.label,
                        voxelCount: lesion.voxelCount, volumeMM3: lesion.volumeMM3,
                        previousVolumeMM3: hasPrevious ? Double(continued.previousVoxels) * voxelVolume : nil,
                        previousIDs: continued.previousIDs, mergedInto: [], splitFrom: continued.splitFrom,
                        enhancing: enhancing?[continued.label - 1], lesion: lesion, confluent: continued.confluent,
                        active: continued.active,
                        largestAddedRegionMM3: hasPartners ? Double(continued.largestAddedVoxels) * voxelVolume : nil,
                        absentVisits: continued.absentVisits))
            }
            for ended in matched.ended {
                rows.append(
                    LedgerEntry(
                        id: ended.id, visit: index, state: ended.state, label: nil, voxelCount: 0, volumeMM3: 0,
                        previousVolumeMM3: previous.lesions[ended.label - 1].volumeMM3, previousIDs: [],
                        mergedInto: ended.mergedInto, splitFrom: nil, enhancing: nil, lesion: nil))
            }
            ids = matched.later.map(\.id)
            nextID = matched.nextID
            step = matched
            resolved.update(
                previous: previous.map,
                resolved: matched.ended.filter { $0.state == .resolved }.map {
                    ($0.label, $0.id, previous.lesions[$0.label - 1].voxelCount)
                },
                forgotten: Set(matched.overlappedResolved), visit: index, rule: rule)
        } else {
            ids = lesions.indices.map { LesionID($0 + 1) }
            nextID = lesions.count + 1
            for (n, lesion) in lesions.enumerated() {
                rows.append(
                    LedgerEntry(
                        id: ids[n], visit: 0, state: .baseline, label: lesion.label, voxelCount: lesion.voxelCount,
                        volumeMM3: lesion.volumeMM3, previousVolumeMM3: nil, previousIDs: [], mergedInto: [],
                        splitFrom: nil, enhancing: enhancing?[n], lesion: lesion))
            }
        }
        func present(_ state: LesionState) -> Int? { step.map { $0.later.filter { $0.state == state }.count } }
        func ended(_ state: LesionState) -> Int? { step.map { $0.ended.filter { $0.state == state }.count } }
        func count(_ include: (LesionMatcher.Continued) -> Bool) -> Int? { step.map { $0.later.filter(include).count } }
        counts.append(
            VisitCounts(
                visit: index, t2Lesions: lesions.count, t2VolumeMM3: visit.t2.totalVolumeMM3,
                newT2: present(.new), enlargingT2: present(.enlarging), stableT2: present(.stable),
                shrinkingT2: present(.shrinking), mergedT2: present(.merged), splitT2: present(.split),
                resolvedT2: ended(.resolved), absorbedT2: ended(.absorbed), gdLesions: visit.gd?.lesions.count,
                enhancingT2: enhancing.map { $0.filter { $0 }.count }, confluentT2: count(\.confluent),
                recurrentT2: present(.recurrent),
                activeMergedSplitT2: count { $0.active && ($0.state == .merged || $0.state == .split) },
                activeRecurrentT2: count { $0.active && $0.state == .recurrent }))
        previous = (visit.t2Map, lesions, ids, visit.partialVolumeVoxels)
    }

    /// Rows ordered by lesion ID, then visit: each lesion's history reads top to bottom.
    public var entries: [LedgerEntry] {
        rows.sorted { ($0.id, $0.visit) < ($1.id, $1.visit) }
    }

    /// The rows of one visit, by ID.
    public func entries(atVisit visit: Int) -> [LedgerEntry] {
        rows.filter { $0.visit == visit }.sorted { $0.id < $1.id }
    }

    /// The rows of one lesion, by visit.
    public func history(of id: LesionID) -> [LedgerEntry] {
        rows.filter { $0.id == id }.sorted { $0.visit < $1.visit }
    }
}
