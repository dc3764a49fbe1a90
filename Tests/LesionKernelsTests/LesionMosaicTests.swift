import LesionKernels
import Testing

@Suite("Lesion mosaic")
struct LesionMosaicTests {
    /// A 20 × 20 × 10 grid of 1 mm voxels; `flipX` stores i toward the patient's left (LAS).
    func geometry(flipX: Bool) -> VoxelGeometry {
        let rows: [[Double]] =
            flipX
            ? [[-1, 0, 0, 10], [0, 1, 0, -10], [0, 0, 1, -5]]
            : [[1, 0, 0, -10], [0, 1, 0, -10], [0, 0, 1, -5]]
        return VoxelGeometry(size: GridSize(20, 20, 10), affine: Affine(rows: rows))
    }

    /// The voxel whose centre is at world (x, y, z) mm.
    func voxel(_ geometry: VoxelGeometry, x: Double, y: Double, z: Double) -> (Int, Int, Int) {
        let flipped = geometry.affine.rows[0][0] < 0
        return (Int(flipped ? 10 - x : x + 10), Int(y + 10), Int(z + 5))
    }

    /// Tints `tint` at world (x, y, z); background 0.5, lesion 1 in a 0…1 window.
    func render(
        _ geometry: VoxelGeometry, lesions: [(x: Double, y: Double, z: Double, tint: ReviewTint)],
        convention: DisplayConvention
    ) -> LesionMosaic.Result {
        var tints = Volume<Int32>(size: geometry.size, repeating: 0)
        for lesion in lesions {
            let (i, j, k) = voxel(geometry, x: lesion.x, y: lesion.y, z: lesion.z)
            tints[i, j, k] = lesion.tint.rawValue
        }
        let mosaic = LesionMosaic(convention: convention, zoom: 1, columns: 4, minimumTileWidth: 1)
        return mosaic.render(geometry: geometry, tints: tints, window: (0, 1)) { tints.voxels[$0] != 0 ? 1 : 0.5 }
    }

    func expected(_ tint: ReviewTint, over grey: Double = 255, opacity: Double = 0.6) -> (r: UInt8, g: UInt8, b: UInt8) {
        let c = tint.colour
        func blend(_ v: UInt8) -> UInt8 { UInt8(((1 - opacity) * grey + opacity * Double(v)).rounded()) }
        return (blend(c.r), blend(c.g), blend(c.b))
    }

    @Test("a lesion at known world coordinates lands on the expected pixel, in its state's colour, whatever the voxel order")
    func knownPosition() {
        for flipX in [false, true] {
            let geometry = geometry(flipX: flipX)
            // World x runs −10…9 mm; the patient's right is +x (RAS), 6 mm right of the centre.
            let result = render(geometry, lesions: [(6, 4, 0, .new)], convention: .radiological)
            #expect(result.slices == [5])
            #expect(result.tileWidth == 20 && result.tileHeight == 20)
            // Radiological: column 0 is the rightmost world x of the grid; row 0 the most anterior y.
            let xMax = flipX ? 10.0 : 9.0, yMax = 9.0
            let column = Int(xMax - 6), row = Int(yMax - 4)
            let pixel = result.image.pixel(x: column, y: row)
            let want = expected(.new)
            #expect(pixel == want, "flipX \(flipX): \(pixel) at (\(column), \(row))")
            #expect(column < result.tileWidth / 2, "the patient's right is on the image's left")
            // Exactly one tinted pixel.
            var tinted = 0
            for y in 0..<result.image.height {
                for x in 0..<result.image.width {
                    let p = result.image.pixel(x: x, y: y)
                    if p.r != p.g || p.g != p.b { tinted += 1 }
                }
            }
            #expect(tinted == 1)
            // The 10 mm scale bar: 10 white pixels of 1 mm, 3 in from the bottom-left corner.
            #expect(result.scaleBarPixels == 10)
            #expect(result.image.pixel(x: 3, y: 15) == (255, 255, 255) && result.image.pixel(x: 12, y: 16) == (255, 255, 255))
            #expect(result.image.pixel(x: 13, y: 15) == (128, 128, 128) && result.image.pixel(x: 3, y: 17) == (128, 128, 128))
        }
    }

    @Test("neurological convention mirrors left and right; anterior stays up")
    func neurological() {
        let geometry = geometry(flipX: false)
        let radiological = render(geometry, lesions: [(6, 4, 0, .enlarging)], convention: .radiological)
        let neurological = render(geometry, lesions: [(6, 4, 0, .enlarging)], convention: .neurological)
        let want = expected(.enlarging)
        #expect(radiological.image.pixel(x: 3, y: 5) == want)
        #expect(neurological.image.pixel(x: 16, y: 5) == want)  // x = 6 mm is column 6 − (−10)
        #expect(neurological.image.pixel(x: 3, y: 5) == (128, 128, 128))
    }

