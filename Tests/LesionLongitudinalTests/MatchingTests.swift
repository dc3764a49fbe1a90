import LesionKernels
import LesionLongitudinal
import Testing

@Suite("Matching lesions of consecutive visits")
struct MatchingTests {
    @Test(
        "the enlarging rule: ratio and absolute floor, both inclusive; shrinking mirrors it",
        arguments: [
            (10, 15, 1.0, 5.0, LesionState.enlarging),  // ×1.5 exactly, +5 mm³ exactly
            (10, 14, 1.0, 0.0, .stable),  // ×1.4
            (10, 15, 1.0, 5.1, .stable),  // +5 < 5.1 mm³
            (10, 15, 8.0, 14.1, .enlarging),  // +40 mm³ with 8 mm³ voxels
            (15, 10, 1.0, 5.0, .shrinking),
            (15, 11, 1.0, 0.0, .stable),  // 15 / 11 < 1.5
            (10, 10, 1.0, 0.0, .stable),
            (4700, 6450, 1.0, 14.1, .enlarging),  // a 4.7 mL lesion + 1.75 mL: ×1.37 but ≥ 1000 mm³
            (4700, 5699, 1.0, 14.1, .stable),  // +999 mm³, ×1.21: under both
            (4700, 5700, 1.0, 14.1, .enlarging),  // +1000 mm³ exactly
            (6450, 4700, 1.0, 14.1, .shrinking),
            (500, 1000, 8.0, 14.1, .enlarging),  // +4000 mm³ with 8 mm³ voxels
        ])
    func rule(earlier: Int, later: Int, voxelVolume: Double, floor: Double, state: LesionState) {
        let rule = MatchingRule(enlargingRatio: 1.5, minimumVolumeChangeMM3: floor)
        #expect(rule.volumeState(earlierVoxels: earlier, laterVoxels: later, voxelVolumeMM3: voxelVolume) == state)
    }

    @Test("a confluent region needs the lesion floor's voxels too: 2 voxels of 8 mm³ are not one, 3 are")
    func confluentVoxels() {
        var rule = MatchingRule()
        #expect(rule.isConfluent(voxels: 2, voxelVolumeMM3: 8))
        rule.minimumConfluentVoxels = 3
        #expect(!rule.isConfluent(voxels: 2, voxelVolumeMM3: 8) && rule.isConfluent(voxels: 3, voxelVolumeMM3: 8))
        #expect(!rule.isConfluent(voxels: 14, voxelVolumeMM3: 1) && rule.isConfluent(voxels: 15, voxelVolumeMM3: 1))
    }

    @Test("the absolute growth needs the absolute floor too")
    func absoluteUnderFloor() {
        let rule = MatchingRule(enlargingRatio: 1.5, minimumVolumeChangeMM3: 20, enlargingVolumeMM3: 10)
        #expect(rule.volumeState(earlierVoxels: 100, laterVoxels: 115, voxelVolumeMM3: 1) == .stable)
        #expect(rule.volumeState(earlierVoxels: 100, laterVoxels: 120, voxelVolumeMM3: 1) == .enlarging)
    }

    @Test("a ratio of 1 with no floor still needs a change to be enlarging")
    func unitRatio() {
        let rule = MatchingRule(enlargingRatio: 1, minimumVolumeChangeMM3: 0)
        #expect(rule.volumeState(earlierVoxels: 7, laterVoxels: 7, voxelVolumeMM3: 1) == .stable)
        #expect(rule.volumeState(earlierVoxels: 7, laterVoxels: 8, voxelVolumeMM3: 1) == .enlarging)
    }

    func match(_ earlier: String, _ later: String, ids: [Int], rule: MatchingRule = .default, next: Int = 100) -> LesionMatcher.Step {
        LesionMatcher.match(
            earlier: LineMaps.labels(earlier), earlierIDs: ids.map(LesionID.init), later: LineMaps.labels(later),
            rule: rule, voxelVolumeMM3: 1, nextID: next)
    }

    @Test("the overlap table: shared voxels, background parts, partners, transposition")
    func overlap() {
        let table = OverlapTable(LineMaps.labels("xxxx.xx..x"), LineMaps.labels(".xx..xxx.."))
        #expect(table.firstSizes == [0, 4, 2, 1] && table.secondSizes == [0, 2, 3])
        #expect(table.pairs.map { [$0.first, $0.second, $0.voxels] } == [[1, 1, 2], [2, 2, 2]])
        #expect(table.voxels(1, 0) == 2 && table.voxels(3, 0) == 1 && table.voxels(0, 2) == 1)
        #expect(table.partners(ofFirst: 3) == [] && table.partners(ofSecond: 2) == [2])
        let t = table.transposed()
        #expect(t.voxels(2, 2) == 2 && t.voxels(0, 1) == 2 && t.partners(ofFirst: 1) == [1])
    }

