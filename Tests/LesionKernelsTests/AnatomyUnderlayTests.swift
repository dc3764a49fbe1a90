import LesionKernels
import Testing

/// An anatomical image placed on a label map's grid for review images: an exact copy on the same
/// grid, a trilinear resampling through a world transform otherwise, NaN outside its field.
@Suite("Anatomy under the lesions: placing an image on the label map's grid")
struct AnatomyUnderlayTests {
    /// A 1 mm source whose value is a linear function of its world point, which trilinear
    /// interpolation reproduces exactly inside the field.
    let source = VoxelGeometry(size: GridSize(40, 36, 30), affine: Affine(rows: [[1, 0, 0, -20], [0, 1, 0, -18], [0, 0, 1, -15]]))

    func worldValue(_ p: WorldPoint) -> Double { p.x + 10 * p.y + 100 * p.z }

    func sourceValue(_ offset: Int) -> Double {
        worldValue(source.affine.apply(source.size.index(ofOffset: offset)))
    }

    @Test("the same grid with no transform is copied exactly, value for value")
    func sameGrid() throws {
        let placed = try #require(AnatomyUnderlay.place(source: source, value: sourceValue, onto: source))
        #expect(placed.placement == .sameGrid)
        #expect(placed.values == (0..<source.size.voxelCount).map(sourceValue))
    }

    @Test("through a rotation and shift, each target voxel takes the source's value at T(its world point); outside is NaN")
    func throughTransform() throws {
        // A 2 mm target grid; T: target world → source world, 90° about z then 3 mm along x.
        let target = VoxelGeometry(size: GridSize(12, 12, 10), affine: Affine(rows: [[2, 0, 0, -11], [0, 2, 0, -11], [0, 0, 2, -9]]))
        let transform = Affine(rows: [[0, -1, 0, 3], [1, 0, 0, 0], [0, 0, 1, 0]])
        let placed = try #require(AnatomyUnderlay.place(source: source, value: sourceValue, onto: target, through: transform))
        #expect(placed.placement == .resampled)
        var checked = 0
        for offset in 0..<target.size.voxelCount {
            let w = target.affine.apply(target.size.index(ofOffset: offset))
            let moved = transform.apply(VoxelCoordinate(w.x, w.y, w.z))
            #expect(abs(placed.values[offset] - worldValue(moved)) < 1e-9, "voxel \(offset)")
            checked += 1
        }
        #expect(checked == 1440)
        // Shifted 30 mm along x, the target's right half leaves the source's field (x < 19.5 mm).
        let far = Affine(rows: [[1, 0, 0, 30], [0, 1, 0, 0], [0, 0, 1, 0]])
        let outside = try #require(AnatomyUnderlay.place(source: source, value: sourceValue, onto: target, through: far))
        for offset in 0..<target.size.voxelCount {
            let x = target.affine.apply(target.size.index(ofOffset: offset)).x + 30
            #expect(outside.values[offset].isNaN == (x >= 19.5), "voxel \(offset) at source x \(x)")
        }
    }

    @Test("another grid in the same world space, no transform: resampled by the headers, not copied")
    func headerPlacement() throws {
        let shifted = VoxelGeometry(size: source.size, affine: Affine(rows: [[1, 0, 0, -19.5], [0, 1, 0, -18], [0, 0, 1, -15]]))
        let placed = try #require(AnatomyUnderlay.place(source: source, value: sourceValue, onto: shifted))
        #expect(placed.placement == .resampled)
        let offset = shifted.size.offset(10, 10, 10)
        #expect(abs(placed.values[offset] - worldValue(shifted.affine.apply(VoxelIndex(10, 10, 10)))) < 1e-9)
        #expect(placed.values[offset] != sourceValue(offset))
        let singular = VoxelGeometry(size: source.size, affine: Affine(rows: [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]]))
        #expect(AnatomyUnderlay.place(source: singular, value: { _ in 1 }, onto: source) == nil)
    }
}
