import LesionKernels
import LesionLongitudinal
import Testing
import TestSupport

/// A lesion the earlier visit's method missed but its image showed: enlarging when it grew from
/// what was shown, never made stable, and never a change in activity.
@Suite("Matching: lesions the earlier image already showed")
struct ShownBeforeTests {
    static let size = GridSize(12, 12, 12)

    /// A volume of the grid, true in `box`.
    static func box(_ i: ClosedRange<Int>, _ j: ClosedRange<Int>, _ k: ClosedRange<Int>) -> Volume<Bool> {
        var v = Volume(size: size, repeating: false)
        for c in k { for b in j { for a in i { v[a, b, c] = true } } }
        return v
    }

    static func union(_ volumes: Volume<Bool>...) -> Volume<Bool> {
        Volume(size: size, voxels: (0..<size.voxelCount).map { n in volumes.contains { $0.voxels[n] } })
    }

    /// Earlier: lesion A (4…6)³, ID 1. Later: A unchanged (label 1) and B = (8…10)³, 27 voxels of
    /// 8 mm³ = 216 mm³ (label 2), which no earlier lesion touches.
    static let earlier: LabelMap = {
        var labels = Volume(size: size, repeating: Int32(0))
        for k in 4...6 { for j in 4...6 { for i in 4...6 { labels[i, j, k] = 1 } } }
        return LabelMap(labels: labels, count: 1)
    }()
    static let later: LabelMap = {
        var labels = earlier.labels
        for k in 8...10 { for j in 8...10 { for i in 8...10 { labels[i, j, k] = 2 } } }
        return LabelMap(labels: labels, count: 2)
    }()

    func lesionB(_ shown: ShownBefore?, changed: Volume<Bool>? = nil, rule: MatchingRule = .default) -> LesionMatcher.Continued {
        let step = LesionMatcher.match(
            earlier: Self.earlier, earlierIDs: [LesionID(1)], later: Self.later, rule: rule, voxelVolumeMM3: 8, nextID: 2,
            connectivity: .twentySix, changed: changed, shown: shown)
        #expect(step.later[0].state == .stable && step.later[0].id == LesionID(1))
        return step.later[1]
    }

    @Test("a lesion grown from what the earlier image showed is enlarging, with that as its previous volume and a fresh ID")
    func grownFromShown() {
        // Expected from the 50 % rule with its 14.1 mm³ floor, before running.
        let unknown = lesionB(nil)
        #expect(unknown.state == .new && unknown.active && unknown.previousVoxels == 0 && !unknown.shownBefore)
        // 8 voxels shown (64 mm³): 27 against 8 is ×3.4 and +152 mm³.
        let grown = lesionB(ShownBefore(voxels: Self.box(9...10, 9...10, 9...10), asSeries: nil))
        #expect(grown.state == .enlarging && grown.active && grown.shownBefore)
        #expect(grown.previousVoxels == 8 && grown.previousIDs.isEmpty && grown.id == LesionID(2))
        #expect(!grown.confluent && grown.splitFrom == nil)
        // 18 shown: 27 = 1.5 × 18 exactly, +72 mm³: enlarging at the boundary.
        let boundary = lesionB(ShownBefore(voxels: Self.box(8...10, 8...10, 9...10), asSeries: nil))
        #expect(boundary.state == .enlarging && boundary.previousVoxels == 18)
    }

    @Test("a shown part never makes a lesion stable, and one under a lesion's size leaves it new")
    func neverStable() {
        // 24 shown: ×1.125, stable by the rule; the lesion stays new and activity.
        let most = lesionB(ShownBefore(voxels: Self.union(Self.box(8...10, 8...10, 9...10), Self.box(8...9, 8...10, 8...8)), asSeries: nil))
        #expect(most.state == .new && most.active && most.previousVoxels == 0 && !most.shownBefore)
        // One voxel shown, 8 mm³ under the 14.1 mm³ floor; two voxels pass it (16 mm³).
        #expect(lesionB(ShownBefore(voxels: Self.box(9...9, 9...9, 9...9), asSeries: nil)).state == .new)
        #expect(lesionB(ShownBefore(voxels: Self.box(9...10, 9...9, 9...9), asSeries: nil)).state == .enlarging)
        // … unless a lesion needs 3 voxels (`lesions.min_voxels` on a 2 mm grid).
        var rule = MatchingRule.default
        rule.minimumConfluentVoxels = 3
        #expect(lesionB(ShownBefore(voxels: Self.box(9...10, 9...9, 9...9), asSeries: nil), rule: rule).state == .new)
        // Shown voxels outside the lesion do not count: all of A shown, B untouched.
        #expect(lesionB(ShownBefore(voxels: Self.box(4...6, 4...6, 4...6), asSeries: nil)).state == .new)
    }

