import LesionKernels
import LesionLongitudinal
import Testing
import TestSupport

/// The documented states and counts of `ReaderSitesPatient`, one site per counting rule.
@Suite("Counting as a reader counts: confluent activity, large lesions, flicker")
struct ReaderCountingTests {
    /// 1 mm isotropic, and 0.5 × 1 × 2 mm (anisotropic, the same 1 mm³ voxel volume).
    static let grids: [Affine] = [.spacing(1, 1, 1), .spacing(0.5, 1, 2)]

    static func ledger(_ connectivity: Connectivity, _ affine: Affine, rule: MatchingRule = .default) -> LesionLedger {
        let geometry = VoxelGeometry(size: ReaderSitesPatient.size, affine: affine)
        var ledger = LesionLedger(geometry: geometry, rule: rule)
        for mask in ReaderSitesPatient.masks() {
            let t2 = LesionLabelling.reference(
                mask: mask, geometry: geometry, connectivity: connectivity, floor: SizeFloor(minimumVoxels: 3), intensity: { _ in 1 })
            ledger.append(VisitLesions(t2: t2, gd: nil))
        }
        return ledger
    }

    static func history(_ ledger: LesionLedger, _ id: Int) -> [String] {
        ledger.history(of: LesionID(id)).map { "\($0.visit + 1):\($0.state.rawValue)" }
    }

    @Test("every site's states and IDs", arguments: [Connectivity.six, .twentySix], [0, 1])
    func states(connectivity: Connectivity, grid: Int) {
        let ledger = Self.ledger(connectivity, Self.grids[grid])
        func history(_ id: Int) -> [String] { Self.history(ledger, id) }
        #expect(history(1) == ["1:baseline", "2:enlarging", "3:stable", "4:stable"])  // conf
        #expect(history(3) == ["1:baseline", "2:merged", "3:stable", "4:stable"])  // merge keeps the lower label's ID on a tie
        #expect(history(4) == ["1:baseline", "2:absorbed"])
        #expect(history(5) == ["1:baseline", "2:merged", "3:stable", "4:stable"])  // mergeFlat
        #expect(history(6) == ["1:baseline", "2:absorbed"])
        #expect(history(7) == ["1:baseline", "2:stable", "3:stable", "4:stable"])  // under both thresholds
        #expect(history(8) == ["1:baseline", "2:resolved", "3:recurrent", "4:stable"])  // flicker keeps its ID
        #expect(history(9) == ["1:baseline", "2:resolved"])  // gone: its ID does not come back
        #expect(history(10) == ["1:baseline", "2:enlarging", "3:stable", "4:stable"])  // large
        if connectivity == .twentySix {
            #expect(history(2) == ["1:baseline", "2:enlarging", "3:stable", "4:stable"])  // corner: one lesion
            #expect(history(11) == ["4:new"])  // gone, back after 2 visits
            #expect(Set(ledger.rows.map(\.id.value)) == Set(1...11))
        } else {
            #expect(history(2) == ["1:baseline", "2:stable", "3:stable", "4:stable"])  // corner: the old lesion
            #expect(history(11) == ["2:new", "3:stable", "4:stable"])  // corner: the blob
            #expect(history(12) == ["4:new"])
            #expect(Set(ledger.rows.map(\.id.value)) == Set(1...12))
        }
    }

