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

    @Test(
        "each visit's present rows are its lesions once each; IDs end once and come back only as recurrent, never to another lesion",
        arguments: 0..<120)
    func invariants(seed: UInt64) {
        let labellings = Self.visits(seed: seed)
        var ledger = LesionLedger(geometry: VoxelGeometry(size: labellings[0].map.size, affine: .spacing(1, 1, 1)), rule: .default)
        for labelling in labellings { ledger.append(VisitLesions(t2: labelling, gd: nil)) }
        var ended: [LesionID: LesionState] = [:]
        var seen = Set<LesionID>()
        for (visit, labelling) in labellings.enumerated() {
            let rows = ledger.entries(atVisit: visit)
            let present = rows.filter(\.state.isPresent)
            #expect(present.compactMap(\.label).sorted() == Array(stride(from: 1, through: labelling.lesions.count, by: 1)))
            #expect(Set(present.map(\.id)).count == present.count)
            // An ID that ended comes back only as a recurrent lesion, and only after it resolved.
            for row in present where ended[row.id] != nil {
                #expect(row.state == .recurrent && ended[row.id] == .resolved)
                #expect(row.previousIDs.contains(row.id))
                ended[row.id] = nil
            }
            if visit == 0 { #expect(present.allSatisfy { $0.state == .baseline }) }
            #expect(present.allSatisfy { ($0.state == .new) == ($0.previousIDs.isEmpty && visit > 0) })
            if visit > 0 {
                let previous = Set(ledger.entries(atVisit: visit - 1).filter(\.state.isPresent).map(\.id))
                let endedHere = rows.filter { !$0.state.isPresent }
                #expect(Set(endedHere.map(\.id)).isSubset(of: previous))
                // Every previous ID either continues or ends here.
                #expect(previous == Set(present.map(\.id)).intersection(previous).union(endedHere.map(\.id)))
                // A fresh ID is above every ID seen before, and only new, split, merged or recurrent lesions take one.
                let highest = seen.map(\.value).max() ?? 0
                for row in present where !seen.contains(row.id) {
                    #expect(row.id.value > highest)
                    #expect([.new, .split, .merged, .recurrent].contains(row.state))
                }
                for row in present where previous.contains(row.id) { #expect(row.previousIDs.contains(row.id)) }
                let c = ledger.counts[visit]
                let states = [c.newT2, c.enlargingT2, c.stableT2, c.shrinkingT2, c.mergedT2, c.splitT2, c.recurrentT2].map { $0! }
                #expect(states.reduce(0, +) == labelling.lesions.count)
                #expect(c.resolvedT2! + c.absorbedT2! == endedHere.count)
                #expect(c.newOrEnlargingT2 == present.filter(\.active).count)
                #expect(c.confluentT2 == present.filter(\.confluent).count)
                for row in endedHere { ended[row.id] = row.state }
            }
            // A new lesion shares no voxel with a lesion that resolved at the visit before (absent one visit).
            if visit >= 2 {
                let resolvedBefore = ledger.entries(atVisit: visit - 1).filter { $0.state == .resolved }.map(\.id)
                let twoBack = ledger.entries(atVisit: visit - 2)
                let footprints = Set(twoBack.filter { resolvedBefore.contains($0.id) }.compactMap(\.label).map(Int32.init))
                let newLabels = Set(present.filter { $0.state == .new }.compactMap(\.label).map(Int32.init))
                let old = labellings[visit - 2].map.labels.voxels, now = labelling.map.labels.voxels
                #expect(!old.indices.contains { footprints.contains(old[$0]) && newLabels.contains(now[$0]) })
            }
            seen.formUnion(present.map(\.id))
        }
    }
}
