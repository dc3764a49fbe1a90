import LesionKernels
import Testing
import TestSupport

@Suite("Placing one grid on another: inverse affines, coverage, nearest and trilinear resampling")
struct GridPlacementTests {
    static let oblique = Affine(rows: [[0.9, -0.3, 0.1, -80], [0.28, 0.95, -0.2, 12.5], [-0.05, 0.25, 1.8, 40]])

    @Test("the inverse affine undoes the affine; concatenation composes")
    func inverse() throws {
        let inverse = try #require(Self.oblique.inverse)
        for v in [VoxelIndex(0, 0, 0), VoxelIndex(3, -7, 11), VoxelIndex(120, 200, 90)] {
            let w = Self.oblique.apply(v)
            let back = inverse.apply(VoxelCoordinate(w.x, w.y, w.z))
            #expect(abs(back.x - Double(v.i)) < 1e-9 && abs(back.y - Double(v.j)) < 1e-9 && abs(back.z - Double(v.k)) < 1e-9)
        }
        let identity = inverse.concatenating(Self.oblique)
        #expect(identity.maximumDifference(from: .spacing(1, 1, 1)) < 1e-12)
        #expect(Affine(rows: [[1, 2, 3, 0], [2, 4, 6, 0], [0, 0, 1, 0]]).inverse == nil)
    }

    let base = VoxelGeometry(size: GridSize(10, 8, 6), affine: Affine(rows: [[2, 0, 0, -10], [0, 2, 0, -8], [0, 0, 2, -6]]))