    @Test("new and resolved lesions; IDs continue; fresh IDs from nextID in label order")
    func newAndResolved() {
        let step = match("xxx.....xxx.......", "xxx.........xx..xx", ids: [4, 9], next: 12)
        #expect(step.later.map(\.id) == [LesionID(4), LesionID(12), LesionID(13)])
        #expect(step.later.map(\.state) == [.stable, .new, .new])
        #expect(step.later[1].previousIDs.isEmpty && step.later[1].previousVoxels == 0)
        #expect(step.ended == [LesionMatcher.Ended(label: 2, id: LesionID(9), state: .resolved, mergedInto: [])])
        #expect(step.nextID == 14)
    }

    @Test("a merged lesion keeps the ID of the earlier lesion it overlaps most; the other is absorbed")
    func merge() {
        let step = match("xx.xxx", "xxxxxx", ids: [1, 2])
        #expect(step.later.count == 1)
        #expect(step.later[0].id == LesionID(2) && step.later[0].state == .merged)
        #expect(step.later[0].previousIDs == [LesionID(1), LesionID(2)] && step.later[0].previousVoxels == 5)
        #expect(step.ended == [LesionMatcher.Ended(label: 1, id: LesionID(1), state: .absorbed, mergedInto: [LesionID(2)])])
    }

    @Test("the larger fragment of a split keeps the ID; the other takes a fresh one, linked to its parent")
    func split() {
        let step = match("xxxxxxx", "xx.xxxx", ids: [5], next: 8)
        #expect(step.later.map(\.id) == [LesionID(8), LesionID(5)])
        #expect(step.later.map(\.state) == [.split, .split])
        #expect(step.later.map(\.splitFrom) == [LesionID(5), nil])
        #expect(step.later.map(\.previousIDs) == [[LesionID(5)], [LesionID(5)]])
        #expect(step.ended.isEmpty && step.nextID == 9)
    }

    @Test("many to many: pairs by decreasing overlap, ties to the lower earlier label")
    func manyToMany() {
        // e1 = i 0–3, e2 = i 5–6; f1 = i 0–1 (2 shared with e1), f2 = i 3–6 (1 with e1, 2 with e2).
        let step = match("xxxx.xx", "xx.xxxx", ids: [1, 2], next: 3)
        #expect(step.later.map(\.id) == [LesionID(1), LesionID(2)])
        #expect(step.later.map(\.state) == [.split, .merged])
        #expect(step.later[1].previousIDs == [LesionID(1), LesionID(2)])
        #expect(step.ended.isEmpty && step.nextID == 3)
    }

    @Test("confluent: one connected region of new voxels ≥ 14.1 mm³ makes a one-to-one lesion enlarging; pieces do not")
    func confluent() {
        let old = String(repeating: "x", count: 40)
        let one = match("...." + old + "..................", "...." + old + String(repeating: "x", count: 15) + "...", ids: [1])
        #expect(one.later.map(\.state) == [.enlarging] && one.later[0].confluent && one.later[0].largestAddedVoxels == 15)
        let pieces = match("...." + old + "..................", "...x" + old + String(repeating: "x", count: 14) + "....", ids: [1])
        #expect(pieces.later.map(\.state) == [.stable] && !pieces.later[0].confluent && pieces.later[0].largestAddedVoxels == 14)
        let shrunk = match(old + "....................", String(repeating: ".", count: 20) + old, ids: [1])
        #expect(shrunk.later.map(\.state) == [.enlarging] && shrunk.later[0].confluent && shrunk.later[0].active)
    }

