import LesionKernels
import Testing

@Suite("Geometry and intensities")
struct GeometryTests {
    @Test(
        "axis codes follow the affine",
        arguments: [
            ([[1.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], "RAS"),
            ([[-1.0, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]], "LPS"),
            ([[0.0, 0, -2, 0], [1.5, 0, 0, 0], [0, 1, 0, 0]], "ASL"),
            ([[0.97, 0.26, 0, 0], [-0.26, 0.97, 0, 0], [0, 0, -3, 0]], "RAI"),
        ])
    func axisCodes(rows: [[Double]], code: String) {
        #expect(AnatomicalAxes(Affine(rows: rows)).code == code)
    }

    @Test("determinant, spacing and mapping")
    func affine() {
        let a = Affine(rows: [[0, 0, -2, 5], [1.5, 0, 0, 6], [0, 3, 0, 7]])
        #expect(abs(a.determinant) == 9)
        #expect(a.columnNorms == (1.5, 3, 2))
        #expect(a.apply(VoxelIndex(1, 1, 1)) == WorldPoint(3, 7.5, 10))
        #expect(VoxelGeometry(size: GridSize(2, 2, 2), affine: a).voxelVolumeMM3 == 9)
    }

    @Test("NIfTI scaling rules")
    func scaling() {
        #expect(IntensityScaling(headerSlope: 0, headerIntercept: 1000).isIdentity)
        #expect(IntensityScaling(headerSlope: .nan, headerIntercept: .nan).isIdentity)
        #expect(IntensityScaling(headerSlope: 2, headerIntercept: .nan) == IntensityScaling(slope: 2, intercept: 0))
        #expect(IntensityScaling(headerSlope: 0.5, headerIntercept: -1).apply(6) == 2)
    }

    @Test("threshold window: lower bound inclusive, NaN never foreground, +Inf above any bound")
    func window() {
        let open = IntensityWindow(lower: 0.5)
        #expect(open.contains(0.5) && !open.contains(0.4999) && !open.contains(.nan) && open.contains(.infinity))
        let closed = IntensityWindow(lower: 0.5, upper: 0.8)
        #expect(closed.contains(0.8) && !closed.contains(0.81) && !closed.contains(.infinity))
        let volume = Volume<Int16>(size: GridSize(4, 1, 1), voxels: [0, 8191, 8192, 16384])
        let mask = ReferenceThreshold.mask(volume, scaling: IntensityScaling(slope: 1.0 / 16384, intercept: 0), window: open)
        #expect(mask.voxels == [false, false, true, true])
    }

    @Test("intensity summary counts non-finite values apart")
    func summary() {
        let volume = Volume<Float>(size: GridSize(5, 1, 1), voxels: [1, .nan, -2, .infinity, -.infinity])
        let s = IntensitySummary(volume, scaling: .identity)
        #expect(s.minimum == -2 && s.maximum == 1 && s.sum == -1)
        #expect(s.nanCount == 1 && s.positiveInfinityCount == 1 && s.negativeInfinityCount == 1 && s.finiteCount == 2)
    }
}