    @Test("confluent marks, added regions, activity and volumes", arguments: [Connectivity.six, .twentySix], [0, 1])
    func details(connectivity: Connectivity, grid: Int) {
        let ledger = Self.ledger(connectivity, Self.grids[grid])
        func entry(_ id: Int, _ visit: Int) -> LedgerEntry { ledger.history(of: LesionID(id)).first { $0.visit == visit - 1 }! }
        let conf = entry(1, 2)
        #expect(conf.confluent && conf.active && conf.largestAddedRegionMM3 == 18 && conf.volumeRatio == 1.18)
        let merged = entry(3, 2)
        #expect(merged.confluent && merged.active && merged.largestAddedRegionMM3 == 27 && merged.previousVolumeMM3 == 54)
        #expect(merged.previousIDs == [LesionID(3), LesionID(4)] && entry(4, 2).mergedInto == [LesionID(3)])
        let flat = entry(5, 2)
        #expect(!flat.confluent && !flat.active && flat.largestAddedRegionMM3 == 9 && flat.volumeMM3 == 63)
        let under = entry(7, 2)
        #expect(!under.confluent && !under.active && under.largestAddedRegionMM3 == 12 && under.volumeMM3 == 180)
        let flicker = entry(8, 3)
        #expect(flicker.previousIDs == [LesionID(8)] && flicker.previousVolumeMM3 == 4 && flicker.absentVisits == 1)
        #expect(!flicker.active && !flicker.confluent && flicker.largestAddedRegionMM3 == 0)
        let large = entry(10, 2)
        #expect(large.active && large.confluent && large.volumeRatio == 1.4 && large.largestAddedRegionMM3 == 1000)
        #expect(entry(3, 3).state == .stable && entry(3, 3).largestAddedRegionMM3 == 0 && !entry(3, 3).active)
        if connectivity == .twentySix {
            #expect(entry(2, 2).confluent && entry(2, 2).largestAddedRegionMM3 == 18)
        } else {
            #expect(!entry(2, 2).confluent && entry(11, 2).state == .new && entry(11, 2).active)
        }
    }

    @Test("per-visit counts", arguments: [Connectivity.six, .twentySix], [0, 1])
    func counts(connectivity: Connectivity, grid: Int) {
        let c = Self.ledger(connectivity, Self.grids[grid]).counts
        let six = connectivity == .six
        #expect(c.map(\.t2Lesions) == (six ? [10, 7, 8, 9] : [10, 6, 7, 8]))
        #expect(c.map(\.newT2) == (six ? [nil, 1, 0, 1] : [nil, 0, 0, 1]))
        #expect(c.map(\.enlargingT2) == (six ? [nil, 2, 0, 0] : [nil, 3, 0, 0]))
        #expect(c.map(\.stableT2) == (six ? [nil, 2, 7, 8] : [nil, 1, 6, 7]))
        #expect(c.map(\.shrinkingT2) == [nil, 0, 0, 0])
        #expect(c.map(\.mergedT2) == [nil, 2, 0, 0])
        #expect(c.map(\.splitT2) == [nil, 0, 0, 0])
        #expect(c.map(\.recurrentT2) == [nil, 0, 1, 0])
        #expect(c.map(\.resolvedT2) == [nil, 2, 0, 0])
        #expect(c.map(\.absorbedT2) == [nil, 2, 0, 0])
        #expect(c.map(\.confluentT2) == (six ? [nil, 3, 0, 0] : [nil, 4, 0, 0]))
        #expect(c.map(\.activeMergedSplitT2) == [nil, 1, 0, 0])
        #expect(c.map(\.activeRecurrentT2) == [nil, 0, 0, 0])
        // conf, corner (as a new lesion at 6, a confluent one at 26), the grown merge, large; then gone.
        #expect(c.map(\.newOrEnlargingT2) == [nil, 4, 0, 1])
    }

    @Test("how long a lesion may be absent and still recur: 0 makes every reappearance new, 2 keeps gone's ID")
    func absence() {
        let never = Self.ledger(.twentySix, Self.grids[0], rule: MatchingRule(recurrentMaximumAbsentVisits: 0))
        #expect(Self.history(never, 8) == ["1:baseline", "2:resolved"])
        #expect(Self.history(never, 11) == ["3:new", "4:stable"] && Self.history(never, 12) == ["4:new"])
        #expect(never.counts.map(\.newOrEnlargingT2) == [nil, 4, 1, 1])
        let two = Self.ledger(.twentySix, Self.grids[0], rule: MatchingRule(recurrentMaximumAbsentVisits: 2))
        #expect(Self.history(two, 9) == ["1:baseline", "2:resolved", "4:recurrent"])
        #expect(two.history(of: LesionID(9)).last?.absentVisits == 2)
        #expect(two.counts.map(\.newOrEnlargingT2) == [nil, 4, 0, 0] && two.counts.map(\.recurrentT2) == [nil, 0, 1, 1])
        #expect(Set(two.rows.map(\.id.value)) == Set(1...10))
    }
}
