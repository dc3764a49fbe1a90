import CNIfTI
import LesionKernels

/// Reads NIfTI-1 and NIfTI-2 scans (`.nii`, `.nii.gz`) through libnifti.
///
/// The header is checked first (`NIfTIHeaderCheck`), so every size is known and capped before
/// anything is allocated; libnifti then parses the header and computes the qform and sform
/// matrices, and the chosen volume's bytes are byte-swapped here. A `.nii` is read through
/// libnifti's znz streams. A `.nii.gz` is inflated whole by libdeflate (`GzipFile`) when it is one
/// gzip member of exactly the size the header implies and at most `wholeBufferLimitBytes`; libnifti
/// then builds its image description from the header bytes in memory. Any other gzip file (several
/// members, trailing bytes, a wrong ISIZE or CRC, truncated or corrupt data, too large) is read
/// through zlib's streaming reader, as every `.nii.gz` was before, so both give the same bytes and
/// the same errors. Unlike `nifti_image_load`, this keeps NaN and ±Inf as stored (nibabel does the
/// same); they are never foreground. Scaling is not applied to the stored voxels:
/// `ScanHeader.scaling` carries it.
public struct NIfTIReader: Sendable {
    /// The default cap on the bytes of one volume: 4 GiB.
    public static let defaultMaximumVolumeBytes = 4 << 30
    /// The default cap on the uncompressed bytes libdeflate inflates in one buffer: 2 GiB.
    public static let defaultWholeBufferLimitBytes = 2 << 30

    /// How a `.nii.gz` is decompressed.
    public enum GzipReading: String, Sendable, CaseIterable {
        /// libdeflate, whole file in one buffer, with the streaming zlib reader as the fallback.
        case libdeflate
        /// zlib's streaming reader (libnifti's znzlib) only.
        case zlib
    }

    /// Where the time of one `read` went, and how its gzip data was decompressed.
    public struct Stages: Sendable {
        /// Checking the header's fields and sizes (`NIfTIHeaderCheck`), in seconds.
        public var headerCheckSeconds = 0.0
        /// Reading the file and inflating it (or, for the streaming readers, reading the voxels).
        public var decompressionSeconds = 0.0
        /// Building the header through libnifti and moving and byte-swapping the voxels.
        public var conversionSeconds = 0.0
        /// For a `.nii.gz`: nil when libdeflate inflated it, else why the streaming reader did.
        public var streamedBecause: String?
        /// For a `.nii.gz` libdeflate inflated in two parts on two threads: how it was split.
        public var split: SplitInflation?

        public init() {}
        public var totalSeconds: Double { headerCheckSeconds + decompressionSeconds + conversionSeconds }
    }

    public var maximumVolumeBytes: Int
    public var gzipReading: GzipReading = .libdeflate
    /// Gzip files whose uncompressed size exceeds this are streamed through zlib instead.
    public var wholeBufferLimitBytes: Int = NIfTIReader.defaultWholeBufferLimitBytes
    /// Threads that inflate one `.nii.gz`: with 2 or more, a file of 8 to 512 MiB is inflated in
    /// two parts at once (`GzipFile.inflate`). 1 by default, for batch runs whose jobs already
    /// share the cores; `label` passes its `--threads`.
    public var inflateThreads = 1
    /// Called with the path of every file whose voxels `read` is asked for, before reading them;
    /// nil by default. Tests count reads through it.
    public var readObserver: (@Sendable (_ path: String) -> Void)?
    /// Called after every successful `read` with where its time went; nil by default. Batch runs
    /// sum their reading time through it.
    public var stagesObserver: (@Sendable (_ path: String, _ stages: Stages) -> Void)?

    public init(maximumVolumeBytes: Int = NIfTIReader.defaultMaximumVolumeBytes, gzipReading: GzipReading = .libdeflate) {
        self.maximumVolumeBytes = maximumVolumeBytes
        self.gzipReading = gzipReading
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
        var stages = Stages()
        return try read(path, volume: volume, stages: &stages)
    }