    @Test("a merged lesion counts as activity when its bridge is a confluent region or it grew by the rule")
    func mergedActivity() {
        let flat = match("xxxxxxxxxx.xxxxxxxxxx", "xxxxxxxxxxxxxxxxxxxxx", ids: [1, 2])
        #expect(flat.later[0].state == .merged && !flat.later[0].active && flat.later[0].largestAddedVoxels == 1)
        let bridged = match(
            "xxxxxxxxxx" + String(repeating: ".", count: 15) + "xxxxxxxxxx", String(repeating: "x", count: 35), ids: [1, 2])
        #expect(bridged.later[0].state == .merged && bridged.later[0].active && bridged.later[0].confluent)
        // +17 in pieces of 8, 1 and 8, ×1.85: grown by the ratio, not confluent.
        let grown = match("........xxxxxxxxxx.xxxxxxxxxx........", String(repeating: "x", count: 37), ids: [1, 2])
        #expect(grown.later[0].state == .merged && grown.later[0].active && !grown.later[0].confluent)
    }

    @Test("a split fragment that adds a confluent region counts as activity; the other does not")
    func splitActivity() {
        let step = match("....xxxxxxxxxx................", "....xxxx..xxxxxxxxxxxxxxxxxxxx", ids: [1], next: 2)
        #expect(step.later.map(\.state) == [.split, .split])
        #expect(step.later.map(\.active) == [false, true] && step.later.map(\.confluent) == [false, true])
        #expect(step.later.map(\.largestAddedVoxels) == [0, 16])
    }

    @Test("a recurrent lesion keeps its ID; it counts as activity only when it came back grown")
    func recurrentActivity() {
        func ledger(_ visits: [String]) -> LesionLedger {
            var ledger = LesionLedger(
                geometry: VoxelGeometry(size: GridSize(visits[0].count, 1, 1), affine: .spacing(1, 1, 1)), rule: .default)
            for text in visits { ledger.append(VisitLesions(t2: LineMaps.labelling(text), gd: nil)) }
            return ledger
        }
        let grown = ledger(["xxxx................", "....................", "xxxxxxxxxxxxxxxxxxxx"])
        let back = grown.entries(atVisit: 2)[0]
        #expect(back.id == LesionID(1) && back.state == .recurrent && back.active && back.confluent)
        #expect(back.previousVolumeMM3 == 4 && back.absentVisits == 1 && back.largestAddedRegionMM3 == 16)
        let c = grown.counts[2]
        #expect(c.recurrentT2 == 1 && c.activeRecurrentT2 == 1 && c.confluentT2 == 1 && c.newOrEnlargingT2 == 1 && c.newT2 == 0)
        let same = ledger(["xxxx................", "....................", ".xxxxx.............."])
        #expect(same.entries(atVisit: 2)[0].state == .recurrent && !same.entries(atVisit: 2)[0].active)
        #expect(same.counts[2].newOrEnlargingT2 == 0 && same.counts[2].recurrentT2 == 1)
        // Elsewhere on the line it is new, with a new ID, and the old footprint is forgotten after one more visit.
        let elsewhere = ledger(["xxxx................", "....................", "..........xxxx......", "xxxx................"])
        #expect(elsewhere.entries(atVisit: 2).map(\.state) == [.new] && elsewhere.entries(atVisit: 2)[0].id == LesionID(2))
        #expect(elsewhere.entries(atVisit: 3).map(\.state) == [.resolved, .new] && elsewhere.entries(atVisit: 3)[1].id == LesionID(3))
    }

    @Test("the minimum overlap: one shared voxel links lesions at 1, not at 2")
    func minimumOverlap() {
        let loose = match("xxx....", "..xxx..", ids: [1], next: 2)
        #expect(loose.later.map(\.state) == [.stable] && loose.later[0].id == LesionID(1))
        let strict = match("xxx....", "..xxx..", ids: [1], rule: MatchingRule(minimumOverlapVoxels: 2), next: 2)
        #expect(strict.later.map(\.state) == [.new] && strict.later[0].id == LesionID(2))
        #expect(strict.ended.map(\.state) == [.resolved])
    }
}

/// The partial-volume shell: a thick-slice visit's lesion edges are uncertain by half a slice.
@Suite("Matching with a partial-volume shell (thick slices)")
struct PartialVolumeShellTests {
    static let size = GridSize(12, 12, 12)

    typealias Box = (i: ClosedRange<Int>, j: ClosedRange<Int>, k: ClosedRange<Int>)

    /// One lesion, label 1, made of `boxes`.
    static func map(_ boxes: [Box]) -> LabelMap {
        var labels = Volume(size: size, repeating: Int32(0))
        for box in boxes {
            for k in box.k { for j in box.j { for i in box.i { labels[i, j, k] = 1 } } }
        }
        return LabelMap(labels: labels, count: 1)
    }

