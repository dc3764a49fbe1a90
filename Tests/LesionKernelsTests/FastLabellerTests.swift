import LesionKernels
import Testing
import TestSupport

/// The fast kernel against the reference on many random volumes: same partition, numbering and statistics.
@Suite("Fast labeller")
struct FastLabellerTests {
    static let floors = [
        SizeFloor.none, SizeFloor(minimumVoxels: 3), SizeFloor(minimumVolumeMM3: 4, minimumExtentMM: 1.5),
        SizeFloor(minimumVoxels: 3, minimumReaderLengthMM: 3),
    ]

    /// Random float volumes in [0, 1): a voxel is foreground when its value is ≥ 0.5.
    static func volume(seed: UInt64, maximumExtent: Int) -> (Volume<Float>, VoxelGeometry) {
        var rng = SeededGenerator(seed: seed)
        let size = RandomVolumes.size(&rng, maximumExtent: maximumExtent)
        let density = [0.0, 1.0, 0.02, 0.3, 0.5, 0.7, 0.9][Int(seed % 7)]
        let values = (0..<size.voxelCount).map { _ -> Float in
            Double.random(in: 0..<1, using: &rng) < density
                ? Float.random(in: 0.5..<1, using: &rng) : Float.random(in: 0..<0.5, using: &rng)
        }
        let spacing = [(1.0, 1.0, 1.0), (0.5, 0.8, 3.0), (1.2, 0.9, 0.7)][Int(seed % 3)]
        let affine =
            seed % 4 == 3
            ? Affine(rows: [[0.9, 0.1, 0.05, -5], [-0.12, 1.1, 0.2, 3], [0.03, -0.2, 2.4, 7]])
            : Affine.spacing(spacing.0, spacing.1, spacing.2)
        return (Volume(size: size, voxels: values), VoxelGeometry(size: size, affine: affine))
    }

    /// A volume of 0s and 1s, each voxel 1 with probability `density`.
    static func binaryVolume(_ size: GridSize, density: Double, using rng: inout SeededGenerator) -> Volume<Float> {
        Volume(size: size, voxels: (0..<size.voxelCount).map { _ in Double.random(in: 0..<1, using: &rng) < density ? 1 : 0 })
    }

    static func reference(_ volume: Volume<Float>, _ geometry: VoxelGeometry, _ c: Connectivity, _ floor: SizeFloor) -> LesionLabelling {
        let mask = ReferenceThreshold.mask(volume, scaling: .identity, window: IntensityWindow(lower: 0.5))
        return LesionLabelling.reference(mask: mask, geometry: geometry, connectivity: c, floor: floor) {
            Double(volume.voxels[$0])
        }
    }

    static func expectSame(_ fast: LesionLabelling, _ reference: LesionLabelling, _ context: String) {
        let samePartition = fast.map.labels.voxels == reference.map.labels.voxels
        #expect(samePartition, "\(context)")
        #expect(fast.foregroundVoxels == reference.foregroundVoxels, "\(context)")
        #expect(fast.componentsBeforeFloor == reference.componentsBeforeFloor, "\(context)")
        #expect(fast.lesions.count == reference.lesions.count, "\(context)")
        for (a, b) in zip(fast.lesions, reference.lesions) {
            var exact = a
            exact.largestExtentMM = b.largestExtentMM
            #expect(exact == b, "\(context) lesion \(b.label)")
            #expect(abs(a.largestExtentMM - b.largestExtentMM) <= 1e-12 * max(1, b.largestExtentMM), "\(context)")
        }
        fast.checkInvariants()
    }

    @Test("equals the reference on random volumes", arguments: Connectivity.allCases)
    func randomVolumes(connectivity: Connectivity) {
        for seed in UInt64(0)..<300 {
            let (volume, geometry) = Self.volume(seed: seed &* 31 &+ UInt64(connectivity.rawValue), maximumExtent: 14)
            let floor = Self.floors[Int(seed % 5 % 4)]
            let reference = Self.reference(volume, geometry, connectivity, floor)
            for threads in [1, 2, 3] {
                let fast = FastLabeller.label(
                    volume, scaling: .identity, window: IntensityWindow(lower: 0.5), geometry: geometry,
                    connectivity: connectivity, floor: floor, threads: threads)
                Self.expectSame(fast, reference, "seed \(seed) \(volume.size) threads \(threads)")
            }
        }
    }

