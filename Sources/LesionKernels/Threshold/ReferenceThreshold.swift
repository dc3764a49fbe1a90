/// Thresholds a volume voxel by voxel: foreground where the scaled value lies in the window.
///
/// The reference for thresholding, one comparison per voxel in `Double`.
/// Equivalent to `window.lower <= img.get_fdata()` (and `<= window.upper`) with nibabel.
public enum ReferenceThreshold {
    public static func mask<T: VoxelValue>(
        _ volume: Volume<T>, scaling: IntensityScaling, window: IntensityWindow
    ) -> Volume<Bool> {
        volume.map { window.contains(scaling.apply($0.doubleValue)) }
    }
}
