/// An anatomical image placed on a review image's grid, to be drawn under the lesion tints.
///
/// The review images (`LesionMosaic`, `LesionProjection`, `LesionCloseUp`) sample one grid, the
/// label map's (the baseline grid). An anatomical image of a visit usually lies on a grid of its
/// own, related to the baseline's world by a rigid transform (registration) or by nothing but the
/// two headers. `place` samples it at each voxel of the label map's grid: target voxel → target
/// world (mm, RAS+) → `targetToSourceWorld` → source world → source voxel, trilinearly
/// (`GridPlacement.trilinear`); voxels outside the image's field of view are NaN, which every
/// renderer draws black and `DisplayWindow` leaves out. When the transform is the identity and the
/// grids coincide (equal size, every voxel centre within `sameGridToleranceMM`) the values are
/// copied exactly instead.
///
/// Equivalent to `scipy.ndimage.affine_transform(image, inv(A_s) @ T @ A_t, order=1)` inside the
/// field of view, or FSL's `flirt -applyxfm -interp trilinear` and ANTs'
/// `antsApplyTransforms -n Linear` with the transform converted to their conventions.
/// Time O(N) for N target voxels.
public enum AnatomyUnderlay {
    /// How the image reached the target grid.
    public enum Placement: String, Sendable {
        /// The image lies on the target grid: values copied.
        case sameGrid = "same grid"
        /// Resampled trilinearly through the transform.
        case resampled
    }

    /// The image's values on `target`, in its storage order, and how they were placed; nil when the
    /// image's affine or the transform is singular.
    ///
    /// - Parameters:
    ///   - value: the image's value at a storage offset of `source`.
    ///   - targetToSourceWorld: a point of the target's world → the same point in the image's world
    ///     (the pull direction, as registration stores it); the identity for header placement.
    public static func place(
        source: VoxelGeometry, value: (Int) -> Double, onto target: VoxelGeometry,
        through targetToSourceWorld: Affine = .spacing(1, 1, 1), sameGridToleranceMM: Double = 1e-3
    ) -> (values: [Double], placement: Placement)? {
        let identity = targetToSourceWorld.maximumDifference(from: .spacing(1, 1, 1)) == 0
        if identity, let plain = GridPlacement(source: source, onto: target),
            let displacement = plain.cornerDisplacementMM, displacement <= sameGridToleranceMM
        {
            return ((0..<target.size.voxelCount).map(value), .sameGrid)
        }
        guard let placement = GridPlacement(source: source, onto: target, through: targetToSourceWorld) else { return nil }
        return (placement.trilinear(value).voxels, .resampled)
    }
}