    @Test("one tile per slice holding lesions, left to right, each lesion in its state's colour")
    func tiles() {
        let geometry = geometry(flipX: false)
        let result = render(
            geometry, lesions: [(-5, -5, -3, .stable), (0, 0, 2, .new), (2, 2, 2, .other)], convention: .radiological)
        #expect(result.slices == [2, 7])
        let gap = LesionMosaic().gap
        #expect(result.image.width == 2 * 20 + gap && result.image.height == 20)
        #expect(result.image.pixel(x: 9 + 5, y: 9 + 5) == expected(.stable))
        #expect(result.image.pixel(x: 20 + gap + 9, y: 9) == expected(.new))
        #expect(result.image.pixel(x: 20 + gap + 7, y: 7) == expected(.other))
        #expect(result.image.pixel(x: 20, y: 0) == (LesionMosaic.gapLevel, LesionMosaic.gapLevel, LesionMosaic.gapLevel))
    }

    @Test(
        "an enhancing lesion is outlined in the enhancing colour over its state's tint; a non-enhancing one is not, in the mosaic and the projection"
    )
    func enhancing() {
        let geometry = geometry(flipX: false)
        var tints = Volume<Int32>(size: geometry.size, repeating: 0)
        // Two 3 × 3-voxel stable lesions in slice 5: world x −6…−4 enhancing, x 4…6 not; y 0…2.
        for dx in -1...1 {
            for dy in 0...2 {
                tints[-5 + dx + 10, dy + 10, 5] = ReviewTint.code(state: "stable", enhancing: true)
                tints[5 + dx + 10, dy + 10, 5] = ReviewTint.code(state: "stable", enhancing: false)
            }
        }
        let mosaic = LesionMosaic(zoom: 1, minimumTileWidth: 1, outlinePixels: 1)
        let result = mosaic.render(geometry: geometry, tints: tints, window: (0, 1)) { tints.voxels[$0] != 0 ? 1 : 0.5 }
        let yellow = ReviewTint.enhancingColour
        // Radiological: world x maps to column 9 − x, world y to row 9 − y.
        let enhancingCentre = (x: 9 + 5, y: 9 - 1), plainCentre = (x: 9 - 5, y: 9 - 1)
        #expect(result.image.pixel(x: enhancingCentre.x, y: enhancingCentre.y) == expected(.stable), "inside the outline: the state's tint")
        for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1)] {
            #expect(result.image.pixel(x: enhancingCentre.x + dx, y: enhancingCentre.y + dy) == yellow, "edge (\(dx), \(dy))")
            #expect(result.image.pixel(x: plainCentre.x + dx, y: plainCentre.y + dy) == expected(.stable))
        }
        #expect(
            result.image.pixel(x: enhancingCentre.x + 2, y: enhancingCentre.y) == (128, 128, 128), "the outline stays inside the lesion")
        var yellowPixels = 0
        for y in 0..<result.image.height {
            for x in 0..<result.image.width where result.image.pixel(x: x, y: y) == yellow { yellowPixels += 1 }
        }
        #expect(yellowPixels == 8)
        // Two pixels wide, the outline fills a 3 × 3 lesion.
        let thick = LesionMosaic(zoom: 1, minimumTileWidth: 1, outlinePixels: 2)
            .render(geometry: geometry, tints: tints, window: (0, 1)) { tints.voxels[$0] != 0 ? 1 : 0.5 }
        #expect(thick.image.pixel(x: enhancingCentre.x, y: enhancingCentre.y) == yellow)
        #expect(thick.image.pixel(x: plainCentre.x, y: plainCentre.y) == expected(.stable))

        let projected = LesionProjection(zoom: 1, minimumPanelWidth: 1, outlinePixels: 1)
            .render(geometry: geometry, tints: tints, window: (0, 1)) { tints.voxels[$0] != 0 ? 1 : 0.5 }
        #expect(projected.image.pixel(x: enhancingCentre.x + 1, y: enhancingCentre.y) == yellow)
        #expect(projected.image.pixel(x: enhancingCentre.x, y: enhancingCentre.y) == expected(.stable))
        #expect(projected.image.pixel(x: plainCentre.x + 1, y: plainCentre.y) == expected(.stable))
    }

    @Test("without lesions the mosaic shows the middle slice")
    func empty() {
        let result = render(geometry(flipX: false), lesions: [], convention: .radiological)
        #expect(result.slices == [5])
        #expect(result.image.width == 20)
    }
}
