import LesionKernels
import Testing
import TestSupport

@Suite("Reference labeller")
struct ReferenceLabellerTests {
    @Test("matches the brute-force labeller on random volumes", arguments: Connectivity.allCases)
    func matchesBruteForce(connectivity: Connectivity) {
        for seed in UInt64(0)..<400 {
            let mask = RandomVolumes.mask(seed: seed &* 7919 &+ UInt64(connectivity.rawValue))
            let labelled = ReferenceLabeller.label(mask, connectivity: connectivity)
            let expected = BruteForceLabeller.label(mask, connectivity: connectivity)
            #expect(labelled.labels.voxels == expected, "seed \(seed), grid \(mask.size)")
            #expect(labelled.count == Int(expected.max() ?? 0))
        }
    }

    /// Two voxels sharing an edge, and a chain of three sharing corners: 6, 18 and 26 disagree.
    @Test(
        "edge and corner neighbours",
        arguments: [
            (Connectivity.six, 5), (.eighteen, 4), (.twentySix, 2),
        ])
    func diagonalNeighbours(connectivity: Connectivity, expected: Int) {
        var mask = Volume(size: GridSize(6, 5, 5), repeating: false)
        mask[0, 0, 0] = true
        mask[1, 1, 0] = true  // shares an edge with (0, 0, 0)
        mask[3, 0, 1] = true
        mask[4, 1, 2] = true  // shares a corner with (3, 0, 1)
        mask[5, 2, 3] = true  // shares a corner with (4, 1, 2)
        #expect(ReferenceLabeller.label(mask, connectivity: connectivity).count == expected)
    }

    @Test("labels follow the first voxel in storage order")
    func numbering() {
        var mask = Volume(size: GridSize(4, 3, 2), repeating: false)
        mask[3, 0, 1] = true  // offset 15: second lesion
        mask[2, 2, 0] = true  // offset 10: first lesion
        mask[0, 1, 1] = true  // offset 16: third lesion
        let labels = ReferenceLabeller.label(mask, connectivity: .six)
        #expect(labels.labels[2, 2, 0] == 1)
        #expect(labels.labels[3, 0, 1] == 2)
        #expect(labels.labels[0, 1, 1] == 3)
    }

    @Test("empty and full volumes")
    func emptyAndFull() {
        let size = GridSize(3, 1, 5)
        #expect(ReferenceLabeller.label(Volume(size: size, repeating: false), connectivity: .six).count == 0)
        let full = ReferenceLabeller.label(Volume(size: size, repeating: true), connectivity: .six)
        #expect(full.count == 1)
        #expect(full.labels.voxels.allSatisfy { $0 == 1 })
    }

    @Test("neighbour offsets per connectivity")
    func offsets() {
        #expect(Connectivity.six.neighbourOffsets.count == 6)
        #expect(Connectivity.eighteen.neighbourOffsets.count == 18)
        #expect(Connectivity.twentySix.neighbourOffsets.count == 26)
        #expect(Connectivity.default == .twentySix)
    }
}
