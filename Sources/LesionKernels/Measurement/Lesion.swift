/// One lesion (connected component) and its measurements.
///
/// Intensities are scaled values (after NIfTI `scl_slope`/`scl_inter`). Centroids are the
/// mean of voxel centres; world coordinates follow the scan's chosen affine.
public struct Lesion: Sendable, Equatable {
    /// 1…N, in the order of each lesion's first voxel in storage order.
    public var label: Int
    public var voxelCount: Int
    /// `voxelCount × |det(affine)|`.
    public var volumeMM3: Double
    public var boundingBox: VoxelBox
    public var centroidVoxel: VoxelCoordinate
    public var centroidMM: WorldPoint
    /// The largest distance in mm between the centres of two of the lesion's voxels (Feret diameter).
    public var largestExtentMM: Double
    public var meanIntensity: Double
    public var maxIntensity: Double

    public init(
        label: Int, voxelCount: Int, volumeMM3: Double, boundingBox: VoxelBox,
        centroidVoxel: VoxelCoordinate, centroidMM: WorldPoint, largestExtentMM: Double,
        meanIntensity: Double, maxIntensity: Double
    ) {
        self.label = label
        self.voxelCount = voxelCount
        self.volumeMM3 = volumeMM3
        self.boundingBox = boundingBox
        self.centroidVoxel = centroidVoxel
        self.centroidMM = centroidMM
        self.largestExtentMM = largestExtentMM
        self.meanIntensity = meanIntensity
        self.maxIntensity = maxIntensity
    }
}
