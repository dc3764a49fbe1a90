import LesionKernels
import Testing

/// Finite, valid headers with extreme spacing: every renderer returns a bounded image.
@Suite("render bounds: extreme voxel spacing")
struct RenderBoundsTests {
    static let spacings: [(Double, Double, Double)] = [
        (1e-6, 1e13, 1), (1e13, 1e-6, 1e-6), (1e-300, 1e300, 1), (1e-6, 1e-6, 1e13), (1, 1, 1),
    ]

    func geometry(_ s: (Double, Double, Double)) -> VoxelGeometry {
        VoxelGeometry(
            size: GridSize(8, 6, 4), affine: Affine(rows: [[s.0, 0, 0, 0], [0, s.1, 0, 0], [0, 0, s.2, 0]]))
    }

    @Test("slices, mosaics, projections and close-ups stay within RenderBounds.maximumSide", arguments: spacings.indices)
    func extremeSpacing(_ n: Int) {
        let geometry = geometry(Self.spacings[n])
        var tints = Volume<Int32>(size: geometry.size, repeating: 0)
        tints[3, 2, 1] = ReviewTint.new.rawValue
        func bounded(_ image: RGBImage, _ limit: Int = RenderBounds.maximumSide) -> Bool {
            image.width >= 1 && image.height >= 1 && image.width <= limit && image.height <= limit
                && image.pixels.count == image.width * image.height * 3
        }
        for plane in [ViewPlane.axial, .coronal, .sagittal] {
            let image = SliceRenderer(plane: plane, zoom: 2)
                .render(slice: 0, geometry: geometry, window: (0, 1), labels: nil, intensity: { _ in 0.5 })
            #expect(bounded(image), "\(plane) \(image.width)×\(image.height)")
        }
        let mosaic = LesionMosaic().render(geometry: geometry, tints: tints, window: (0, 1)) { _ in 0.5 }
        #expect(bounded(mosaic.image, 8 * RenderBounds.maximumSide))
        let projection = LesionProjection().render(geometry: geometry, tints: tints, window: (0, 1)) { _ in 0.5 }
        #expect(bounded(projection.image, 4 * RenderBounds.maximumSide))
        let centre = geometry.affine.apply(VoxelIndex(3, 2, 1))
        let tile = LesionCloseUp().tile(centre: centre, geometry: geometry, tints: tints, window: (0, 1)) { _ in 0.5 }
        #expect(bounded(tile))
    }

    @Test("unit spacing keeps its natural size: 8 × 6 voxels at zoom 2 give 16 × 12 pixels")
    func ordinarySpacing() {
        let image = SliceRenderer(plane: .axial, zoom: 2)
            .render(slice: 0, geometry: geometry((1, 1, 1)), window: (0, 1), labels: nil, intensity: { _ in 0.5 })
        #expect(image.width == 16 && image.height == 12)
    }
}
