import LesionKernels
import Testing

@Suite("Lesion close-ups")
struct LesionCloseUpTests {
    /// Paints `code` on the voxels whose centres lie in the world box `x`, `y`, `z` (mm, inclusive).
    func paint(
        _ tints: inout Volume<Int32>, _ geometry: VoxelGeometry, x: ClosedRange<Double>, y: ClosedRange<Double>,
        z: ClosedRange<Double>, code: Int32
    ) {
        let size = geometry.size
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx {
                    let p = geometry.affine.apply(VoxelIndex(i, j, k))
                    if x.contains(p.x) && y.contains(p.y) && z.contains(p.z) { tints[i, j, k] = code }
                }
            }
        }
    }

    func blend(_ tint: ReviewTint) -> (r: UInt8, g: UInt8, b: UInt8) {
        let c = tint.colour
        func mix(_ v: UInt8) -> UInt8 { UInt8((0.4 * 255 + 0.6 * Double(v)).rounded()) }
        return (mix(c.r), mix(c.g), mix(c.b))
    }

    /// The pixels of `image` with exactly `colour`, and their bounding box.
    func pixels(_ image: RGBImage, _ colour: (r: UInt8, g: UInt8, b: UInt8)) -> (count: Int, x: ClosedRange<Int>?, y: ClosedRange<Int>?) {
        var count = 0, xs: [Int] = [], ys: [Int] = []
        for y in 0..<image.height {
            for x in 0..<image.width where image.pixel(x: x, y: y) == colour {
                count += 1
                xs.append(x)
                ys.append(y)
            }
        }
        return (count, xs.min().map { $0...xs.max()! }, ys.min().map { $0...ys.max()! })
    }

    @Test(
        "the same world point is the centre of each visit's tile on different grids; the lesion keeps its state colour and grows by the area ratio; the patient's right is on the left"
    )
    func growth() {
        // Visit 1: RAS, 1 mm, origin (−10, −10, −5). Visit 2: i toward the patient's left (LAS),
        // origin shifted, 20 × 24 × 10 voxels: the same world point is another voxel.
        let first = VoxelGeometry(size: GridSize(20, 20, 10), affine: Affine(rows: [[1, 0, 0, -10], [0, 1, 0, -10], [0, 0, 1, -5]]))
        let second = VoxelGeometry(size: GridSize(20, 24, 10), affine: Affine(rows: [[-1, 0, 0, 11], [0, 1, 0, -13], [0, 0, 1, -4]]))
        let centre = WorldPoint(3, -2, 1)
        var tints1 = Volume<Int32>(size: first.size, repeating: 0), tints2 = Volume<Int32>(size: second.size, repeating: 0)
        paint(&tints1, first, x: 2...4, y: -3 ... -1, z: 0...2, code: ReviewTint.baseline.rawValue)  // 3 × 3 mm
        paint(&tints2, second, x: 1...5, y: -4...0, z: 0...2, code: ReviewTint.enlarging.rawValue)  // 5 × 5 mm
        paint(&tints1, first, x: 8...8, y: -2 ... -2, z: 1...1, code: ReviewTint.new.rawValue)  // 5 mm to the patient's right
        let closeUp = LesionCloseUp(fieldMM: 20, tilePixels: 80)
        #expect(closeUp.pixelMM == 0.25)
        let tile1 = closeUp.tile(centre: centre, geometry: first, tints: tints1, window: (0, 1)) { tints1.voxels[$0] != 0 ? 1 : 0.5 }
        let tile2 = closeUp.tile(centre: centre, geometry: second, tints: tints2, window: (0, 1)) { tints2.voxels[$0] != 0 ? 1 : 0.5 }
        for (tile, tint) in [(tile1, ReviewTint.baseline), (tile2, .enlarging)] {
            for (x, y) in [(39, 39), (40, 40), (39, 40), (40, 39)] { #expect(tile.pixel(x: x, y: y) == blend(tint)) }
        }
        let before = pixels(tile1, blend(.baseline)), after = pixels(tile2, blend(.enlarging))
        // 3 mm and 5 mm are 12 and 20 pixels of 0.25 mm, centred on the tile's middle (39.5).
        #expect(before.count == 144 && before.x == 34...45 && before.y == 34...45)
        #expect(after.count == 400 && after.x == 30...49 && after.y == 30...49)
        #expect(abs(Double(after.count) / Double(before.count) - 25.0 / 9.0) < 0.05)
        // The speck 5 mm to the patient's right (+x) is on the image's left: 20 pixels left of centre.
        let speck = pixels(tile1, blend(.new))
        #expect(speck.count == 16 && speck.x == 18...21 && speck.y == 38...41)
        let neurological = LesionCloseUp(fieldMM: 20, tilePixels: 80, convention: .neurological)
            .tile(centre: centre, geometry: first, tints: tints1, window: (0, 1)) { tints1.voxels[$0] != 0 ? 1 : 0.5 }
        #expect(pixels(neurological, blend(.new)).x == 58...61)
        // Beyond the grid is black; the ticks at the edges are white.
        let far = LesionCloseUp(fieldMM: 20, tilePixels: 80).tile(
            centre: WorldPoint(-12, 0, 0), geometry: first, tints: tints1, window: (0, 1)
        ) { _ in 0.5 }
        #expect(far.pixel(x: 79, y: 30) == (0, 0, 0) && far.pixel(x: 20, y: 20) == (128, 128, 128))
        #expect(tile1.pixel(x: 39, y: 0) == (255, 255, 255) && tile1.pixel(x: 0, y: 40) == (255, 255, 255))

        let strip = closeUp.strip([tile1, tile2])
        #expect(strip.width == 2 * 80 + closeUp.gap && strip.height == 80)
        #expect(strip.pixel(x: 80 + closeUp.gap + 40, y: 40) == blend(.enlarging))
        #expect(strip.pixel(x: 81, y: 10) == (LesionMosaic.gapLevel, LesionMosaic.gapLevel, LesionMosaic.gapLevel))
    }
}
