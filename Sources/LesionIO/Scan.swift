import LesionKernels

/// One 3D volume read from a NIfTI file: its header facts and its voxels in their stored type.
public struct Scan: Sendable {
    public let header: ScanHeader
    public let voxels: AnyVolume

    public init(header: ScanHeader, voxels: AnyVolume) {
        precondition(header.grid == voxels.size, "header and voxels disagree on the grid")
        self.header = header
        self.voxels = voxels
    }

    public var path: String { header.path }
    public var geometry: VoxelGeometry { header.geometry }
    public var scaling: IntensityScaling { header.scaling }

    /// The scaled intensity at a storage offset. Slow: one dispatch per call.
    public func intensity(at offset: Int) -> Double { scaling.apply(voxels.storedValue(at: offset)) }
}