    @Test("corner displacement: 0 on the same grid, the shift of a translated one, none across sizes")
    func sameGrid() throws {
        let same = try #require(GridPlacement(source: base, onto: base))
        #expect(same.cornerDisplacementMM == 0)
        let nudged = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -9.995], [0, 2, 0, -8], [0, 0, 2, -6]]))
        #expect(abs(GridPlacement(source: nudged, onto: base)!.cornerDisplacementMM! - 0.005) < 1e-12)
        let moved = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -9.9], [0, 2, 0, -8], [0, 0, 2, -6]]))
        #expect(abs(GridPlacement(source: moved, onto: base)!.cornerDisplacementMM! - 0.1) < 1e-12)
        let bigger = VoxelGeometry(size: GridSize(11, 8, 6), affine: base.affine)
        #expect(GridPlacement(source: bigger, onto: base)!.cornerDisplacementMM == nil)
    }

    @Test("field coverage: the fraction of target voxel centres inside the source's field")
    func coverage() throws {
        // Shifted by 3 voxels along i: 7 of 10 columns covered.
        let shifted = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -4], [0, 2, 0, -8], [0, 0, 2, -6]]))
        #expect(GridPlacement(source: shifted, onto: base)!.fieldCoverage == 0.7)
        let far = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, 1000], [0, 2, 0, -8], [0, 0, 2, -6]]))
        #expect(GridPlacement(source: far, onto: base)!.fieldCoverage == 0)
        // Half a voxel is the edge of the field: a shift of 1 mm (half a voxel) still covers all.
        let half = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -11], [0, 2, 0, -8], [0, 0, 2, -6]]))
        #expect(GridPlacement(source: half, onto: base)!.fieldCoverage == 0.9)
    }

    @Test("nearest neighbour from a grid with its i axis flipped and its axes permuted")
    func flippedAndPermuted() throws {
        // Source voxel (a, b, c) sits at world x = 8 - 2b, y = -8 + 2c... : i ↔ world y, j ↔ −x, k ↔ z.
        let size = GridSize(8, 10, 6)
        let source = VoxelGeometry(size: size, affine: Affine(rows: [[0, -2, 0, 8], [2, 0, 0, -8], [0, 0, 2, -6]]))
        let placement = try #require(GridPlacement(source: source, onto: base))
        #expect(placement.fieldCoverage == 1)
        let resampled = placement.nearest({ Double($0) }, outside: -1)
        for (i, j, k) in [(0, 0, 0), (9, 7, 5), (4, 2, 3)] {
            // Target (i, j, k) is at world (-10 + 2i, -8 + 2j, -6 + 2k): source a = j, b = 9 - i, c = k.
            #expect(resampled[i, j, k] == Double(size.offset(j, 9 - i, k)), "\(i), \(j), \(k)")
        }
    }

    @Test("nearest neighbour takes the closest source centre, not the one below")
    func rounding() throws {
        let source = VoxelGeometry(size: GridSize(6, 1, 1), affine: .spacing(1, 1, 1))
        func resampled(shiftMM: Double) -> [Double] {
            let target = VoxelGeometry(size: GridSize(6, 1, 1), affine: Affine(rows: [[1, 0, 0, shiftMM], [0, 1, 0, 0], [0, 0, 1, 0]]))
            return GridPlacement(source: source, onto: target)!.nearest({ Double(10 + $0) }, outside: -1).voxels
        }
        #expect(resampled(shiftMM: 0.75) == [11, 12, 13, 14, 15, -1])
        #expect(resampled(shiftMM: 0.25) == [10, 11, 12, 13, 14, 15])
        #expect(resampled(shiftMM: -0.75) == [-1, 10, 11, 12, 13, 14])
    }

    @Test("a grid twice as fine: each target voxel takes one of the eight finer voxels it holds")
    func finer() throws {
        let fine = VoxelGeometry(size: GridSize(20, 16, 12), affine: Affine(rows: [[1, 0, 0, -10.5], [0, 1, 0, -8.5], [0, 0, 1, -6.5]]))
        // Each fine voxel holds the index of the base voxel it lies in.
        let value = { (n: Int) -> Double in
            let v = fine.size.index(ofOffset: n)
            return Double(v.i / 2 + 10 * (v.j / 2) + 100 * (v.k / 2))
        }
        let resampled = GridPlacement(source: fine, onto: base)!.nearest(value, outside: -1)
        for k in 0..<6 { for j in 0..<8 { for i in 0..<10 { #expect(resampled[i, j, k] == Double(i + 10 * j + 100 * k)) } } }
    }

    @Test("trilinear: exact at voxel centres, the mean halfway, NaN outside the field")
    func trilinear() throws {
        // Source: 1 mm voxels over the target's field, value = x + 10 y + 100 z (world mm), linear,
        // so trilinear interpolation reproduces it exactly wherever the eight neighbours exist.
        let source = VoxelGeometry(size: GridSize(19, 15, 11), affine: Affine(rows: [[1, 0, 0, -10], [0, 1, 0, -8], [0, 0, 1, -6]]))
        func value(_ n: Int) -> Double {
            let v = source.size.index(ofOffset: n)
            return Double(-10 + v.i) + 10 * Double(-8 + v.j) + 100 * Double(-6 + v.k)
        }
        let shifted = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -9.5], [0, 2, 0, -7.5], [0, 0, 2, -5.5]]))
        let out = GridPlacement(source: source, onto: shifted)!.trilinear(value)
        for (i, j, k) in [(0, 0, 0), (3, 2, 1), (8, 6, 4)] {
            let expected = (-9.5 + 2 * Double(i)) + 10 * (-7.5 + 2 * Double(j)) + 100 * (-5.5 + 2 * Double(k))
            #expect(abs(out[i, j, k] - expected) < 1e-9, "\(i), \(j), \(k)")
        }
        // The field ends half a voxel past the last centre, half-open: x = 8.5 is outside.
        #expect(out[9, 0, 0].isNaN)
        // Inside that rim the position is clamped to the last centre: x = 8.25 takes x = 8.
        let rim = VoxelGeometry(size: base.size, affine: Affine(rows: [[2, 0, 0, -9.75], [0, 2, 0, -7.5], [0, 0, 2, -5.5]]))
        let clamped = GridPlacement(source: source, onto: rim)!.trilinear(value)
        #expect(abs(clamped[9, 0, 0] - (8 + 10 * -7.5 + 100 * -5.5)) < 1e-9)
        let beyond = VoxelGeometry(size: GridSize(12, 8, 6), affine: base.affine)
        let wide = GridPlacement(source: source, onto: beyond)!.trilinear(value)
        #expect(wide[11, 0, 0].isNaN && !wide[9, 0, 0].isNaN)
    }
}
