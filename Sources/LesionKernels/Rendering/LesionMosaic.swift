/// A grid of axial slices through a visit's lesions, each lesion tinted by its `ReviewTint`.
///
/// Slices are those holding at least one tinted voxel, in voxel order along the axial voxel axis
/// (evenly thinned to `maximumSlices`), or the middle slice when none is tinted. Each tile is a
/// `SliceRenderer` image (anatomical orientation, `convention` for left and right); tiles are
/// laid out left to right, top to bottom, `columns` per row, `gap` dark-grey pixels apart; the
/// first tile carries a white scale bar of `scaleBarMM` (2 pixels high, 3 pixels in from its
/// bottom-left corner) when it fits in half the tile's width; small
/// grids are zoomed (by whole voxels) until a tile is at least `minimumTileWidth` pixels wide. A
/// tinted pixel is `(1 − opacity)·grey + opacity·colour`; a lesion whose code carries
/// `ReviewTint.enhancingFlag` is also outlined, `outlinePixels` wide inside its edge, in the enhancing colour.
public struct LesionMosaic: Sendable {
    public var convention: DisplayConvention
    public var zoom: Int
    public var columns: Int
    public var maximumSlices: Int
    public var gap: Int
    public var opacity: Double
    public var minimumTileWidth: Int
    public var scaleBarMM: Double
    /// The width of the enhancing outline in pixels.
    public var outlinePixels: Int

    /// The grey between tiles.
    public static let gapLevel: UInt8 = 48

    public init(
        convention: DisplayConvention = .radiological, zoom: Int = 2, columns: Int = 4, maximumSlices: Int = 12,
        gap: Int = 4, opacity: Double = 0.6, minimumTileWidth: Int = 192, scaleBarMM: Double = 10, outlinePixels: Int = 2
    ) {
        self.outlinePixels = max(1, outlinePixels)
        self.convention = convention
        self.zoom = max(1, zoom)
        self.columns = max(1, columns)
        self.maximumSlices = max(1, maximumSlices)
        self.gap = max(0, gap)
        self.opacity = opacity
        self.minimumTileWidth = max(1, minimumTileWidth)
        self.scaleBarMM = scaleBarMM
    }

    /// A rendered mosaic and the axial voxel slices it shows, in tile order.
    public struct Result: Sendable {
        public let image: RGBImage
        public let slices: [Int]
        /// Width and height of one tile in pixels.
        public let tileWidth: Int
        public let tileHeight: Int
        /// The scale bar's length in pixels; 0 when none is drawn.
        public let scaleBarPixels: Int
    }

    /// The axial slices to show for `tints` (`ReviewTint` raw values, 0 elsewhere).
    public func slices(_ tints: Volume<Int32>, geometry: VoxelGeometry) -> [Int] {
        let axis = SliceRenderer(plane: .axial).sliceAxis(geometry)
        let size = tints.size
        let extent = [size.nx, size.ny, size.nz][axis]
        var tinted = [Bool](repeating: false, count: extent)
        for (offset, tint) in tints.voxels.enumerated() where tint != 0 {
            let v = size.index(ofOffset: offset)
            tinted[[v.i, v.j, v.k][axis]] = true
        }
        let all = tinted.indices.filter { tinted[$0] }
        guard !all.isEmpty else { return [extent / 2] }
        guard all.count > maximumSlices else { return all }
        return (0..<maximumSlices).map { all[$0 * (all.count - 1) / (maximumSlices - 1)] }
    }

