import LesionKernels
import Testing
import TestSupport

@Suite("Lesion measurement")
struct MeasurementTests {
    /// 0.5 × 1 × 2 mm voxels, origin at (10, 20, 30).
    let geometry = VoxelGeometry(
        size: GridSize(8, 6, 5),
        affine: Affine(rows: [[0.5, 0, 0, 10], [0, 1, 0, 20], [0, 0, 2, 30]]))

    @Test("a box: count, volume, bounds, centroid, extent, intensities")
    func box() {
        var mask = Volume(size: geometry.size, repeating: false)
        for k in 1...2 { for j in 2...4 { for i in 3...6 { mask[i, j, k] = true } } }
        let result = LesionLabelling.reference(
            mask: mask, geometry: geometry, connectivity: .six, floor: .none,
            intensity: { Double($0 % 7) })
        #expect(result.lesions.count == 1)
        let lesion = result.lesions[0]
        #expect(lesion.voxelCount == 24)
        #expect(lesion.volumeMM3 == 24 * 1.0)
        #expect(lesion.boundingBox.flattened == [3, 2, 1, 6, 4, 2])
        #expect(lesion.centroidVoxel == VoxelCoordinate(4.5, 3, 1.5))
        #expect(lesion.centroidMM == WorldPoint(12.25, 23, 33))
        // Opposite corners (3, 2, 1) and (6, 4, 2): (1.5, 2, 2) mm apart.
        #expect(abs(lesion.largestExtentMM - (1.5 * 1.5 + 4 + 4).squareRoot()) < 1e-12)
        var offsets: [Int] = []
        for k in 1...2 { for j in 2...4 { for i in 3...6 { offsets.append(geometry.size.offset(i, j, k)) } } }
        let values = offsets.map { Double($0 % 7) }
        #expect(lesion.maxIntensity == values.max())
        #expect(abs(lesion.meanIntensity - values.reduce(0, +) / 24) < 1e-12)
    }

    @Test("the Feret diameter equals the largest pairwise distance", arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func feretAgainstAllPairs(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let affine = Affine(rows: [[0.9, 0.2, 0, 1], [-0.1, 1.1, 0.3, 2], [0.05, 0, 2.5, 3]])
        let voxels = (0..<Int.random(in: 2...60, using: &rng)).map { _ in
            VoxelIndex(Int.random(in: 0..<9, using: &rng), Int.random(in: 0..<7, using: &rng), Int.random(in: 0..<5, using: &rng))
        }
        var best = 0.0
        for p in voxels {
            for q in voxels {
                let a = affine.apply(p), b = affine.apply(q)
                best = max(best, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)).squareRoot())
            }
        }
        #expect(abs(FeretDiameter.largestExtent(of: voxels, affine: affine) - best) < 1e-9)
    }

    /// Round sets are where pruning by distance from the centroid is weakest: balls, shells and
    /// ellipsoids with ragged surfaces, on oblique and anisotropic grids, against all pairs.
    @Test("the Feret diameter of round and ragged blobs equals the largest pairwise distance", arguments: 0..<40)
    func feretOfBlobs(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 900)
        let affine =
            seed % 2 == 0
            ? Affine(rows: [[0.9, 0.2, 0, 1], [-0.1, 1.1, 0.3, 2], [0.05, 0, 2.5, 3]])
            : Affine.spacing(1, 1, [1, 1.5, 3][seed % 3])
        let radii = (0..<3).map { _ in Double.random(in: 1.5...4.5, using: &rng) }
        let hollow = seed % 3 == 0
        var voxels: [VoxelIndex] = []
        for k in -5...5 {
            for j in -5...5 {
                for i in -5...5 {
                    let r =
                        (Double(i) / radii[0]) * (Double(i) / radii[0]) + (Double(j) / radii[1]) * (Double(j) / radii[1])
                        + (Double(k) / radii[2]) * (Double(k) / radii[2])
                    let ragged = Double.random(in: 0.85...1.15, using: &rng)
                    if r <= ragged && !(hollow && r < 0.5) { voxels.append(VoxelIndex(i + 5, j + 5, k + 5)) }
                }
            }
        }
        guard voxels.count > 1 else { return }
        var best = 0.0
        for p in voxels {
            for q in voxels {
                let a = affine.apply(p), b = affine.apply(q)
                best = max(best, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)).squareRoot())
            }
        }
        #expect(abs(FeretDiameter.largestExtent(of: voxels, affine: affine) - best) <= 1e-9 * max(1, best), "\(voxels.count) voxels")
    }

    @Test("a single voxel has extent 0")
    func singleVoxel() {
        #expect(FeretDiameter.largestExtent(of: [VoxelIndex(1, 2, 3)], affine: geometry.affine) == 0)
    }

    @Test("the size floor drops small lesions and renumbers the rest in order")
    func sizeFloor() {
        var mask = Volume(size: geometry.size, repeating: false)
        mask[0, 0, 0] = true  // 1 voxel, 1 mm³
        for i in 2...5 { mask[i, 0, 0] = true }  // 4 voxels, 4 mm³, extent 1.5 mm
        for j in 0...5 { mask[7, j, 4] = true }  // 6 voxels, 6 mm³, extent 5 mm
        func count(_ floor: SizeFloor) -> [Int] {
            let result = LesionLabelling.reference(
                mask: mask, geometry: geometry, connectivity: .six, floor: floor, intensity: { _ in 1 })
            result.checkInvariants()
            #expect(result.componentsBeforeFloor == 3)
            #expect(result.map.count == result.lesions.count)
            return result.lesions.map(\.voxelCount)
        }
        #expect(count(.none) == [1, 4, 6])
        #expect(count(SizeFloor(minimumVoxels: 2)) == [4, 6])
        #expect(count(SizeFloor(minimumVolumeMM3: 2)) == [4, 6])
        #expect(count(SizeFloor(minimumVolumeMM3: 4)) == [4, 6])
        #expect(count(SizeFloor(minimumVolumeMM3: 4.5)) == [6])
        #expect(count(SizeFloor(minimumExtentMM: 1.5)) == [4, 6])
        #expect(count(SizeFloor(minimumExtentMM: 1.6)) == [6])
        let kept = LesionLabelling.reference(
            mask: mask, geometry: geometry, connectivity: .six, floor: SizeFloor(minimumVoxels: 2), intensity: { _ in 1 })
        #expect(kept.map.labels[0, 0, 0] == 0)
        #expect(kept.map.labels[2, 0, 0] == 1)
        #expect(kept.map.labels[7, 5, 4] == 2)
    }

    @Test("invariants hold on random volumes with and without a floor")
    func invariants() {
        for seed in UInt64(0)..<100 {
            let mask = RandomVolumes.mask(seed: seed)
            let size = mask.size
            let geometry = VoxelGeometry(size: size, affine: .spacing(0.7, 1.3, 2.1))
            for floor in [SizeFloor.none, SizeFloor(minimumVoxels: 3, minimumVolumeMM3: 4)] {
                let result = LesionLabelling.reference(
                    mask: mask, geometry: geometry, connectivity: .eighteen, floor: floor, intensity: { Double($0) })
                result.checkInvariants()
                let total = result.lesions.reduce(0) { $0 + $1.voxelCount }
                if floor == .none { #expect(total == result.foregroundVoxels) }
                #expect(result.lesions.allSatisfy(floor.keeps))
            }
        }
    }
}
