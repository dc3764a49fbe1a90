import LesionKernels
import LesionLongitudinal
import Testing
import TestSupport

@Suite("Ledger invariants over random visit sequences")
struct LedgerInvariantTests {
    /// Four visits of seeded random masks on one small grid, labelled at 26-connectivity.
    static func visits(seed: UInt64) -> [LesionLabelling] {
        var rng = SeededGenerator(seed: seed)
        let size = GridSize(Int.random(in: 4...10, using: &rng), Int.random(in: 4...10, using: &rng), Int.random(in: 1...4, using: &rng))
        let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 1))
        return (0..<4).map { _ in
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.05...0.35, using: &rng), &rng)
            return LesionLabelling.reference(mask: mask, geometry: geometry, connectivity: .twentySix, floor: .none, intensity: { _ in 1 })
        }
    }

    @Test("each visit's present rows are its lesions once each; IDs end once and are never reused", arguments: 0..<120)
    func invariants(seed: UInt64) {
        let labellings = Self.visits(seed: seed)
        var ledger = LesionLedger(geometry: VoxelGeometry(size: labellings[0].map.size, affine: .spacing(1, 1, 1)), rule: .default)
        for labelling in labellings { ledger.append(VisitLesions(t2: labelling, gd: nil)) }
        var ended = Set<LesionID>()
        var seen = Set<LesionID>()
        for (visit, labelling) in labellings.enumerated() {
            let rows = ledger.entries(atVisit: visit)
            let present = rows.filter(\.state.isPresent)
            #expect(present.compactMap(\.label).sorted() == Array(stride(from: 1, through: labelling.lesions.count, by: 1)))
            #expect(Set(present.map(\.id)).count == present.count)
            #expect(present.allSatisfy { !ended.contains($0.id) })
            if visit == 0 { #expect(present.allSatisfy { $0.state == .baseline }) }
            #expect(present.allSatisfy { ($0.state == .new) == ($0.previousIDs.isEmpty && visit > 0) })
            if visit > 0 {
                let previous = Set(ledger.entries(atVisit: visit - 1).filter(\.state.isPresent).map(\.id))
                let endedHere = rows.filter { !$0.state.isPresent }
                #expect(Set(endedHere.map(\.id)).isSubset(of: previous))
                // Every previous ID either continues or ends here.
                #expect(previous == Set(present.map(\.id)).intersection(previous).union(endedHere.map(\.id)))
                // A fresh ID is above every ID seen before, and only new, split or merged lesions take one.
                let highest = seen.map(\.value).max() ?? 0
                for row in present where !previous.contains(row.id) {
                    #expect(row.id.value > highest)
                    #expect([.new, .split, .merged].contains(row.state))
                }
                for row in present where previous.contains(row.id) { #expect(row.previousIDs.contains(row.id)) }
                let c = ledger.counts[visit]
                let states = [c.newT2, c.enlargingT2, c.stableT2, c.shrinkingT2, c.mergedT2, c.splitT2].map { $0! }
                #expect(states.reduce(0, +) == labelling.lesions.count)
                #expect(c.resolvedT2! + c.absorbedT2! == endedHere.count)
                ended.formUnion(endedHere.map(\.id))
            }
            seen.formUnion(present.map(\.id))
        }
    }
}
