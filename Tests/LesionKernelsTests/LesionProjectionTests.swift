import LesionKernels
import Testing

@Suite("Lesion projections")
struct LesionProjectionTests {
    /// A 20 × 20 × 10 RAS grid of 1 mm voxels; world x, y run −10…9 mm, z −5…4 mm.
    let geometry = VoxelGeometry(
        size: GridSize(20, 20, 10), affine: Affine(rows: [[1, 0, 0, -10], [0, 1, 0, -10], [0, 0, 1, -5]]))

    func render(_ lesions: [(i: Int, j: Int, k: Int, tint: ReviewTint)]) -> LesionProjection.Result {
        var tints = Volume<Int32>(size: geometry.size, repeating: 0)
        for lesion in lesions { tints[lesion.i, lesion.j, lesion.k] = lesion.tint.rawValue }
        return LesionProjection(zoom: 1, minimumPanelWidth: 1)
            .render(geometry: geometry, tints: tints, window: (0, 1)) { tints.voxels[$0] != 0 ? 1 : 0.5 }
    }

    func expected(_ tint: ReviewTint) -> (r: UInt8, g: UInt8, b: UInt8) {
        let c = tint.colour
        func blend(_ v: UInt8) -> UInt8 { UInt8((0.4 * 255 + 0.6 * Double(v)).rounded()) }
        return (blend(c.r), blend(c.g), blend(c.b))
    }

    @Test("a lesion at world (6, 4, 0) mm appears where each plane's convention puts it")
    func knownPosition() {
        // World (6, 4, 0) is voxel (16, 14, 5).
        let result = render([(16, 14, 5, .new)])
        #expect(result.panelWidths == [20, 20, 20])
        let gap = LesionProjection().gap
        let image = result.image
        #expect(image.width == 60 + 2 * gap && image.height == 20)
        let want = expected(.new)
        // Axial: patient's right (+x) on the left, anterior up: column 9 − 6, row 9 − 4.
        #expect(image.pixel(x: 3, y: 5) == want)
        // Coronal: right on the left, superior up: column 9 − 6, row 4 − 0.
        #expect(image.pixel(x: 20 + gap + 3, y: 4) == want)
        // Sagittal: anterior on the left, superior up: column 9 − 4, row 4 − 0.
        #expect(image.pixel(x: 40 + 2 * gap + 5, y: 4) == want)
        #expect(image.pixel(x: 20 + gap + 3, y: 15) == (LesionMosaic.gapLevel, LesionMosaic.gapLevel, LesionMosaic.gapLevel))
    }

    @Test("along one ray the most salient state wins: new over stable")
    func salience() {
        let result = render([(5, 5, 2, .stable), (5, 5, 7, .new), (12, 12, 3, .baseline)])
        #expect(result.image.pixel(x: 19 - 5, y: 19 - 5) == expected(.new))
        #expect(result.image.pixel(x: 19 - 12, y: 19 - 12) == expected(.baseline))
    }
}