    /// Reads a mask or map, which must be one 3D volume: a 4D file is refused rather than reduced
    /// to its first volume.
    public func readSingleVolume(_ path: String, role: String) throws(ScanError) -> Scan {
        let facts = try NIfTIHeaderCheck.check(path: path, maximumVolumeBytes: maximumVolumeBytes)
        guard facts.volumeCount == 1 else {
            throw ScanError(
                path,
                "is 4D (\(facts.volumeCount) volumes): a \(role) must be one 3D volume, not reduced to its first; split the series")
        }
        return try read(path)
    }

    /// Reads the header and volume `volume`, noting in `stages` where the time went.
    public func read(_ path: String, volume: Int = 0, stages: inout Stages) throws(ScanError) -> Scan {
        readObserver?(path)
        var mine = Stages()
        let scan = try readStaged(path, volume: volume, stages: &mine)
        stagesObserver?(path, mine)
        stages.headerCheckSeconds += mine.headerCheckSeconds
        stages.decompressionSeconds += mine.decompressionSeconds
        stages.conversionSeconds += mine.conversionSeconds
        stages.streamedBecause = mine.streamedBecause
        stages.split = mine.split
        return scan
    }

    private func readStaged(_ path: String, volume: Int, stages: inout Stages) throws(ScanError) -> Scan {
        var clock = monotonicSeconds()
        func lap() -> Double {
            let now = monotonicSeconds()
            defer { clock = now }
            return now - clock
        }
        let facts = try NIfTIHeaderCheck.check(path: path, maximumVolumeBytes: maximumVolumeBytes)
        stages.headerCheckSeconds += lap()
        if facts.isGzip && gzipReading == .libdeflate {
            let reason = wholeBufferRefusal(facts, volume: volume)
            if let reason {
                stages.streamedBecause = reason
            } else if let scan = try readWhole(path, facts, volume: volume, stages: &stages) {
                return scan
            }
            // A failed whole-buffer attempt counts as decompression.
            stages.decompressionSeconds += lap()
        }
        let header = try header(path, facts: facts, volume: volume)
        stages.conversionSeconds += lap()
        let offset = facts.voxOffset + volume * facts.volumeBytes
        var streamed = StreamedRead(path: path, facts: facts, offset: offset)
        guard let voxels = try Self.dispatch(facts, path, &streamed) else {
            throw ScanError(path, "no voxels read", kind: .internal)
        }
        stages.decompressionSeconds += lap()
        return Scan(header: header, voxels: voxels)
    }

    /// Why a gzip file is not inflated in one buffer, or nil when it is.
    private func wholeBufferRefusal(_ facts: NIfTIHeaderFacts, volume: Int) -> String? {
        guard volume >= 0 && volume < facts.volumeCount else { return "no such volume" }
        let (all, overflow) = facts.volumeBytes.multipliedReportingOverflow(by: facts.volumeCount)
        let total = all.addingReportingOverflow(facts.voxOffset)
        guard !overflow, !total.overflow, total.partialValue <= wholeBufferLimitBytes else {
            return "larger than the whole-buffer limit of \(byteText(wholeBufferLimitBytes))"
        }
        // A 4D file is inflated whole only when the volumes after the wanted one are at most as
        // many bytes as those up to it; otherwise streaming stops sooner.
        let needed = facts.voxOffset + (volume + 1) * facts.volumeBytes
        guard total.partialValue - needed <= needed else { return "a 4D file whose later volumes are not needed" }
        return nil
    }

