import LesionKernels
import Testing

@Suite("Slice rendering")
struct SliceRendererTests {
    /// A 10 × 8 × 6 RAS grid of 1 × 2 × 3 mm voxels with one lesion voxel at (1, 6, 2).
    let geometry = VoxelGeometry(size: GridSize(10, 8, 6), affine: Affine(rows: [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]))

    func labels() -> Volume<Int32> {
        var labels = Volume<Int32>(size: geometry.size, repeating: 0)
        labels[1, 6, 2] = 1
        return labels
    }

    func tinted(_ image: RGBImage) -> [(x: Int, y: Int)] {
        var found: [(Int, Int)] = []
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                if p.r != p.g || p.g != p.b { found.append((x, y)) }
            }
        }
        return found
    }

    @Test("axial: anterior up; radiological puts the patient's right on the left")
    func axial() {
        let labels = labels()
        for convention in DisplayConvention.allCases {
            let renderer = SliceRenderer(plane: .axial, convention: convention, zoom: 1)
            #expect(renderer.busiestSlice(labels, geometry: geometry) == 2)
            let image = renderer.render(slice: 2, geometry: geometry, window: (0, 1), labels: labels, intensity: { _ in 0.5 })
            // Square 1 mm pixels: 10 columns (x), 16 rows (y).
            #expect(image.width == 10 && image.height == 16)
            let pixels = tinted(image)
            #expect(pixels.count == 2)  // one voxel is 1 × 2 mm
            let expectedX = convention == .radiological ? 8 : 1  // i = 1 is near the patient's left
            #expect(pixels.allSatisfy { $0.x == expectedX })
            #expect(Set(pixels.map(\.y)) == [2, 3])  // j = 6 of 8, anterior, near the top
        }
    }

    @Test("coronal: superior up; sagittal: anterior on the left")
    func otherPlanes() {
        let labels = labels()
        let coronal = SliceRenderer(plane: .coronal, convention: .neurological, zoom: 1)
        #expect(coronal.sliceAxis(geometry) == 1)
        let c = tinted(coronal.render(slice: 6, geometry: geometry, window: (0, 1), labels: labels, intensity: { _ in 0 }))
        // 10 columns × 18 rows (6 slices of 3 mm); k = 2 covers rows 9…11 from the top (k = 5 is top).
        #expect(c.count == 3 && c.allSatisfy { $0.x == 1 } && Set(c.map(\.y)) == [9, 10, 11])
        let sagittal = SliceRenderer(plane: .sagittal, zoom: 1)
        let s = tinted(sagittal.render(slice: 1, geometry: geometry, window: (0, 1), labels: labels, intensity: { _ in 0 }))
        // 2 mm pixels (the finer of 2 and 3 mm): 8 columns from anterior (j = 7) back, 9 rows;
        // j = 6 is column 1, k = 2 covers 6…9 mm below the top of 18 mm: rows 4 and 5.
        #expect(Set(s.map(\.x)) == [1] && Set(s.map(\.y)) == [4, 5])
    }

    @Test("windowing maps the window linearly to grey levels")
    func windowing() {
        let renderer = SliceRenderer(plane: .axial, zoom: 1)
        let image = renderer.render(slice: 0, geometry: geometry, window: (10, 20), labels: nil, intensity: { Double($0 % 3) * 7.5 + 5 })
        let levels = Set(image.pixels)
        #expect(levels == [0, 64, 255])  // 5 → 0 (clamped), 12.5 → 0.25 × 255, 20 → 255
    }
}
