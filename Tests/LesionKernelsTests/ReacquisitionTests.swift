#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LesionKernels
import Testing
import TestSupport

@Suite("Re-acquisition: an image on the grid as a thick-slice series would show it")
struct ReacquisitionTests {
    /// A 1 mm grid of 5 × 4 × 12 voxels and a series of 3 mm slices over it whose slice s is
    /// centred on grid slice 3s + 1.
    static let grid = VoxelGeometry(size: GridSize(5, 4, 12), affine: .spacing(1, 1, 1))
    static let series = VoxelGeometry(
        size: GridSize(5, 4, 4), affine: Affine(rows: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 3, 1]]))

    static func random(seed: UInt64) -> Volume<Float> {
        var rng = SeededGenerator(seed: seed)
        let size = grid.size
        return Volume(size: size, voxels: (0..<size.voxelCount).map { _ in Float.random(in: 0...2, using: &rng) })
    }

    @Test("three samples per 3 mm slice, at grid slices 3s … 3s + 2; placed back by linear interpolation between slice centres")
    func slices() throws {
        #expect(Reacquisition.samples(series: Self.series, gridSpacingMM: 1) == [1, 1, 3])
        for seed in UInt64(1)...5 {
            let values = Self.random(seed: seed)
            let again = try #require(
                Reacquisition.reacquired(values, grid: Self.grid, series: Self.series, gridToSeriesWorld: nil))
            for j in 0..<4 {
                for i in 0..<5 {
                    // Written by hand: slice s averages grid slices 3s, 3s + 1, 3s + 2.
                    let slice = (0..<4).map { s in (0..<3).reduce(0.0) { $0 + Double(values[i, j, 3 * s + $1]) } / 3 }
                    // Grid slice k lies at slice (k − 1) / 3; the outermost half slices take the edge value.
                    let expected: [Double] = (0..<12).map { k in
                        let u = min(max(Double(k - 1) / 3, 0), 3)
                        let low = min(Int(u), 2)
                        let f = u - Double(low)
                        return (1 - f) * slice[low] + f * slice[low + 1]
                    }
                    for k in 0..<12 {
                        #expect(abs(Double(again[i, j, k]) - expected[k]) < 1e-5, "voxel \(i), \(j), \(k), seed \(seed)")
                    }
                }
            }
        }
    }

    @Test("a thin bright sheet spreads over the slice that holds it and the half slices beside it, and stays in its column")
    func spread() throws {
        var values = Volume(size: Self.grid.size, repeating: Float(1))
        values[2, 2, 4] = 4  // grid slice 4: the centre of series slice 1
        let again = try #require(Reacquisition.reacquired(values, grid: Self.grid, series: Self.series, gridToSeriesWorld: nil))
        #expect(again[2, 2, 4] == 2)  // (4 + 1 + 1) / 3
        #expect(abs(again[2, 2, 3] - Float(1 + 2.0 / 3)) < 1e-6 && abs(again[2, 2, 5] - Float(1 + 2.0 / 3)) < 1e-6)
        #expect(abs(again[2, 2, 2] - Float(1 + 1.0 / 3)) < 1e-6 && abs(again[2, 2, 6] - Float(1 + 1.0 / 3)) < 1e-6)
        #expect(again[2, 2, 1] == 1 && again[2, 2, 7] == 1)
        #expect(again[1, 2, 4] == 1 && again[2, 3, 4] == 1)
    }

    @Test("a NaN makes the slice holding it unknown, and the grid voxels placed from that slice, and no others")
    func unknown() throws {
        var values = Volume(size: Self.grid.size, repeating: Float(1))
        values[0, 0, 7] = .nan  // slice 2 (grid slices 6 … 8)
        let again = try #require(Reacquisition.reacquired(values, grid: Self.grid, series: Self.series, gridToSeriesWorld: nil))
        #expect((5...9).allSatisfy { again[0, 0, $0].isNaN })
        // Grid slices 4 and 10 lie on the centres of slices 1 and 3; rounding in the affines can
        // give the NaN slice beside them a weight of 10⁻¹⁶, which makes them unknown too.
        let column = (0..<12).map { again[0, 0, $0] }
        #expect(column[0...3].allSatisfy { $0 == 1 } && column[11] == 1 && again[1, 0, 7] == 1, "\(column)")
        #expect([column[4], column[10]].allSatisfy { $0 == 1 || $0.isNaN }, "\(column)")
    }

    @Test("a series placed through a registration is the series whose affine the registration moves")
    func throughRegistration() throws {
        // Rotated 90° about z and shifted: the grid's world point p is the series' world point T p.
        let transform = Affine(rows: [[0, -1, 0, 4], [1, 0, 0, -1], [0, 0, 1, 0.5]])
        let inverse = try #require(transform.inverse)
        let moved = VoxelGeometry(size: Self.series.size, affine: inverse.concatenating(Self.series.affine))
        let values = Self.random(seed: 9)
        let through = try #require(
            Reacquisition.reacquired(values, grid: Self.grid, series: Self.series, gridToSeriesWorld: transform))
        let direct = try #require(Reacquisition.reacquired(values, grid: Self.grid, series: moved, gridToSeriesWorld: nil))
        var finite = 0
        for n in through.voxels.indices {
            let (a, b) = (through.voxels[n], direct.voxels[n])
            #expect(a.isNaN == b.isNaN && (a.isNaN || abs(a - b) < 1e-5), "voxel \(n)")
            if !a.isNaN { finite += 1 }
        }
        // The rotated series still covers part of the grid.
        #expect(finite > 0)
    }

    /// Within a box of the grid: the same bits as the whole re-acquisition there, NaN elsewhere,
    /// on random poses (a 90° turn included), slice thicknesses and boxes. A series voxel left
    /// out that the box needs would turn some voxel NaN or change its bits.
    @Test("within a box: the whole re-acquisition's bits inside it, NaN elsewhere, on 120 random poses and boxes")
    func withinBox() throws {
        var compared = 0
        for seed in UInt64(0)..<120 {
            var rng = SeededGenerator(seed: seed)
            let grid = VoxelGeometry(
                size: GridSize(
                    Int.random(in: 3...12, using: &rng), Int.random(in: 3...12, using: &rng), Int.random(in: 4...16, using: &rng)),
                affine: .spacing(1, 1, 1))
            let thick = Double(Int.random(in: 2...5, using: &rng))
            func r() -> Double { Double.random(in: -0.2...0.2, using: &rng) }
            let series = VoxelGeometry(
                size: GridSize(grid.size.nx + 1, grid.size.ny, grid.size.nz / Int(thick) + 1),
                affine: Affine(rows: [[1 + r(), r(), r(), r() - 0.5], [r(), 1 + r(), r(), r()], [r(), r(), thick, r()]]))
            let transform: Affine? =
                seed % 3 == 0 ? Affine(rows: [[0, -1, 0, Double(grid.size.ny)], [1, 0, 0, -0.5], [0, 0, 1, 0.25]]) : nil
            var values = Volume(
                size: grid.size, voxels: (0..<grid.size.voxelCount).map { _ in Float.random(in: 0...2, using: &rng) })
            if seed % 4 == 1 { values.voxels[Int.random(in: 0..<values.voxels.count, using: &rng)] = .nan }
            let box = StoredResamplingTests.box(&rng, in: grid.size)
            let whole = try #require(
                Reacquisition.reacquired(values, grid: grid, series: series, gridToSeriesWorld: transform))
            let part = try #require(
                Reacquisition.reacquired(
                    values, grid: grid, series: series, gridToSeriesWorld: transform, threads: Int(seed % 3) + 1, within: box))
            for k in 0..<grid.size.nz {
                for j in 0..<grid.size.ny {
                    for i in 0..<grid.size.nx {
                        let n = grid.size.offset(i, j, k)
                        let inBox = box.contains(VoxelIndex(i, j, k))
                        let expected = inBox ? whole.voxels[n] : .nan
                        #expect(
                            part.voxels[n].bitPattern == expected.bitPattern || (part.voxels[n].isNaN && expected.isNaN),
                            "seed \(seed), voxel (\(i), \(j), \(k))")
                        if inBox && !expected.isNaN { compared += 1 }
                    }
                }
            }
        }
        #expect(compared > 1_500)
    }
}
