import LesionKernels
import Testing
import TestSupport

@Suite("The reader's length: a long axis from outer edge to outer edge")
struct ReaderLengthTests {
    static func length(_ voxels: [(Int, Int, Int)], _ dx: Double, _ dy: Double, _ dz: Double) -> Double {
        ReaderLength.of(voxels.map { VoxelIndex($0.0, $0.1, $0.2) }, affine: .spacing(dx, dy, dz))
    }

    static func row(_ n: Int) -> [(Int, Int, Int)] { (0..<n).map { ($0, 0, 0) } }
    static func square(_ n: Int) -> [(Int, Int, Int)] { (0..<n * n).map { ($0 % n, $0 / n, 0) } }

    @Test("1 mm voxels: a row of n voxels is n mm; squares and cubes by their diagonal")
    func isotropic() {
        #expect(Self.length([(0, 0, 0)], 1, 1, 1) == 1)
        #expect(Self.length(Self.row(2), 1, 1, 1) == 2 && Self.length(Self.row(3), 1, 1, 1) == 3)
        #expect(abs(Self.length(Self.square(2), 1, 1, 1) - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(abs(Self.length([(0, 0, 0), (1, 0, 0), (1, 1, 0)], 1, 1, 1) - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(abs(Self.length([(0, 0, 0), (1, 1, 0), (2, 2, 0)], 1, 1, 1) - 3 * 2.0.squareRoot()) < 1e-12)
        let cube = (0..<8).map { ($0 & 1, $0 >> 1 & 1, $0 >> 2) }
        #expect(abs(Self.length(cube, 1, 1, 1) - 2 * 3.0.squareRoot()) < 1e-12)
        // Ties: a (3, 4, 0) and a (5, 0, 0) offset are both 5 mm apart; the diagonal one is longer to a reader.
        #expect(abs(Self.length([(0, 0, 0), (3, 4, 0), (5, 0, 0)], 1, 1, 1) - 6.4) < 1e-12)
    }

    @Test("0.9 × 0.9 × 3 mm voxels: four in-plane voxels reach 3 mm, three do not; a through-plane pair is 6 mm")
    func thickSlices() {
        #expect(Self.length([(0, 0, 0)], 0.9, 0.9, 3) == 0.9)
        #expect(abs(Self.length(Self.row(3), 0.9, 0.9, 3) - 2.7) < 1e-12)
        #expect(abs(Self.length(Self.row(4), 0.9, 0.9, 3) - 3.6) < 1e-12)
        #expect(Self.length([(0, 0, 0), (0, 0, 1)], 0.9, 0.9, 3) == 6)
        #expect(abs(Self.length(Self.square(2), 0.9, 0.9, 3) - 1.8 * 2.0.squareRoot()) < 1e-12)
        #expect(abs(Self.length(Self.square(3), 0.9, 0.9, 3) - 2.7 * 2.0.squareRoot()) < 1e-12)
    }

    @Test("0.5 mm voxels: six in a row are exactly 3 mm, five are 2.5")
    func fine() {
        #expect(Self.length(Self.row(6), 0.5, 0.5, 0.5) == 3 && Self.length(Self.row(5), 0.5, 0.5, 0.5) == 2.5)
        #expect(abs(Self.length(Self.square(4), 0.5, 0.5, 0.5) - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(abs(Self.length(Self.square(5), 0.5, 0.5, 0.5) - 2.5 * 2.0.squareRoot()) < 1e-12)
    }

    /// Lesions in a row along i, 3 voxels apart, each a box of the given extents.
    static func kept(_ boxes: [(Int, Int, Int)], spacing: (Double, Double, Double)) -> [Int] {
        let nx = boxes.reduce(0) { $0 + $1.0 + 3 }
        let size = GridSize(nx, 8, 4)
        var mask = Volume(size: size, repeating: false)
        var i0 = 0
        for box in boxes {
            for k in 0..<box.2 { for j in 0..<box.1 { for i in 0..<box.0 { mask[i0 + i, j, k] = true } } }
            i0 += box.0 + 3
        }
        let geometry = VoxelGeometry(size: size, affine: .spacing(spacing.0, spacing.1, spacing.2))
        let floor = SizeFloor(minimumReaderLengthMM: 3)
        let reference = LesionLabelling.reference(mask: mask, geometry: geometry, connectivity: .six, floor: floor, intensity: { _ in 1 })
        let fast = FastLabeller.label(
            mask.map { $0 ? Float(1) : 0 }, scaling: .identity, window: IntensityWindow(lower: 0.5), geometry: geometry,
            connectivity: .six, floor: floor)
        #expect(fast.lesions.map(\.voxelCount) == reference.lesions.map(\.voxelCount))
        #expect(fast.map.labels.voxels == reference.map.labels.voxels)
        #expect(reference.componentsBeforeFloor == boxes.count)
        return reference.lesions.map(\.voxelCount)
    }

    @Test("the floor in both labellers, on the three grids")
    func floors() {
        // 1 mm: rows of 2 and 3, a 2 × 2 square (2.83 mm) and a 2 × 2 × 2 cube (3.46 mm).
        #expect(Self.kept([(2, 1, 1), (3, 1, 1), (2, 2, 1), (2, 2, 2)], spacing: (1, 1, 1)) == [3, 8])
        // 0.9 × 0.9 × 3 mm: rows of 3 and 4, a 3 × 3 square (3.82 mm), one voxel, two stacked (6 mm).
        #expect(Self.kept([(3, 1, 1), (4, 1, 1), (3, 3, 1), (1, 1, 1), (1, 1, 2)], spacing: (0.9, 0.9, 3)) == [4, 9, 2])
        // 0.5 mm: rows of 5 and 6, 4 × 4 (2.83 mm) and 5 × 5 (3.54 mm) squares.
        #expect(Self.kept([(5, 1, 1), (6, 1, 1), (4, 4, 1), (5, 5, 1)], spacing: (0.5, 0.5, 0.5)) == [6, 25])
        // The no-floor default keeps them all.
        #expect(SizeFloor.none.minimumReaderLengthMM == 0)
    }
}
