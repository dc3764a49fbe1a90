import LesionKernels
import LesionStudy
import Testing

@Suite("An acquired voxel on the reference grid: its extent, and the partial-volume shell")
struct AcquiredVoxelTests {
    static func geometry(_ sx: Double, _ sy: Double, _ sz: Double) -> VoxelGeometry {
        VoxelGeometry(size: GridSize(10, 10, 10), affine: Affine(rows: [[sx, 0, 0, 0], [0, sy, 0, 0], [0, 0, sz, 0]]))
    }

    func extent(_ file: VoxelGeometry, _ grid: VoxelGeometry, registration: Affine? = nil) -> [Double] {
        AcquiredVoxel.extentOnGrid(file: file, registration: registration, grid: grid).map { ($0 * 1e9).rounded() / 1e9 }
    }

    @Test("2 × 2 × 6 mm on a 2 mm grid spans 1 × 1 × 3 voxels (shell 0, 0, 1); turned 90° about x by a registration, 1 × 3 × 1")
    func extents() {
        let grid2 = Self.geometry(2, 2, 2)
        let thick = Self.geometry(2, 2, 6)
        #expect(extent(thick, grid2) == [1, 1, 3])
        #expect(AcquiredVoxel.partialVolumeVoxels(extent: [1, 1, 3]) == [0, 0, 1])
        // The registration maps the baseline's world to the file's: (x, y, z) → (x, −z, y).
        let turned = Affine(rows: [[1, 0, 0, 5], [0, 0, -1, 0], [0, 1, 0, -3]])
        #expect(extent(thick, grid2, registration: turned) == [1, 3, 1])
        // At the grid's resolution, or finer, nothing; 2 mm on a 1 mm grid: half a voxel each way.
        #expect(AcquiredVoxel.partialVolumeVoxels(extent: extent(Self.geometry(1, 1, 1), Self.geometry(1, 1, 1))) == [0, 0, 0])
        #expect(AcquiredVoxel.partialVolumeVoxels(extent: extent(Self.geometry(0.5, 0.5, 0.5), grid2)) == [0, 0, 0])
        #expect(AcquiredVoxel.partialVolumeVoxels(extent: extent(Self.geometry(2, 2, 2), Self.geometry(1, 1, 1))) == [1, 1, 1])
        // 5 mm slices on a 1 mm grid: 2 voxels each side.
        #expect(AcquiredVoxel.partialVolumeVoxels(extent: extent(Self.geometry(1, 1, 5), Self.geometry(1, 1, 1))) == [0, 0, 2])
    }
}
