extension GridPlacement {
    /// How a source grid sits on a target grid when the two are related by a world-space
    /// transform: target voxel → target world (mm) → `targetToSourceWorld` → source world →
    /// source voxel, `A_source⁻¹ · T · A_target`.
    ///
    /// `targetToSourceWorld` maps a world point of the target image to the same anatomical point
    /// in the source image's world (the pull direction, as a registration engine reports it: the
    /// target is the fixed image, the source the moving one). The identity gives the plain
    /// placement by affines. The source is then treated as if its affine were `T⁻¹ · A_source`,
    /// so ``nearest(_:outside:)`` keeps label values exact (each target voxel takes one source
    /// voxel's value or `outside`) and ``trilinear(_:outside:)`` interpolates intensities.
    /// Nil when the source affine or the transform is singular.
    ///
    /// Like `scipy.ndimage.affine_transform(source, inv(A_s) @ T @ A_t, order=0 or 1)` inside
    /// the source's field of view. Time O(N) for N target voxels.
    public init?(source: VoxelGeometry, onto target: VoxelGeometry, through targetToSourceWorld: Affine) {
        guard let back = targetToSourceWorld.inverse else { return nil }
        self.init(source: VoxelGeometry(size: source.size, affine: back.concatenating(source.affine)), onto: target)
    }
}