    /// A 3 × 3 × 3 lesion on 2 mm voxels (216 mm³) against `later`, with `shell`.
    func state(_ later: [Box], shell: [Int]) -> LesionMatcher.Continued {
        let step = LesionMatcher.match(
            earlier: Self.map([(4...6, 4...6, 4...6)]), earlierIDs: [LesionID(1)], later: Self.map(later), rule: .default,
            voxelVolumeMM3: 8, nextID: 2, connectivity: .twentySix, shell: shell)
        return step.later[0]
    }

    @Test("one slice more at each end is partial volume under a one-voxel shell in k; growth in plane or beyond it is not")
    func shell() {
        let blurred: [Box] = [(4...6, 4...6, 3...7)]  // 45 voxels: ×1.67, +144 mm³
        #expect(state(blurred, shell: [0, 0, 0]).state == .enlarging)
        let within = state(blurred, shell: [0, 0, 1])
        #expect(within.state == .stable && !within.confluent && !within.active && within.largestAddedVoxels == 0)
        // Grown by a voxel all round in plane: 75 voxels, 48 outside the shell.
        let inPlane = state([(3...7, 3...7, 4...6)], shell: [0, 0, 1])
        #expect(inPlane.state == .enlarging && inPlane.confluent && inPlane.largestAddedVoxels == 48)
        // A new lesion confluent along i (2 × 3 × 3 voxels, 144 mm³): still activity.
        let confluent = state([(4...6, 4...6, 4...6), (7...8, 4...6, 4...6)], shell: [0, 0, 1])
        #expect(confluent.state == .enlarging && confluent.confluent && confluent.largestAddedVoxels == 18)
        // Two slices more at the top: one is beyond the shell (9 voxels, 72 mm³, confluent).
        let beyond = state([(4...6, 4...6, 3...8)], shell: [0, 0, 1])
        #expect(beyond.state == .enlarging && beyond.confluent && beyond.largestAddedVoxels == 9)
        // The volume rule sees the growth outside the shell only: 27 → min(54, 27 + 9) = 36 voxels, ×1.33.
        #expect(beyond.previousVoxels == 27)
    }

    /// The earlier lesion as the later visit's thick slices showed it: two slices more at each end,
    /// and a second bright place (9…10, 9…10, 9…10) where the earlier visit had no lesion.
    static let reacquired = Volume(
        size: size,
        voxels: (0..<size.voxelCount).map { n in
            let v = size.index(ofOffset: n)
            return ((4...6).contains(v.i) && (4...6).contains(v.j) && (2...8).contains(v.k))
                || ((9...10).contains(v.i) && (9...10).contains(v.j) && (9...10).contains(v.k))
        })

    @Test(
        "growth into the earlier lesion re-acquired as the later series is acquisition; growth beyond it is not, and a lesion with no earlier partner stays new"
    )
    func reacquiredEarlier() {
        func step(_ later: LabelMap, reacquired: Volume<Bool>?) -> LesionMatcher.Step {
            LesionMatcher.match(
                earlier: Self.map([(4...6, 4...6, 4...6)]), earlierIDs: [LesionID(1)], later: later, rule: .default,
                voxelVolumeMM3: 8, nextID: 2, connectivity: .twentySix, reacquired: reacquired)
        }
        // Two slices more at each end: 63 voxels, ×2.33, beyond a one-voxel shell.
        let spread = Self.map([(4...6, 4...6, 2...8)])
        #expect(step(spread, reacquired: nil).later[0].state == .enlarging)
        let within = step(spread, reacquired: Self.reacquired).later[0]
        #expect(within.state == .stable && !within.confluent && !within.active && within.largestAddedVoxels == 0)
        // Three slices more at the top: the one beyond (9 voxels, 72 mm³) is a confluent region.
        let beyond = step(Self.map([(4...6, 4...6, 4...9)]), reacquired: Self.reacquired).later[0]
        #expect(beyond.state == .enlarging && beyond.confluent && beyond.largestAddedVoxels == 9)
        // Grown by a voxel all round in plane: 75 voxels, 48 of them outside.
        let inPlane = step(Self.map([(3...7, 3...7, 4...6)]), reacquired: Self.reacquired).later[0]
        #expect(inPlane.state == .enlarging && inPlane.largestAddedVoxels == 48)
        // A second lesion on the bright place the earlier visit did not call a lesion: new.
        var labels = Self.map([(4...6, 4...6, 4...6)]).labels
        for k in 9...10 { for j in 9...10 { for i in 9...10 { labels[i, j, k] = 2 } } }
        let two = step(LabelMap(labels: labels, count: 2), reacquired: Self.reacquired)
        #expect(two.later.map(\.state) == [.stable, .new] && two.later[1].active)
    }

