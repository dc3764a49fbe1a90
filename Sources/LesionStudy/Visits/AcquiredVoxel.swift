import LesionKernels

/// One voxel of a file as it lies on the reference grid: its extent along each of the grid's axes,
/// in grid voxels, through the file's affine and, for a registered file, its registration.
///
/// A 2 × 2 × 6 mm FLAIR voxel placed on a 2 mm grid spans 1 × 1 × 3 grid voxels; rotated by a
/// registration, its extent along each grid axis is the sum of its three edges' projections.
public enum AcquiredVoxel {
    /// The extent along the grid's i, j and k of one voxel of `file`. `registration` maps the
    /// baseline's world to the file's world (`ReferenceGrid.registration`); nil places the file by
    /// its header.
    public static func extentOnGrid(file: VoxelGeometry, registration: Affine?, grid: VoxelGeometry) -> [Double] {
        // Edge b of the file's voxel in grid voxels: (R ∘ G)⁻¹ ∘ F, of which only the linear part is read.
        let gridToFile = registration.map { $0.concatenating(grid.affine) } ?? grid.affine
        guard let toGrid = gridToFile.inverse else {
            preconditionFailure("a singular affine is refused when the grid is placed")
        }
        let m = toGrid.concatenating(file.affine).rows
        return (0..<3).map { a in (0..<3).reduce(0) { $0 + abs(m[a][$1]) } }
    }

    /// Half the extent along each grid axis, rounded down to whole grid voxels (with a tolerance
    /// of 10⁻⁶ for rounding in the affines): the partial-volume shell of `VisitLesions`.
    public static func partialVolumeVoxels(extent: [Double]) -> [Int] {
        extent.map { Int((0.5 * $0 + 1e-6).rounded(.down)) }
    }

    /// Whether a series of voxel edges `voxelMM` is coarser than an earlier one of `earlierMM`
    /// acquired near the grid's resolution, so the earlier image can be re-acquired as the series
    /// (`Reacquisition`): the earlier voxel's longest edge is at most `nearGrid` times the grid's
    /// finest spacing, and the series' longest edge more than `coarser` times that edge. An
    /// earlier image already blurred by coarse voxels of its own would be blurred twice, and hide
    /// growth; LesionTrack's own bounds.
    public static func isCoarser(_ voxelMM: [Double], than earlierMM: [Double], grid: VoxelGeometry) -> Bool {
        let (x, y, z) = grid.spacingMM
        let earliest = earlierMM.max() ?? .infinity
        return earliest <= nearGrid * min(x, y, z) && (voxelMM.max() ?? 0) > coarser * earliest
    }

    /// See `isCoarser`: 1.25 and 1.5.
    public static let nearGrid = 1.25
    public static let coarser = 1.5
}
