import CNIfTI
import LesionKernels

/// Reads NIfTI-1 and NIfTI-2 scans (`.nii`, `.nii.gz`) through libnifti.
///
/// The header is checked first (`NIfTIHeaderCheck`); libnifti then parses it and computes the
/// qform and sform matrices; the chosen volume's bytes are read through libnifti's znz streams
/// and byte-swapped here. Unlike `nifti_image_load`, this keeps NaN and ±Inf as stored (nibabel
/// does the same); they are never foreground. Scaling is not applied to the stored voxels:
/// `ScanHeader.scaling` carries it.
public struct NIfTIReader: Sendable {
    /// The default cap on the bytes of one volume: 4 GiB.
    public static let defaultMaximumVolumeBytes = 4 << 30

    public var maximumVolumeBytes: Int
    /// Called with the path of every file whose voxels `read` is asked for, before reading them;
    /// nil by default. Tests count reads through it.
    public var readObserver: (@Sendable (_ path: String) -> Void)?

    public init(maximumVolumeBytes: Int = NIfTIReader.defaultMaximumVolumeBytes) {
        self.maximumVolumeBytes = maximumVolumeBytes
        Self.quietOnce
    }

    // libnifti's only mutable global is its debug level: set it once, before any thread reads.
    private static let quietOnce: Void = lt_nifti_quiet()

    /// Reads the header only.
    public func readHeader(_ path: String, volume: Int = 0) throws(ScanError) -> ScanHeader {
        let facts = try NIfTIHeaderCheck.check(path: path, maximumVolumeBytes: maximumVolumeBytes)
        return try header(path, facts: facts, volume: volume)
    }

    /// Reads the header and volume `volume` (0-based) of a 3D or 4D file.
    public func read(_ path: String, volume: Int = 0) throws(ScanError) -> Scan {
        readObserver?(path)
        let facts = try NIfTIHeaderCheck.check(path: path, maximumVolumeBytes: maximumVolumeBytes)
        let header = try header(path, facts: facts, volume: volume)
        let offset = facts.voxOffset + volume * facts.volumeBytes
        let voxels: AnyVolume
        switch facts.datatype.code {
        case 2: voxels = .uint8(try readVoxels(path, facts, offset))
        case 256: voxels = .int8(try readVoxels(path, facts, offset))
        case 512: voxels = .uint16(try readVoxels(path, facts, offset))
        case 4: voxels = .int16(try readVoxels(path, facts, offset))
        case 768: voxels = .uint32(try readVoxels(path, facts, offset))
        case 8: voxels = .int32(try readVoxels(path, facts, offset))
        case 1280: voxels = .uint64(try readVoxels(path, facts, offset))
        case 1024: voxels = .int64(try readVoxels(path, facts, offset))
        case 16: voxels = .float32(try readVoxels(path, facts, offset))
        case 64: voxels = .float64(try readVoxels(path, facts, offset))
        default: throw ScanError(path, "datatype \(facts.datatype.name) is not supported", kind: .internal)
        }
        return Scan(header: header, voxels: voxels)
    }

    private func header(_ path: String, facts: NIfTIHeaderFacts, volume: Int) throws(ScanError) -> ScanHeader {
        guard volume >= 0 && volume < facts.volumeCount else {
            throw ScanError(path, "volume \(volume) does not exist: the file has \(facts.volumeCount) (0 to \(facts.volumeCount - 1))")
        }
        guard let nim = nifti_image_read(path, 0) else {
            throw ScanError(path, "libnifti could not read the header")
        }
        defer { nifti_image_free(nim) }
        let n = nim.pointee
        func affine(_ m: nifti_dmat44) -> Affine {
            let rows = [m.m.0, m.m.1, m.m.2].map { [$0.0, $0.1, $0.2, $0.3] }
            return Affine(rows: rows)
        }
        let pixdim = (abs(n.dx), abs(n.dy), abs(n.dz))
        guard [pixdim.0, pixdim.1, pixdim.2].allSatisfy({ $0.isFinite }) else {
            throw ScanError(path, "bad voxel size pixdim \(pixdim)")
        }
        let header = ScanHeader(
            path: path, niftiVersion: facts.niftiVersion, isGzip: facts.isGzip, bigEndian: facts.bigEndian,
            dims: facts.dims, datatype: facts.datatype, pixdimMM: pixdim,
            headerSlope: n.scl_slope, headerIntercept: n.scl_inter,
            scaling: IntensityScaling(headerSlope: n.scl_slope, headerIntercept: n.scl_inter),
            qformCode: Int(n.qform_code), sformCode: Int(n.sform_code),
            qform: affine(n.qto_xyz), sform: affine(n.sto_xyz),
            quaternion: .init(
                b: n.quatern_b, c: n.quatern_c, d: n.quatern_d,
                x: n.qoffset_x, y: n.qoffset_y, z: n.qoffset_z, qfac: n.qfac),
            xyzUnitsCode: Int(n.xyz_units), volumeCount: facts.volumeCount, volumeIndex: volume)
        let chosen = header.affine
        guard chosen.rows.joined().allSatisfy({ $0.isFinite }), chosen.determinant != 0 else {
            throw ScanError(path, "the \(header.orientationSource.rawValue) affine is singular or not finite")
        }
        return header
    }

    private func readVoxels<T: NIfTIStorable>(
        _ path: String, _ facts: NIfTIHeaderFacts, _ offset: Int
    ) throws(ScanError) -> Volume<T> {
        precondition(T.datatype == facts.datatype)
        guard let stream = lt_stream_open(path, "rb", facts.isGzip ? 1 : 0) else {
            throw ScanError(path, "cannot open: \(errnoMessage())")
        }
        defer { lt_stream_close(stream) }
        guard lt_stream_seek(stream, Int64(offset)) == 0 else {
            throw ScanError(path, "truncated: the voxel data at offset \(offset) cannot be reached")
        }
        let count = facts.grid.voxelCount
        let wanted = Int64(facts.volumeBytes)
        var got: Int64 = 0
        let voxels = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            got = lt_stream_read(stream, buffer.baseAddress, wanted)
            if got == wanted {
                if facts.byteSwapped {
                    for n in 0..<count { buffer[n] = buffer[n].byteSwappedValue }
                }
                initialized = count
            } else {
                initialized = 0
            }
        }
        guard got == wanted else {
            if got < 0 {
                throw ScanError(path, facts.isGzip ? "truncated or corrupt gzip stream in the voxel data" : "read error in the voxel data")
            }
            throw ScanError(path, "truncated: expected \(wanted) bytes of voxel data, read \(got)")
        }
        return Volume(size: facts.grid, voxels: voxels)
    }
}
