/// Close-ups of one lesion at each visit: a square field of view of `fieldMM` centred on one world
/// point, the same point at every visit, so that growth shows at a glance when the tiles sit
/// side by side.
///
/// Each tile samples the axial world plane through the centre (fixed z, RAS+ mm), `tilePixels`
/// square pixels a side (`pixelMM = fieldMM / tilePixels`): pixel (x, y) shows the voxel nearest
/// to its centre's world point, found through the inverse of that visit's affine, so visits on
/// different grids line up in world space. Anterior is at the top; `convention` puts the patient's
/// right on the image's left (radiological) or right (neurological). Points outside the grid are
/// black. Lesions are tinted by their `ReviewTint` code as in `LesionMosaic` (enhancing ones
/// outlined); white ticks `tickPixels` long at the middle of each edge point to the centre.
/// Cost: one inverse affine and `tilePixels²` voxel look-ups a tile.
public struct LesionCloseUp: Sendable {
    public var fieldMM: Double
    public var tilePixels: Int
    public var convention: DisplayConvention
    public var gap: Int
    public var opacity: Double
    public var tickPixels: Int
    /// The width of the enhancing outline in pixels.
    public var outlinePixels: Int

    public init(
        fieldMM: Double = 40, tilePixels: Int = 160, convention: DisplayConvention = .radiological, gap: Int = 4,
        opacity: Double = 0.6, tickPixels: Int = 5, outlinePixels: Int = 2
    ) {
        self.outlinePixels = max(1, outlinePixels)
        self.fieldMM = fieldMM
        self.tilePixels = max(2, tilePixels)
        self.convention = convention
        self.gap = max(0, gap)
        self.opacity = opacity
        self.tickPixels = max(0, tickPixels)
    }

    /// The side of one pixel in mm.
    public var pixelMM: Double { fieldMM / Double(tilePixels) }

    /// The world point at the centre of pixel (x, y) of a tile centred on `centre`.
    public func world(x: Int, y: Int, centre: WorldPoint) -> WorldPoint {
        let half = fieldMM / 2
        let across = (Double(x) + 0.5) * pixelMM, down = (Double(y) + 0.5) * pixelMM
        // Radiological: the patient's right (+x) on the image's left.
        let worldX = convention == .radiological ? centre.x + half - across : centre.x - half + across
        return WorldPoint(worldX, centre.y + half - down, centre.z)
    }

    /// One visit's tile. `tints` holds `ReviewTint` codes (0: none) on `geometry`'s grid;
    /// intensities map linearly from `window` to black…white. A singular affine gives a black tile.
    public func tile(
        centre: WorldPoint, geometry: VoxelGeometry, tints: Volume<Int32>, window: (low: Double, high: Double),
        intensity: (Int) -> Double
    ) -> RGBImage {
        let n = tilePixels
        var pixels = [UInt8](repeating: 0, count: n * n * 3)
        var codes = [Int32](repeating: 0, count: n * n)
        guard let toVoxel = geometry.affine.inverse else { return RGBImage(width: n, height: n, pixels: pixels) }
        let m = toVoxel.rows, size = geometry.size
        let span = window.high > window.low ? window.high - window.low : 1
        for y in 0..<n {
            for x in 0..<n {
                let p = world(x: x, y: y, centre: centre)
                func voxel(_ r: Int) -> Int {
                    let value: Double = m[r][0] * p.x + m[r][1] * p.y + m[r][2] * p.z + m[r][3]
                    return RenderBounds.index(value.rounded(.toNearestOrAwayFromZero), limit: Int(Int32.max))
                }
                let i = voxel(0), j = voxel(1), k = voxel(2)
                guard size.contains(i, j, k) else { continue }
                let offset = size.offset(i, j, k)
                let value = intensity(offset)
                let level = UInt8((value.isNaN ? 0 : min(1, max(0, (value - window.low) / span)) * 255).rounded())
                let at = y * n + x
                (pixels[3 * at], pixels[3 * at + 1], pixels[3 * at + 2]) = (level, level, level)
                codes[at] = tints.voxels[offset]
            }
        }
        var image = LesionMosaic.tint(
            RGBImage(width: n, height: n, pixels: pixels), codes: codes, opacity: opacity, outlinePixels: outlinePixels)
        let middle = [n / 2 - 1, n / 2], ticks = Array(0..<min(tickPixels, n / 2 - 1))
        for along in middle {
            for t in ticks {
                for (x, y) in [(along, t), (along, n - 1 - t), (t, along), (n - 1 - t, along)] {
                    let at = 3 * (y * n + x)
                    (image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]) = (255, 255, 255)
                }
            }
        }
        return image
    }

    /// The tiles left to right, top-aligned, `gap` pixels of `LesionMosaic.gapLevel` apart.
    public func strip(_ tiles: [RGBImage]) -> RGBImage {
        RGBImage.sideBySide(tiles, gap: gap, level: LesionMosaic.gapLevel) ?? RGBImage(width: 1, height: 1, pixels: [0, 0, 0])
    }

    /// A tile for a visit with no image: `LesionMosaic.gapLevel` throughout.
    public var emptyTile: RGBImage {
        RGBImage(
            width: tilePixels, height: tilePixels,
            pixels: [UInt8](repeating: LesionMosaic.gapLevel, count: tilePixels * tilePixels * 3))
    }
}
