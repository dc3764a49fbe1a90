import LesionIO
import LesionKernels

/// An image written for elastix: float32 `.nii` placed by the affine LesionTrack reads (sform
/// only, code 1, no qform), so elastix (ITK) puts every voxel where LesionTrack does.
enum ElastixInput {
    /// Writes `values` (NaN as 0) on a grid placed by `affine` to `path`.
    static func write(_ values: Volume<Double>, affine: Affine, to path: String) throws(ScanError) {
        let size = values.size
        let header = ScanHeader(
            path: path, niftiVersion: 1, isGzip: false, bigEndian: false, dims: [size.nx, size.ny, size.nz],
            datatype: .float32, pixdimMM: affine.columnNorms, headerSlope: 0, headerIntercept: 0, scaling: .identity,
            qformCode: 0, sformCode: 1, qform: affine, sform: affine,
            quaternion: ScanHeader.Quaternion(b: 0, c: 0, d: 0, x: 0, y: 0, z: 0, qfac: 1), xyzUnitsCode: 2,
            volumeCount: 1, volumeIndex: 0)
        try NIfTIWriter.writeIntensities(
            values.map { $0.isFinite ? Float($0) : 0 }, like: header, to: path, description: "")
    }

    /// A mirror of world space about the plane x = 0 (left ↔ right): `diag(-1, 1, 1)`.
    static let leftRightMirror = Affine(rows: [[-1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
}