    @Test("what the later series draws of the shown part is not growth, and with the change known a voxel must have changed")
    func seriesAndChange() {
        let shown = Self.box(9...10, 9...10, 9...10)
        // The later series draws the shown 8 voxels over 18 (8…10, 8…10, 9…10): 9 voxels are
        // growth, 8 + 9 = 17 against 8, ×2.1 and +72 mm³: enlarging.
        let some = lesionB(ShownBefore(voxels: shown, asSeries: Self.box(8...10, 8...10, 9...10)))
        #expect(some.state == .enlarging && some.previousVoxels == 8)
        // Drawn over all 27: no growth (8 against 8): new, not stable.
        let all = lesionB(ShownBefore(voxels: shown, asSeries: Self.box(8...10, 8...10, 8...10)))
        #expect(all.state == .new && all.active)
        // The FLAIR's change known: none of B's voxels changed, so it did not grow: new.
        #expect(lesionB(ShownBefore(voxels: shown, asSeries: nil), changed: Volume(size: Self.size, repeating: false)).state == .new)
        #expect(lesionB(ShownBefore(voxels: shown, asSeries: nil), changed: Self.box(8...8, 8...8, 8...8)).state == .enlarging)
    }

    @Test("in the ledger: enlarging with no previous IDs, the shown volume as its previous volume; activity counted the same")
    func ledger() {
        func ledger(_ shown: ShownBefore?) -> LesionLedger {
            let geometry = VoxelGeometry(size: Self.size, affine: .spacing(2, 2, 2))
            var ledger = LesionLedger(geometry: geometry, rule: .default)
            for (n, map) in [Self.earlier, Self.later].enumerated() {
                let mask = Volume(size: Self.size, voxels: map.labels.voxels.map { $0 != 0 })
                let labelling = LesionLabelling.reference(
                    mask: mask, geometry: geometry, connectivity: .twentySix, floor: .none, intensity: { _ in 1 })
                ledger.append(VisitLesions(t2: labelling, gd: nil, shownBefore: n == 0 ? nil : shown))
            }
            return ledger
        }
        let plain = ledger(nil), read = ledger(ShownBefore(voxels: Self.box(9...10, 9...10, 9...10), asSeries: nil))
        #expect(plain.counts[1].newT2 == 1 && plain.counts[1].enlargingT2 == 0)
        #expect(read.counts[1].newT2 == 0 && read.counts[1].enlargingT2 == 1)
        #expect(read.counts[1].newOrEnlargingT2 == 1 && plain.counts[1].newOrEnlargingT2 == 1)
        let row = read.entries(atVisit: 1).first { $0.id == LesionID(2) }
        #expect(row?.state == .enlarging && row?.previousIDs == [] && row?.previousVolumeMM3 == 64 && row?.volumeRatio == 216.0 / 64)
        #expect(plain.entries(atVisit: 1).first { $0.id == LesionID(2) }?.previousVolumeMM3 == nil)
    }

    @Test("over 300 random visit pairs and shown parts: only new lesions change, only to enlarging; activity and IDs never change")
    func randomPairs() {
        var changedSome = 0
        for seed in UInt64(0)..<300 {
            var rng = SeededGenerator(seed: 0x5B0F + seed)
            let size = GridSize(Int.random(in: 3...9, using: &rng), Int.random(in: 3...9, using: &rng), Int.random(in: 1...5, using: &rng))
            let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 1))
            func labels(_ density: Double) -> LabelMap {
                let mask = RandomVolumes.noise(size, density: density, &rng)
                return LesionLabelling.reference(
                    mask: mask, geometry: geometry, connectivity: .twentySix, floor: .none, intensity: { _ in 1 }
                )
                .map
            }
            let (earlier, later) = (labels(Double.random(in: 0.05...0.3, using: &rng)), labels(Double.random(in: 0.05...0.3, using: &rng)))
            let shown = ShownBefore(
                voxels: RandomVolumes.noise(size, density: Double.random(in: 0...1, using: &rng), &rng),
                asSeries: Bool.random(using: &rng) ? RandomVolumes.noise(size, density: Double.random(in: 0...1, using: &rng), &rng) : nil)
            let changed = Bool.random(using: &rng) ? RandomVolumes.noise(size, density: 0.5, &rng) : nil
            var rule = MatchingRule.default
            rule.minimumVolumeChangeMM3 = Double(Int.random(in: 0...3, using: &rng))
            rule.minimumConfluentVolumeMM3 = Double(Int.random(in: 1...4, using: &rng))
            func step(_ shown: ShownBefore?) -> LesionMatcher.Step {
                LesionMatcher.match(
                    earlier: earlier, earlierIDs: (0..<earlier.count).map { LesionID($0 + 1) }, later: later, rule: rule,
                    voxelVolumeMM3: 1, nextID: earlier.count + 1, connectivity: .twentySix, changed: changed, shown: shown)
            }
            let (without, with) = (step(nil), step(shown))
            #expect(without.ended == with.ended && without.nextID == with.nextID, "seed \(seed)")
            for (a, b) in zip(without.later, with.later) {
                #expect(a.id == b.id && a.active == b.active && a.label == b.label, "seed \(seed)")
                if a.state == b.state {
                    #expect(a == b, "seed \(seed)")
                    continue
                }
                changedSome += 1
                #expect(a.state == .new && b.state == .enlarging && b.shownBefore && b.previousIDs.isEmpty, "seed \(seed)")
                // The shown voxels of the lesion are its previous volume, and of a lesion's size.
                let own = (0..<size.voxelCount).filter { later.labels.voxels[$0] == Int32(b.label) && shown.voxels.voxels[$0] }.count
                #expect(b.previousVoxels == own && rule.isLesionSized(voxels: own, voxelVolumeMM3: 1), "seed \(seed)")
            }
        }
        #expect(changedSome > 20, "the random pairs must exercise the rule (\(changedSome) lesions)")
    }
}