    @Test("the earlier lesion re-acquired replaces the shell: growth in plane within a one-voxel shell is growth beside it")
    func reacquiredReplacesShell() {
        func grown(shell: [Int], reacquired: Volume<Bool>?) -> LesionMatcher.Continued {
            LesionMatcher.match(
                earlier: Self.map([(4...6, 4...6, 4...6)]), earlierIDs: [LesionID(1)], later: Self.map([(3...7, 3...7, 4...6)]),
                rule: .default, voxelVolumeMM3: 8, nextID: 2, connectivity: .twentySix, shell: shell, reacquired: reacquired
            ).later[0]
        }
        // Grown by a voxel all round in plane (75 voxels against 27): all of it within a one-voxel
        // shell in every axis, so the shell alone reads it as the edge's partial volume.
        let shellOnly = grown(shell: [1, 1, 1], reacquired: nil)
        #expect(shellOnly.state == .stable && !shellOnly.active && shellOnly.largestAddedVoxels == 0)
        // The re-acquired lesion spreads along k only: the 48 voxels in plane are growth.
        let both = grown(shell: [1, 1, 1], reacquired: Self.reacquired)
        #expect(both.state == .enlarging && both.active && both.largestAddedVoxels == 48)
    }

    /// A volume of the grid, true at `voxels`.
    static func voxels(_ voxels: [(Int, Int, Int)]) -> Volume<Bool> {
        var v = Volume(size: size, repeating: false)
        for (i, j, k) in voxels { v[i, j, k] = true }
        return v
    }

    @Test("with the FLAIR's change known, a lesion grew only where one of its new voxels changed; a new lesion is new regardless")
    func changedVoxels() {
        func step(_ earlier: LabelMap, _ later: LabelMap, changed: Volume<Bool>?) -> LesionMatcher.Step {
            LesionMatcher.match(
                earlier: earlier, earlierIDs: (1...earlier.count).map { LesionID($0) }, later: later, rule: .default,
                voxelVolumeMM3: 8, nextID: earlier.count + 1, connectivity: .twentySix, changed: changed)
        }
        let earlier = Self.map([(4...6, 4...6, 4...6)])
        // Grown by a voxel all round in plane: 75 voxels, 48 new, ×2.8 and a confluent region.
        let grown = Self.map([(3...7, 3...7, 4...6)])
        let unknown = step(earlier, grown, changed: nil).later[0]
        #expect(unknown.state == .enlarging && unknown.confluent && unknown.active)
        let nowhere = step(earlier, grown, changed: Self.voxels([])).later[0]
        #expect(nowhere.state == .stable && !nowhere.confluent && !nowhere.active && nowhere.largestAddedVoxels == 48)
        // A changed voxel inside the earlier lesion is not a new voxel: still no growth.
        let inside = step(earlier, grown, changed: Self.voxels([(5, 5, 5)])).later[0]
        #expect(inside.state == .stable && !inside.active)
        let one = step(earlier, grown, changed: Self.voxels([(3, 4, 4)])).later[0]
        #expect(one.state == .enlarging && one.confluent && one.active)
        // A new lesion elsewhere with no change anywhere: new, and activity.
        var labels = grown.labels
        for k in 9...10 { for j in 9...10 { for i in 9...10 { labels[i, j, k] = 2 } } }
        let withNew = step(earlier, LabelMap(labels: labels, count: 2), changed: Self.voxels([]))
        #expect(withNew.later.map(\.state) == [.stable, .new] && withNew.later[1].active)
        // Two earlier lesions bridged by a column of 9 new voxels (72 mm³): merged, and activity only
        // when a bridge voxel changed.
        var pair = Self.map([(4...6, 4...6, 4...6)]).labels
        for k in 4...6 { for j in 4...6 { for i in 8...9 { pair[i, j, k] = 2 } } }
        let bridged = Self.map([(4...9, 4...6, 4...6)])
        let still = step(LabelMap(labels: pair, count: 2), bridged, changed: Self.voxels([])).later[0]
        #expect(still.state == .merged && !still.confluent && !still.active)
        let joined = step(LabelMap(labels: pair, count: 2), bridged, changed: Self.voxels([(7, 5, 5)])).later[0]
        #expect(joined.state == .merged && joined.confluent && joined.active)
    }
}