    /// Renders the mosaic; intensities map linearly from `window` to black…white.
    public func render(
        geometry: VoxelGeometry, tints: Volume<Int32>, window: (low: Double, high: Double),
        intensity: (Int) -> Double
    ) -> Result {
        var renderer = SliceRenderer(plane: .axial, convention: convention, zoom: zoom)
        let probe = renderer.render(slice: 0, geometry: geometry, window: window, labels: nil, intensity: { _ in 0 })
        if probe.width < minimumTileWidth {
            renderer.zoom = zoom * ((minimumTileWidth + probe.width - 1) / probe.width)
        }
        let chosen = slices(tints, geometry: geometry)
        var tiles = chosen.map { slice -> RGBImage in
            Self.tinted(
                renderer, slice: slice, geometry: geometry, tints: tints, window: window, opacity: opacity,
                outlinePixels: outlinePixels, intensity: intensity)
        }
        let tileWidth = tiles[0].width, tileHeight = tiles[0].height
        var bar = RenderBounds.index((scaleBarMM / renderer.pixelMM(geometry)).rounded(), limit: RenderBounds.maximumSide)
        if bar < 1 || bar > tileWidth / 2 || tileHeight < 8 { bar = 0 }
        for y in (tileHeight - 5)..<(tileHeight - 3) where bar > 0 {
            for x in 3..<(3 + bar) {
                for n in 0..<3 { tiles[0].pixels[3 * (y * tileWidth + x) + n] = 255 }
            }
        }
        let across = min(columns, tiles.count)
        let down = (tiles.count + across - 1) / across
        let width = across * tileWidth + (across - 1) * gap
        let height = down * tileHeight + (down - 1) * gap
        var pixels = [UInt8](repeating: Self.gapLevel, count: width * height * 3)
        for (n, tile) in tiles.enumerated() {
            let left = (n % across) * (tileWidth + gap), top = (n / across) * (tileHeight + gap)
            for y in 0..<tileHeight {
                let source = 3 * y * tileWidth
                let target = 3 * ((top + y) * width + left)
                pixels.replaceSubrange(target..<(target + 3 * tileWidth), with: tile.pixels[source..<(source + 3 * tileWidth)])
            }
        }
        return Result(
            image: RGBImage(width: width, height: height, pixels: pixels), slices: chosen,
            tileWidth: tileWidth, tileHeight: tileHeight, scaleBarPixels: bar)
    }

    /// One slice drawn by `renderer`, each voxel with a `ReviewTint` code tinted in its colour.
    static func tinted(
        _ renderer: SliceRenderer, slice: Int, geometry: VoxelGeometry, tints: Volume<Int32>,
        window: (low: Double, high: Double), opacity: Double, outlinePixels: Int, intensity: (Int) -> Double
    ) -> RGBImage {
        let tile = renderer.render(slice: slice, geometry: geometry, window: window, labels: nil, intensity: intensity)
        // The tint codes drawn through the same renderer land on exactly the same pixels.
        let codes = renderer.render(
            slice: slice, geometry: geometry, window: (0, 255), labels: nil, intensity: { Double(tints.voxels[$0]) })
        return tint(
            tile, codes: (0..<(codes.width * codes.height)).map { Int32(codes.pixels[3 * $0]) }, opacity: opacity,
            outlinePixels: outlinePixels)
    }

    /// `image` with each pixel's `ReviewTint` code (row-major, 0: none) blended in at `opacity`,
    /// and the pixels of enhancing codes within `outlinePixels` 4-neighbour steps of a
    /// non-enhancing pixel or the image's edge painted `ReviewTint.enhancingColour`: an outline
    /// `outlinePixels` wide inside the lesion (1: the pixels with a non-enhancing 4-neighbour).
    public static func tint(_ image: RGBImage, codes: [Int32], opacity: Double, outlinePixels: Int = 1) -> RGBImage {
        precondition(codes.count == image.width * image.height, "one code per pixel")
        var tile = image
        let w = image.width, h = image.height
        func enhancing(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < w && y < h && ReviewTint.isEnhancing(codes[y * w + x])
        }
        let reach = max(1, outlinePixels)
        let steps = (-reach...reach).flatMap { dx in
            (-reach...reach).compactMap { dy in abs(dx) + abs(dy) <= reach && (dx, dy) != (0, 0) ? (dx, dy) : nil }
        }
        for p in 0..<(w * h) {
            guard let tint = ReviewTint(code: codes[p]) else { continue }
            let x = p % w, y = p / w
            if ReviewTint.isEnhancing(codes[p]) && steps.contains(where: { !enhancing(x + $0.0, y + $0.1) }) {
                let c = ReviewTint.enhancingColour
                (tile.pixels[3 * p], tile.pixels[3 * p + 1], tile.pixels[3 * p + 2]) = (c.r, c.g, c.b)
                continue
            }
            let c = tint.colour
            for (n, channel) in [c.r, c.g, c.b].enumerated() {
                let grey = Double(tile.pixels[3 * p + n])
                tile.pixels[3 * p + n] = UInt8(((1 - opacity) * grey + opacity * Double(channel)).rounded())
            }
        }
        return tile
    }
}
