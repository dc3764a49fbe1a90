#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LesionKernels
import Testing
import TestSupport

@Suite("Resampling through a world-space transform: nearest keeps labels exact, trilinear matches a slow reference")
struct WorldTransformResamplingTests {
    /// A rotation by `degrees` about z then x, with a shift, as a world transform.
    static func rigid(_ degreesZ: Double, _ degreesX: Double, shift: (Double, Double, Double)) -> Affine {
        let a = degreesZ * .pi / 180, b = degreesX * .pi / 180
        let rz: [[Double]] = [[cos(a), -sin(a), 0], [sin(a), cos(a), 0], [0, 0, 1]]
        let rx: [[Double]] = [[1, 0, 0], [0, cos(b), -sin(b)], [0, sin(b), cos(b)]]
        let r = (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + rz[i][$1] * rx[$1][j] } } }
        return Affine(rows: [r[0] + [shift.0], r[1] + [shift.1], r[2] + [shift.2]])
    }

    /// The slow reference: each target voxel mapped point by point, target voxel → world →
    /// transform → source voxel, then rounded (nearest) or weighted by its eight neighbours.
    static func reference(
        _ values: [Double], source: VoxelGeometry, target: VoxelGeometry, transform: Affine, nearest: Bool
    ) -> [Double] {
        let toSource = source.affine.inverse!
        let s = source.size
        var out: [Double] = []
        for k in 0..<target.size.nz {
            for j in 0..<target.size.ny {
                for i in 0..<target.size.nx {
                    let w = target.affine.apply(VoxelIndex(i, j, k))
                    let p = transform.apply(VoxelCoordinate(w.x, w.y, w.z))
                    let u = toSource.apply(VoxelCoordinate(p.x, p.y, p.z))
                    let inside = [u.x, u.y, u.z].enumerated().allSatisfy { axis, x in
                        x >= -0.5 && x < Double([s.nx, s.ny, s.nz][axis]) - 0.5
                    }
                    guard inside else {
                        out.append(0)
                        continue
                    }
                    if nearest {
                        let a = Int((u.x + 0.5).rounded(.down)), b = Int((u.y + 0.5).rounded(.down))
                        let c = Int((u.z + 0.5).rounded(.down))
                        out.append(values[s.offset(a, b, c)])
                        continue
                    }
                    var sum = 0.0
                    let clamped = [
                        min(max(u.x, 0), Double(s.nx - 1)), min(max(u.y, 0), Double(s.ny - 1)), min(max(u.z, 0), Double(s.nz - 1)),
                    ]
                    let low = clamped.map { Int($0.rounded(.down)) }
                    let sizes = [s.nx, s.ny, s.nz]
                    for corner in 0..<8 {
                        var weight = 1.0
                        var index = [0, 0, 0]
                        for axis in 0..<3 {
                            let up = (corner >> axis) & 1 == 1
                            let f = clamped[axis] - Double(low[axis])
                            index[axis] = min(low[axis] + (up ? 1 : 0), sizes[axis] - 1)
                            weight *= up ? f : 1 - f
                        }
                        if weight != 0 { sum += weight * values[s.offset(index[0], index[1], index[2])] }
                    }
                    out.append(sum)
                }
            }
        }
        return out
    }

    @Test("random volumes, grids and rigid transforms: nearest equals the reference exactly, trilinear within 1e-9", arguments: 0..<12)
    func random(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) + 900)
        let sourceSize = GridSize(
            Int.random(in: 5...12, using: &random), Int.random(in: 5...12, using: &random), Int.random(in: 3...9, using: &random))
        let values = (0..<sourceSize.voxelCount).map { _ in Double(Int.random(in: 0...6, using: &random)) }
        let source = VoxelGeometry(
            size: sourceSize,
            affine: Self.rigid(Double.random(in: -30...30, using: &random), 0, shift: (-8, -6, -4))
                .concatenating(.spacing(Double.random(in: 0.8...2, using: &random), 1.1, Double.random(in: 1...3, using: &random))))
        let target = VoxelGeometry(
            size: GridSize(Int.random(in: 5...11, using: &random), Int.random(in: 5...11, using: &random), 6),
            affine: Affine(rows: [[1.3, 0, 0, -7], [0, 1.2, 0, -5], [0, 0, 1.5, -4]]))
        let transform = Self.rigid(
            Double.random(in: -20...20, using: &random), Double.random(in: -15...15, using: &random),
            shift: (Double.random(in: -3...3, using: &random), Double.random(in: -3...3, using: &random), 1.7))
        let placement = try #require(GridPlacement(source: source, onto: target, through: transform))
        let nearest = placement.nearest({ values[$0] }, outside: 0)
        #expect(nearest.voxels == Self.reference(values, source: source, target: target, transform: transform, nearest: true))
        // Labels stay an exact subset of the source's labels.
        #expect(Set(nearest.voxels).isSubset(of: Set(values + [0])))
        let linear = placement.trilinear({ values[$0] }, outside: 0)
        let expected = Self.reference(values, source: source, target: target, transform: transform, nearest: false)
        let worst = zip(linear.voxels, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-9)
        #expect(nearest.voxels.contains { $0 != 0 })
    }

    let grid = VoxelGeometry(size: GridSize(6, 5, 4), affine: Affine(rows: [[2, 0, 0, -6], [0, 2, 0, -5], [0, 0, 3, -6]]))

    @Test("the identity transform returns the source's voxels, by both methods")
    func identity() throws {
        let values = (0..<grid.size.voxelCount).map { Double($0 * 7 % 13) }
        let placement = try #require(GridPlacement(source: grid, onto: grid, through: .spacing(1, 1, 1)))
        #expect(placement.nearest({ values[$0] }, outside: 0).voxels == values)
        #expect(placement.trilinear({ values[$0] }, outside: 0).voxels == values)
    }

    @Test("a world shift of whole voxels moves the values by whole voxels, with 0 outside the field")
    func integerShift() throws {
        let values = (0..<grid.size.voxelCount).map { Double($0 + 1) }
        // Target world x → source world x + 4 mm: two voxels along i.
        let shift = Affine(rows: [[1, 0, 0, 4], [0, 1, 0, 0], [0, 0, 1, -3]])
        let placement = try #require(GridPlacement(source: grid, onto: grid, through: shift))
        for resampled in [placement.nearest({ values[$0] }, outside: 0), placement.trilinear({ values[$0] }, outside: 0)] {
            for k in 0..<4 {
                for j in 0..<5 {
                    for i in 0..<6 {
                        let expected = i + 2 < 6 && k - 1 >= 0 ? values[grid.size.offset(i + 2, j, k - 1)] : 0
                        #expect(resampled[i, j, k] == expected, "\(i), \(j), \(k)")
                    }
                }
            }
        }
    }

    @Test("a world rotation by 90° about z permutes the axes exactly")
    func permutation() throws {
        let cube = VoxelGeometry(size: GridSize(5, 5, 3), affine: Affine(rows: [[1, 0, 0, -2], [0, 1, 0, -2], [0, 0, 1, -1]]))
        let values = (0..<cube.size.voxelCount).map { Double($0) }
        // (x, y, z) → (-y, x, z): target voxel (i, j, k) reads source voxel (4 - j, i, k).
        let turn = Affine(rows: [[0, -1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]])
        let placement = try #require(GridPlacement(source: cube, onto: cube, through: turn))
        let nearest = placement.nearest({ values[$0] }, outside: -1)
        let linear = placement.trilinear({ values[$0] }, outside: -1)
        for k in 0..<3 {
            for j in 0..<5 {
                for i in 0..<5 {
                    #expect(nearest[i, j, k] == values[cube.size.offset(4 - j, i, k)])
                    #expect(abs(linear[i, j, k] - values[cube.size.offset(4 - j, i, k)]) < 1e-12)
                }
            }
        }
        #expect(GridPlacement(source: cube, onto: cube, through: Affine(rows: [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]])) == nil)
    }
}
