import LesionKernels
import Testing
import TestSupport

/// The resampling that reads stored values directly against the closure-based one it replaces
/// on a scan's path: the same bits at every voxel, on random grids, poses and stored types, with
/// the target's slices shared by 1 to 4 threads.
@Suite("Resampling from stored values")
struct StoredResamplingTests {
    /// A random source grid and a target grid posed by a random rotation, scale and shift that
    /// leaves part of the target outside the source's field; some poses are axis-aligned, so
    /// positions fall on voxel centres and half-way (the zero-weight cases).
    static func grids(_ rng: inout SeededGenerator, seed: UInt64) -> GridPlacement {
        let source = VoxelGeometry(
            size: RandomVolumes.size(&rng, maximumExtent: 11),
            affine: .spacing(Double.random(in: 0.5...2, using: &rng), 1, Double.random(in: 1...4, using: &rng)))
        let target = GridSize(Int.random(in: 1...13, using: &rng), Int.random(in: 1...13, using: &rng), Int.random(in: 1...9, using: &rng))
        let affine: Affine
        if seed % 3 == 0 {
            let step = [0.5, 1, 2][Int(seed / 3 % 3)]
            affine = Affine(rows: [[step, 0, 0, -1], [0, step, 0, -0.5], [0, 0, step, 0]])
        } else {
            func r() -> Double { Double.random(in: -0.4...0.4, using: &rng) }
            affine = Affine(rows: [
                [0.9 + r(), r(), r(), 3 * r()], [r(), 1.1 + r(), r(), 3 * r()], [r(), r(), 1.3 + r(), 3 * r()],
            ])
        }
        return GridPlacement(source: source, onto: VoxelGeometry(size: target, affine: affine))!
    }

    static func sameBits(_ a: Volume<Double>, _ b: Volume<Double>) -> Bool {
        a.size == b.size && zip(a.voxels, b.voxels).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func check<T: ScanScalar>(
        _ values: [T], _ placement: GridPlacement, _ scaling: IntensityScaling, threads: Int, _ note: String
    ) {
        let closure = { (n: Int) in scaling.apply(values[n].doubleValue) }
        let note = "\(note), \(threads) threads"
        values.withUnsafeBufferPointer { stored in
            let trilinear = placement.trilinear(stored: stored, scaling: scaling, threads: threads)
            #expect(sameBits(trilinear, placement.trilinear(closure)), "trilinear \(note)")
            let nearest = placement.nearest(stored: stored, scaling: scaling, outside: -7, threads: threads)
            #expect(sameBits(nearest, placement.nearest(closure, outside: -7)), "nearest \(note)")
            let outsideThree = placement.trilinear(stored: stored, scaling: scaling, outside: 3, threads: threads)
            #expect(sameBits(outsideThree, placement.trilinear(closure, outside: 3)), "trilinear outside 3 \(note)")
        }
    }

    @Test("equal bit for bit to the closure-based resampling on 400 random grids and stored types")
    func randomGrids() {
        var inside = 0
        for seed in UInt64(0)..<400 {
            var rng = SeededGenerator(seed: seed)
            let placement = Self.grids(&rng, seed: seed)
            let n = placement.source.size.voxelCount
            let scaling = seed % 2 == 0 ? IntensityScaling.identity : IntensityScaling(slope: 0.37, intercept: -12.5)
            let note = "seed \(seed)"
            // More threads than target slices as well (a target has 1 to 9).
            let threads = Int(seed / 4 % 4) + 1
            switch seed % 4 {
            case 0: Self.check((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }, placement, scaling, threads: threads, note)
            case 1:
                Self.check((0..<n).map { _ in Int16.random(in: -3000...3000, using: &rng) }, placement, scaling, threads: threads, note)
            case 2:
                // NaN neighbours: kept where their weight is nonzero, skipped where it is zero.
                let values = (0..<n).map { _ in
                    Double.random(in: 0..<1, using: &rng) < 0.05 ? Float.nan : Float.random(in: -2...2, using: &rng)
                }
                Self.check(values, placement, scaling, threads: threads, note)
            default:
                Self.check((0..<n).map { _ in Double.random(in: -1e3...1e3, using: &rng) }, placement, scaling, threads: threads, note)
            }
            inside += placement.trilinear { _ in 0 }.voxels.filter { !$0.isNaN }.count
        }
        // Most targets overlap their sources: the comparison is not only of NaNs.
        #expect(inside > 15_000)
    }

    /// A random box of target indices: inside the grid, or reaching past it on some side.
    static func box(_ rng: inout SeededGenerator, in size: GridSize) -> VoxelBox {
        func span(_ n: Int) -> (Int, Int) {
            let a = Int.random(in: -2...n, using: &rng), b = Int.random(in: -1...(n + 2), using: &rng)
            return (min(a, b), max(a, b))
        }
        let (i, j, k) = (span(size.nx), span(size.ny), span(size.nz))
        return VoxelBox(lower: VoxelIndex(i.0, j.0, k.0), upper: VoxelIndex(i.1, j.1, k.1))
    }

    @Test("within a box: the whole grid's bits inside it, the outside value elsewhere, on 300 random grids and boxes")
    func withinBox() {
        var compared = 0
        for seed in UInt64(0)..<300 {
            var rng = SeededGenerator(seed: seed)
            let placement = Self.grids(&rng, seed: seed)
            let values = (0..<placement.source.size.voxelCount).map { _ in
                Double.random(in: 0..<1, using: &rng) < 0.05 ? Float.nan : Float.random(in: -2...2, using: &rng)
            }
            let box = Self.box(&rng, in: placement.target.size)
            let threads = Int(seed % 4) + 1
            values.withUnsafeBufferPointer { stored in
                let whole = placement.trilinear(stored: stored, scaling: .identity, outside: -5, threads: 1)
                let part = placement.trilinear(stored: stored, scaling: .identity, outside: -5, threads: threads, within: box)
                let size = placement.target.size
                for k in 0..<size.nz {
                    for j in 0..<size.ny {
                        for i in 0..<size.nx {
                            let n = size.offset(i, j, k)
                            let inBox = box.contains(VoxelIndex(i, j, k))
                            let expected = inBox ? whole.voxels[n] : -5
                            #expect(part.voxels[n].bitPattern == expected.bitPattern, "seed \(seed), voxel (\(i), \(j), \(k))")
                            if inBox { compared += 1 }
                        }
                    }
                }
            }
        }
        #expect(compared > 5_000)
    }
}
