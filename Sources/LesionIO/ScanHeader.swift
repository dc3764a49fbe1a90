import LesionKernels

/// Where a scan's voxel-to-world affine came from.
///
/// The rule, as in nibabel's `get_best_affine`: the sform when its code is > 0, else the qform
/// when its code is > 0, else the voxel size alone (NIfTI-1 "method 1": `x = dx·i`, `y = dy·j`,
/// `z = dz·k`, origin at voxel 0).
public enum OrientationSource: String, Sendable {
    case sform
    case qform
    case pixdim

    public var rule: String {
        switch self {
        case .sform: "sform (sform_code > 0)"
        case .qform: "qform (sform_code = 0, qform_code > 0)"
        case .pixdim: "voxel size only (sform_code = 0, qform_code = 0): diag(dx, dy, dz), origin at voxel 0"
        }
    }
}

/// The facts of a NIfTI header that LesionTrack uses and reports.
public struct ScanHeader: Sendable {
    public let path: String
    public let niftiVersion: Int
    public let isGzip: Bool
    public let bigEndian: Bool
    /// `dim[1...dim[0]]` as stored.
    public let dims: [Int]
    public let datatype: NIfTIDatatype
    /// `pixdim[1...3]`, absolute values.
    public let pixdimMM: (Double, Double, Double)
    public let headerSlope: Double
    public let headerIntercept: Double
    public let scaling: IntensityScaling
    public let qformCode: Int
    public let sformCode: Int
    /// The qform as libnifti computes it from the quaternion (or method 1 when qform_code is 0).
    public let qform: Affine
    public let sform: Affine
    public let quaternion: Quaternion
    public let xyzUnitsCode: Int
    public let volumeCount: Int
    /// Which volume of a 4D file was read (0 for a 3D file).
    public let volumeIndex: Int

    /// The quaternion parameters of the qform, kept so written files reproduce it exactly.
    public struct Quaternion: Sendable, Equatable {
        public var b, c, d, x, y, z, qfac: Double

        public init(b: Double, c: Double, d: Double, x: Double, y: Double, z: Double, qfac: Double) {
            (self.b, self.c, self.d, self.x, self.y, self.z, self.qfac) = (b, c, d, x, y, z, qfac)
        }
    }

    public init(
        path: String, niftiVersion: Int, isGzip: Bool, bigEndian: Bool, dims: [Int], datatype: NIfTIDatatype,
        pixdimMM: (Double, Double, Double), headerSlope: Double, headerIntercept: Double,
        scaling: IntensityScaling, qformCode: Int, sformCode: Int, qform: Affine, sform: Affine,
        quaternion: Quaternion, xyzUnitsCode: Int, volumeCount: Int, volumeIndex: Int
    ) {
        self.path = path
        self.niftiVersion = niftiVersion
        self.isGzip = isGzip
        self.bigEndian = bigEndian
        self.dims = dims
        self.datatype = datatype
        self.pixdimMM = pixdimMM
        self.headerSlope = headerSlope
        self.headerIntercept = headerIntercept
        self.scaling = scaling
        self.qformCode = qformCode
        self.sformCode = sformCode
        self.qform = qform
        self.sform = sform
        self.quaternion = quaternion
        self.xyzUnitsCode = xyzUnitsCode
        self.volumeCount = volumeCount
        self.volumeIndex = volumeIndex
    }

    /// A header for a volume made in memory: RAS-aligned voxels of `spacing` mm, origin at voxel 0,
    /// with equal sform and qform (codes 1).
    public static func synthetic(path: String, grid: GridSize, spacing: (Double, Double, Double) = (1, 1, 1)) -> ScanHeader {
        let affine = Affine.spacing(spacing.0, spacing.1, spacing.2)
        return ScanHeader(
            path: path, niftiVersion: 1, isGzip: path.hasSuffix(".gz"), bigEndian: false,
            dims: [grid.nx, grid.ny, grid.nz], datatype: .float32, pixdimMM: spacing, headerSlope: 0,
            headerIntercept: 0, scaling: .identity, qformCode: 1, sformCode: 1, qform: affine, sform: affine,
            quaternion: Quaternion(b: 0, c: 0, d: 0, x: 0, y: 0, z: 0, qfac: 1), xyzUnitsCode: 2,
            volumeCount: 1, volumeIndex: 0)
    }

    public var grid: GridSize { GridSize(dims[0], dims.count > 1 ? dims[1] : 1, dims.count > 2 ? dims[2] : 1) }

    public var orientationSource: OrientationSource {
        if sformCode > 0 { return .sform }
        if qformCode > 0 { return .qform }
        return .pixdim
    }

    /// The voxel-to-world affine by the orientation rule.
    public var affine: Affine {
        switch orientationSource {
        case .sform: sform
        case .qform: qform
        case .pixdim: .spacing(pixdimMM.0, pixdimMM.1, pixdimMM.2)
        }
    }

    public var geometry: VoxelGeometry { VoxelGeometry(size: grid, affine: affine) }

    public static func xformName(_ code: Int) -> String {
        switch code {
        case 0: "unknown"
        case 1: "scanner"
        case 2: "aligned"
        case 3: "talairach"
        case 4: "mni_152"
        case 5: "template_other"
        default: "code \(code)"
        }
    }

    /// The unit name of `xyzt_units`' spatial part.
    public var spatialUnit: String {
        switch xyzUnitsCode & 0x07 {
        case 1: "m"
        case 2: "mm"
        case 3: "um"
        default: "unknown"
        }
    }
}
