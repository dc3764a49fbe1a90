/// Maximum-intensity projections of a visit in three planes, side by side: axial, coronal,
/// sagittal, each lesion tinted by the most salient `ReviewTint` along its ray.
///
/// Each panel projects along the voxel axis closest to the plane's fixed world axis (the
/// brightest intensity and the most salient tint: new, enlarging, other, stable, baseline, outlined
/// as enhancing when any lesion voxel along the ray enhances) and is
/// drawn by `SliceRenderer`, so orientation follows the mosaic's: axial and coronal in
/// `convention`, sagittal with anterior on the left. Panels are `gap` grey pixels apart and
/// top-aligned; a grid is zoomed (by whole voxels) until the axial panel is at least
/// `minimumPanelWidth` pixels wide.
public struct LesionProjection: Sendable {
    public var convention: DisplayConvention
    public var zoom: Int
    public var gap: Int
    public var opacity: Double
    public var minimumPanelWidth: Int
    /// The width of the enhancing outline in pixels.
    public var outlinePixels: Int

    /// Tints by salience, the most salient first.
    public static let salience: [ReviewTint] = [.new, .enlarging, .gdOnly, .other, .stable, .baseline]

    public init(
        convention: DisplayConvention = .radiological, zoom: Int = 2, gap: Int = 4, opacity: Double = 0.6,
        minimumPanelWidth: Int = 192, outlinePixels: Int = 2
    ) {
        self.outlinePixels = max(1, outlinePixels)
        self.convention = convention
        self.zoom = max(1, zoom)
        self.gap = max(0, gap)
        self.opacity = opacity
        self.minimumPanelWidth = max(1, minimumPanelWidth)
    }

    /// The three panels side by side, and each panel's width (axial, coronal, sagittal).
    public struct Result: Sendable {
        public let image: RGBImage
        public let panelWidths: [Int]
    }

    public func render(
        geometry: VoxelGeometry, tints: Volume<Int32>, window: (low: Double, high: Double), intensity: (Int) -> Double
    ) -> Result {
        var zoom = self.zoom
        let probe = SliceRenderer(plane: .axial, convention: convention, zoom: zoom)
            .render(slice: 0, geometry: geometry, window: window, labels: nil, intensity: { _ in 0 })
        if probe.width < minimumPanelWidth { zoom *= (minimumPanelWidth + probe.width - 1) / probe.width }
        let rank = Dictionary(uniqueKeysWithValues: Self.salience.enumerated().map { ($0.element.rawValue, $0.offset) })
        let size = geometry.size
        let panels = [ViewPlane.axial, .coronal, .sagittal].map { plane -> RGBImage in
            let renderer = SliceRenderer(plane: plane, convention: convention, zoom: zoom)
            let axis = renderer.sliceAxis(geometry)
            var extents = [size.nx, size.ny, size.nz]
            extents[axis] = 1
            let flat = GridSize(extents[0], extents[1], extents[2])
            var brightest = [Double](repeating: -.infinity, count: flat.voxelCount)
            var tint = [Int32](repeating: 0, count: flat.voxelCount)
            for offset in 0..<size.voxelCount {
                let v = size.index(ofOffset: offset)
                var p = [v.i, v.j, v.k]
                p[axis] = 0
                let target = flat.offset(p[0], p[1], p[2])
                let value = intensity(offset)
                if value > brightest[target] { brightest[target] = value }
                let code = tints.voxels[offset]
                guard code != 0 else { continue }
                let state = code & ~ReviewTint.enhancingFlag, flag = (code | tint[target]) & ReviewTint.enhancingFlag
                let current = tint[target] & ~ReviewTint.enhancingFlag
                if current == 0 || rank[state, default: Self.salience.count] < rank[current, default: Self.salience.count] {
                    tint[target] = state | flag
                } else {
                    tint[target] |= flag
                }
            }
            let flatGeometry = VoxelGeometry(size: flat, affine: geometry.affine)
            return LesionMosaic.tinted(
                renderer, slice: 0, geometry: flatGeometry, tints: Volume(size: flat, voxels: tint), window: window,
                opacity: opacity, outlinePixels: outlinePixels, intensity: { brightest[$0] })
        }
        let image = RGBImage.sideBySide(panels, gap: gap, level: LesionMosaic.gapLevel)!
        return Result(image: image, panelWidths: panels.map(\.width))
    }
}