    /// Reads a gzip file through libdeflate; nil (with `stages.streamedBecause` set) when the file
    /// is not one gzip member of the size the header implies.
    private func readWhole(
        _ path: String, _ facts: NIfTIHeaderFacts, volume: Int, stages: inout Stages
    ) throws(ScanError) -> Scan? {
        let start = monotonicSeconds()
        let file = try GzipFile(path: path, expectedBytes: facts.fileBytes)
        let total = facts.voxOffset + facts.volumeCount * facts.volumeBytes
        guard let trailer = file.trailerSize, Int(trailer) == total & 0xFFFF_FFFF else {
            stages.streamedBecause = "the gzip trailer (ISIZE) does not give the size the header implies"
            return nil
        }
        var whole = WholeRead(file: file, facts: facts, volume: volume, total: total, start: start, threads: inflateThreads)
        guard let voxels = try Self.dispatch(facts, path, &whole) else {
            stages.streamedBecause = whole.failure
            return nil
        }
        let bytes = whole.headerBytes
        guard let nim = lt_image_from_header_bytes(bytes, Int64(bytes.count), path) else {
            throw ScanError(path, "libnifti could not read the header")
        }
        defer { nifti_image_free(nim) }
        let header = try scanHeader(path, facts: facts, volume: volume, image: nim.pointee)
        stages.decompressionSeconds += whole.decompressionSeconds
        stages.split = file.split
        stages.conversionSeconds += monotonicSeconds() - start - whole.decompressionSeconds
        return Scan(header: header, voxels: voxels)
    }

    /// Reads the voxels as the Swift type of the file's datatype; nil when `reading` gives none.
    private static func dispatch<R: VoxelReading>(
        _ facts: NIfTIHeaderFacts, _ path: String, _ reading: inout R
    ) throws(ScanError) -> AnyVolume? {
        switch facts.datatype.code {
        case 2: try reading.read(UInt8.self).map(AnyVolume.uint8)
        case 256: try reading.read(Int8.self).map(AnyVolume.int8)
        case 512: try reading.read(UInt16.self).map(AnyVolume.uint16)
        case 4: try reading.read(Int16.self).map(AnyVolume.int16)
        case 768: try reading.read(UInt32.self).map(AnyVolume.uint32)
        case 8: try reading.read(Int32.self).map(AnyVolume.int32)
        case 1280: try reading.read(UInt64.self).map(AnyVolume.uint64)
        case 1024: try reading.read(Int64.self).map(AnyVolume.int64)
        case 16: try reading.read(Float.self).map(AnyVolume.float32)
        case 64: try reading.read(Double.self).map(AnyVolume.float64)
        default: throw ScanError(path, "datatype \(facts.datatype.name) is not supported", kind: .internal)
        }
    }

    private func header(_ path: String, facts: NIfTIHeaderFacts, volume: Int) throws(ScanError) -> ScanHeader {
        guard volume >= 0 && volume < facts.volumeCount else {
            throw ScanError(path, "volume \(volume) does not exist: the file has \(facts.volumeCount) (0 to \(facts.volumeCount - 1))")
        }
        // From the header bytes only: nifti_image_read would also read the header extensions,
        // allocating whatever size each one claims, and LesionTrack uses none of them.
        let bytes = try NIfTIHeaderCheck.readPrefix(path: path, count: facts.niftiVersion == 1 ? 348 : 540, gzip: facts.isGzip)
        guard let nim = lt_image_from_header_bytes(bytes, Int64(bytes.count), path) else {
            throw ScanError(path, "libnifti could not read the header")
        }
        defer { nifti_image_free(nim) }
        return try scanHeader(path, facts: facts, volume: volume, image: nim.pointee)
    }

    /// The header facts of libnifti's image description.
    private func scanHeader(
        _ path: String, facts: NIfTIHeaderFacts, volume: Int, image n: nifti_image
    ) throws(ScanError) -> ScanHeader {
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
}

/// Reads one volume's voxels as a concrete type.
protocol VoxelReading {
    mutating func read<T: NIfTIStorable>(_ type: T.Type) throws(ScanError) -> Volume<T>?
}

/// The streaming read through libnifti's znz streams (zlib for gzip): seek, read, byte-swap.
struct StreamedRead: VoxelReading {
    let path: String
    let facts: NIfTIHeaderFacts
    let offset: Int

    func read<T: NIfTIStorable>(_ type: T.Type) throws(ScanError) -> Volume<T>? {
        try readVoxels(path, facts, offset)
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
        try VoxelMemory.reserve(facts.volumeBytes, path: path)
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
