import LesionIO
import LesionKernels

/// An axis-aligned RAS grid for generated scans: voxel (i, j, k) sits at
/// `origin + spacing · (i, j, k)` mm, written with both an sform and a qform.
public struct SyntheticGrid: Sendable {
    public let size: GridSize
    public let spacingMM: Double
    public let originMM: (Double, Double, Double)

    public init(size: GridSize, spacingMM: Double = 1, originMM: (Double, Double, Double)) {
        self.size = size
        self.spacingMM = spacingMM
        self.originMM = originMM
    }

    public var affine: Affine {
        let s = spacingMM
        return Affine(rows: [[s, 0, 0, originMM.0], [0, s, 0, originMM.1], [0, 0, s, originMM.2]])
    }

    public var geometry: VoxelGeometry { VoxelGeometry(size: size, affine: affine) }

    /// A header that NIfTIWriter reproduces: sform and qform code 1, identity rotation.
    public func header(path: String) -> ScanHeader {
        ScanHeader(
            path: path, niftiVersion: 1, isGzip: path.hasSuffix(".gz"), bigEndian: false,
            dims: [size.nx, size.ny, size.nz], datatype: .uint8, pixdimMM: (spacingMM, spacingMM, spacingMM),
            headerSlope: 0, headerIntercept: 0, scaling: .identity, qformCode: 1, sformCode: 1,
            qform: affine, sform: affine,
            quaternion: .init(b: 0, c: 0, d: 0, x: originMM.0, y: originMM.1, z: originMM.2, qfac: 1),
            xyzUnitsCode: 2, volumeCount: 1, volumeIndex: 0)
    }

    /// Writes a 0/1 uint8 mask of the voxels in `boxes` (parts outside the grid are cut off).
    public func writeMask(_ boxes: [VoxelBox], to path: String) throws {
        var mask = Volume(size: size, repeating: false)
        for box in boxes {
            for v in box.voxels where size.contains(v.i, v.j, v.k) { mask[v.i, v.j, v.k] = true }
        }
        try NIfTIWriter.writeMask(mask, like: header(path: path), to: path, description: "generated mask")
    }

    /// Writes float32 intensities.
    public func writeIntensities(_ volume: Volume<Float>, to path: String) throws {
        try NIfTIWriter.writeIntensities(volume, like: header(path: path), to: path, description: "generated image")
    }
}