    @Test("long rows exercise the 16-voxel vectors and the 64-bit mask words", arguments: Connectivity.allCases)
    func longRows(connectivity: Connectivity) {
        for seed in UInt64(0)..<12 {
            var rng = SeededGenerator(seed: seed + 1000)
            let size = GridSize(
                Int.random(in: 60...200, using: &rng), Int.random(in: 1...9, using: &rng), Int.random(in: 1...7, using: &rng))
            let density = [0.05, 0.5, 0.95][Int(seed % 3)]
            let volume = Self.binaryVolume(size, density: density, using: &rng)
            let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 1))
            let reference = Self.reference(volume, geometry, connectivity, .none)
            let fast = FastLabeller.label(
                volume, scaling: .identity, window: IntensityWindow(lower: 0.5), geometry: geometry,
                connectivity: connectivity, floor: .none, threads: 2)
            Self.expectSame(fast, reference, "long rows seed \(seed)")
            let stored = StoredWindow<Float>(IntensityWindow(lower: 0.5), scaling: .identity)
            let mask = SIMDThreshold.bitMask(volume, window: stored)
            let sameMask =
                mask.volume.voxels == ReferenceThreshold.mask(volume, scaling: .identity, window: IntensityWindow(lower: 0.5)).voxels
            #expect(sameMask)
            let (runs, count) = FastLabeller.components(mask, connectivity: connectivity, threads: 1)
            #expect(count == reference.componentsBeforeFloor)
            let samePartition = runs.labelMap(count: count).labels.voxels == reference.map.labels.voxels
            #expect(samePartition)
        }
    }

    /// Rows of noise with many short runs are joined through their bit words; widths around the
    /// 64-bit word boundaries check the carries between words.
    @Test("noisy rows joined bit by bit equal the reference", arguments: Connectivity.allCases)
    func noisyRows(connectivity: Connectivity) {
        for seed in UInt64(0)..<24 {
            var rng = SeededGenerator(seed: seed &+ 5000 &+ UInt64(connectivity.rawValue))
            let nx = [63, 64, 65, 127, 128, 129, 191, 200][Int(seed % 8)]
            let size = GridSize(nx, Int.random(in: 2...12, using: &rng), Int.random(in: 2...8, using: &rng))
            let density = [0.3, 0.5, 0.7][Int(seed % 3)]
            let volume = Self.binaryVolume(size, density: density, using: &rng)
            let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 1))
            let reference = Self.reference(volume, geometry, connectivity, .none)
            for threads in [1, 2] {
                let fast = FastLabeller.label(
                    volume, scaling: .identity, window: IntensityWindow(lower: 0.5), geometry: geometry,
                    connectivity: connectivity, floor: .none, threads: threads)
                Self.expectSame(fast, reference, "noisy rows seed \(seed) \(size) threads \(threads)")
            }
        }
    }

    /// Counting without the extent keeps every lesion (the unmeasured extent is NaN, which no
    /// floor comparison may drop) and gives the same statistics otherwise.
    @Test("counting without the largest extent keeps every lesion")
    func withoutExtent() {
        let (volume, geometry) = Self.volume(seed: 3 * 7 + 3, maximumExtent: 14)
        let window = IntensityWindow(lower: 0.5)
        let full = FastLabeller.label(
            volume, scaling: .identity, window: window, geometry: geometry, connectivity: .twentySix, floor: .none)
        let counted = FastLabeller.label(
            volume, scaling: .identity, window: window, geometry: geometry, connectivity: .twentySix,
            floor: .none, measureExtent: false)
        #expect(full.lesions.count > 3)
        #expect(counted.lesions.count == full.lesions.count)
        for (a, b) in zip(counted.lesions, full.lesions) {
            #expect(a.largestExtentMM.isNaN)
            var same = a
            same.largestExtentMM = b.largestExtentMM
            #expect(same == b)
        }
        // An extent floor still measures the extent, so it can apply it.
        let floored = FastLabeller.label(
            volume, scaling: .identity, window: window, geometry: geometry, connectivity: .twentySix,
            floor: SizeFloor(minimumExtentMM: 2), measureExtent: false)
        #expect(floored.lesions.count == full.lesions.filter { $0.largestExtentMM >= 2 }.count)
    }

    @Test("a volume with no foreground, and an empty window")
    func nothing() {
        let size = GridSize(5, 4, 3)
        let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 1))
        let volume = Volume<Float>(size: size, repeating: 0.2)
        for window in [IntensityWindow(lower: 0.5), IntensityWindow(lower: 0.3, upper: 0.1)] {
            let result = FastLabeller.label(
                volume, scaling: .identity, window: window, geometry: geometry, connectivity: .six, floor: .none)
            #expect(result.lesions.isEmpty && result.foregroundVoxels == 0 && result.map.count == 0)
        }
    }
}
