import CNIfTI

/// What the first bytes of a NIfTI file say, checked before libnifti sees the file.
///
/// libnifti reads a `.nii` with a broken magic as ANALYZE 7.5, allocates whatever size a header
/// claims, and prints its own diagnostics. LesionTrack therefore decodes the fixed header fields
/// itself and refuses a file with a single clear message before any voxel data is read.
public struct NIfTIHeaderFacts: Sendable, Equatable {
    public let niftiVersion: Int
    public let isGzip: Bool
    /// True when the file's byte order differs from this machine's.
    public let byteSwapped: Bool
    public let bigEndian: Bool
    /// `dim[1...dim[0]]`.
    public let dims: [Int]
    public let datatype: NIfTIDatatype
    public let voxOffset: Int
    public let fileBytes: Int

    public var grid: GridSize { GridSize(dims[0], dims.count > 1 ? dims[1] : 1, dims.count > 2 ? dims[2] : 1) }
    /// Volumes along the fourth dimension (1 for a 3D file).
    public var volumeCount: Int { dims.count > 3 ? dims[3] : 1 }
    public var bytesPerVoxel: Int { datatype.bytesPerVoxel! }
    public var volumeBytes: Int { grid.voxelCount * bytesPerVoxel }
}

import LesionKernels

enum NIfTIHeaderCheck {
    /// The largest inflation a deflate stream allows (about 1032:1), with room for the header.
    static let deflateRatio = 1032

    /// Checks a file's name, container, header fields and sizes, in that order, before anything is
    /// allocated from a header value; every refusal names the file and the field.
    static func check(path: String, maximumVolumeBytes: Int) throws(ScanError) -> NIfTIHeaderFacts {
        let (fileBytes, isGzip) = try container(path)
        let header = try rawHeader(path, isGzip: isGzip)
        let fields = try Fields(header, path: path)
        let dataBytes = try dataBytes(fields, path: path, maximumVolumeBytes: maximumVolumeBytes)
        try checkFit(
            path: path, isGzip: isGzip, fileBytes: fileBytes, voxOffset: fields.voxOffset, dataBytes: dataBytes)
        try checkExtensions(
            path: path, isGzip: isGzip, swapped: header.swapped, headerBytes: header.headerBytes,
            voxOffset: fields.voxOffset, fileBytes: fileBytes)
        let littleEndianMachine = 1.littleEndian == 1
        return NIfTIHeaderFacts(
            niftiVersion: header.version, isGzip: isGzip, byteSwapped: header.swapped,
            bigEndian: littleEndianMachine == header.swapped, dims: fields.dims, datatype: fields.datatype,
            voxOffset: fields.voxOffset, fileBytes: fileBytes)
    }

    /// The file's size and whether it is a gzip stream, checked against its name.
    private static func container(_ path: String) throws(ScanError) -> (fileBytes: Int, isGzip: Bool) {
        let lower = path.lowercased()
        let gzipName = lower.hasSuffix(".nii.gz")
        guard gzipName || lower.hasSuffix(".nii") else {
            throw ScanError(path, "not a NIfTI file name: expected .nii or .nii.gz")
        }
        let fileBytes = try regularFileSize(path)
        guard fileBytes > 0 else { throw ScanError(path, "empty file") }
        let leading = try readPrefix(path: path, count: 2, gzip: false)
        let isGzip = leading.count == 2 && leading[0] == 0x1f && leading[1] == 0x8b
        if gzipName && !isGzip {
            throw ScanError(path, "not a gzip stream, although the name ends in .gz")
        }
        if !gzipName && isGzip {
            throw ScanError(path, "is gzip-compressed but named .nii: rename it .nii.gz")
        }
        return (fileBytes, isGzip)
    }

    /// The header's bytes, its version (from `sizeof_hdr`, in either byte order) and its magic.
    private static func rawHeader(
        _ path: String, isGzip: Bool
    ) throws(ScanError) -> (bytes: RawBytes, version: Int, swapped: Bool, headerBytes: Int) {
        let bytes = try readPrefix(path: path, count: 540, gzip: isGzip)
        guard bytes.count >= 4 else {
            throw ScanError(path, "truncated header: \(bytes.count) bytes")
        }
        let raw = RawBytes(bytes: bytes, swapped: false)
        let sizeField = raw.int32(0)
        let swappedSize = sizeField.byteSwapped
        let version: Int
        let swapped: Bool
        switch (sizeField, swappedSize) {
        case (348, _): (version, swapped) = (1, false)
        case (540, _): (version, swapped) = (2, false)
        case (_, 348): (version, swapped) = (1, true)
        case (_, 540): (version, swapped) = (2, true)
        default:
            throw ScanError(path, "header size field (sizeof_hdr) is \(sizeField), expected 348 (NIfTI-1) or 540 (NIfTI-2)")
        }
        let headerBytes = version == 1 ? 348 : 540
        guard bytes.count >= headerBytes else {
            throw ScanError(path, "truncated header: \(bytes.count) of \(headerBytes) bytes")
        }
        let h = RawBytes(bytes: bytes, swapped: swapped)
        try checkMagic(h, version: version, path: path)
        return (h, version, swapped, headerBytes)
    }

    /// The header fields that size the data: dimensions, datatype and where the voxels start.
    private struct Fields {
        let dims: [Int]
        let datatype: NIfTIDatatype
        let bytesPerVoxel: Int
        let voxOffset: Int

        init(_ header: (bytes: RawBytes, version: Int, swapped: Bool, headerBytes: Int), path: String) throws(ScanError) {
            let (h, version, headerBytes) = (header.bytes, header.version, header.headerBytes)
            let dim: [Int] = (0..<8).map { version == 1 ? Int(h.int16(40 + 2 * $0)) : Int(h.int64(16 + 8 * $0)) }
            let datatypeCode = Int(version == 1 ? h.int16(70) : h.int16(12))
            let bitpix = Int(version == 1 ? h.int16(72) : h.int16(14))
            let voxOffsetValue = version == 1 ? Double(h.float32(108)) : Double(h.int64(168))

            guard (1...7).contains(dim[0]) else {
                throw ScanError(path, "bad dimension count dim[0] = \(dim[0]) (must be 1 to 7)")
            }
            for axis in 1...dim[0] where dim[axis] < 1 {
                throw ScanError(path, "bad dimension dim[\(axis)] = \(dim[axis]) (must be at least 1)")
            }
            let dims = Array(dim[1...dim[0]])
            if dims.count > 4, dims[4...].contains(where: { $0 > 1 }) {
                throw ScanError(
                    path,
                    "\(dims.count)D data with dimensions \(dims.map(String.init).joined(separator: "×")) is not supported: only 3D volumes and 4D series"
                )
            }
            let datatype = NIfTIDatatype(code: datatypeCode)
            guard let bytesPerVoxel = datatype.bytesPerVoxel else {
                if let refused = NIfTIDatatype.refused[datatypeCode] {
                    throw ScanError(path, "datatype \(refused.name) (\(datatypeCode)) \(refused.reason)")
                }
                throw ScanError(path, "unknown datatype code \(datatypeCode)")
            }
            guard bitpix == 8 * bytesPerVoxel else {
                throw ScanError(path, "bitpix \(bitpix) does not match datatype \(datatype.name) (\(8 * bytesPerVoxel) bits)")
            }
            guard voxOffsetValue.isFinite, voxOffsetValue >= Double(headerBytes), voxOffsetValue < 1e15 else {
                throw ScanError(path, "bad vox_offset \(voxOffsetValue): voxel data must start after the \(headerBytes)-byte header")
            }
            (self.dims, self.datatype, self.bytesPerVoxel, self.voxOffset) = (dims, datatype, bytesPerVoxel, Int(voxOffsetValue))
        }
    }

    /// The bytes of voxel data the header claims (all volumes), in overflow-checked arithmetic so a
    /// hostile header cannot wrap around; one volume may not exceed `maximumVolumeBytes`.
    private static func dataBytes(_ fields: Fields, path: String, maximumVolumeBytes: Int) throws(ScanError) -> Int {
        let (dims, datatype) = (fields.dims, fields.datatype)
        var voxels = 1
        for extent in dims.prefix(3) {
            let (product, overflow) = voxels.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw tooLarge(path, dims, datatype, cap: maximumVolumeBytes) }
            voxels = product
        }
        let (volumeBytes, overflow) = voxels.multipliedReportingOverflow(by: fields.bytesPerVoxel)
        guard !overflow, volumeBytes <= maximumVolumeBytes else {
            throw tooLarge(path, dims, datatype, cap: maximumVolumeBytes)
        }
        let volumes = dims.count > 3 ? dims[3] : 1
        let (dataBytes, overflow4D) = volumeBytes.multipliedReportingOverflow(by: volumes)
        guard !overflow4D, dataBytes < Int.max - fields.voxOffset else {
            throw tooLarge(path, dims, datatype, cap: maximumVolumeBytes)
        }
        return dataBytes
    }

    /// The claimed data must fit the file: exactly for a plain file, within deflate's largest
    /// inflation for a gzip stream.
    private static func checkFit(path: String, isGzip: Bool, fileBytes: Int, voxOffset: Int, dataBytes: Int) throws(ScanError) {
        if isGzip {
            let ceiling = (fileBytes * deflateRatio).addingReportingOverflow(1 << 20)
            if !ceiling.overflow, voxOffset + dataBytes > ceiling.partialValue {
                throw ScanError(
                    path,
                    "header claims \(byteText(voxOffset + dataBytes)) of data, too large for a gzip file of \(byteText(fileBytes)) (at most \(byteText(ceiling.partialValue)))"
                )
            }
        } else {
            guard voxOffset <= fileBytes else {
                throw ScanError(path, "vox_offset \(voxOffset) is past the end of the file (\(fileBytes) bytes)")
            }
            guard voxOffset + dataBytes <= fileBytes else {
                throw ScanError(
                    path,
                    "truncated: the header needs \(dataBytes) bytes of voxel data from offset \(voxOffset), the file has \(fileBytes - voxOffset)"
                )
            }
        }
    }

    /// The bytes of header extensions walked before a file is accepted (1 MiB): extensions past
    /// it are checked only against `vox_offset` and the file's size.
    static let extensionWindowBytes = 1 << 20

    /// Refuses header extensions whose sizes cannot be true: one that runs past `vox_offset` or
    /// past the end of a `.nii`, or a size that is not a positive multiple of 16. LesionTrack never
    /// lets libnifti read extensions (it would allocate whatever size each claims); this keeps a
    /// tampered file from being believed.
    static func checkExtensions(
        path: String, isGzip: Bool, swapped: Bool, headerBytes: Int, voxOffset: Int, fileBytes: Int
    ) throws(ScanError) {
        guard voxOffset >= headerBytes + 4 + 8 else { return }
        let window = try readPrefix(path: path, count: min(voxOffset, extensionWindowBytes), gzip: isGzip)
        guard window.count >= headerBytes + 4, window[headerBytes] != 0 else { return }
        let raw = RawBytes(bytes: window, swapped: swapped)
        let end = isGzip ? voxOffset : min(voxOffset, fileBytes)
        var at = headerBytes + 4
        while at + 8 <= end && at + 8 <= window.count {
            let size = Int(raw.int32(at))
            if size == 0 { return }
            guard size >= 16, size % 16 == 0 else {
                throw ScanError(path, "header extension at byte \(at) has size \(size): not a positive multiple of 16")
            }
            guard size <= end - at else {
                throw ScanError(
                    path,
                    "header extension at byte \(at) claims \(byteText(size)), past vox_offset \(voxOffset)\(isGzip ? "" : " or the end of the file (\(fileBytes) bytes)")"
                )
            }
            at += size
        }
    }

    private static func checkMagic(_ h: RawBytes, version: Int, path: String) throws(ScanError) {
        if version == 1 {
            let magic = Array(h.bytes[344..<348])
            if magic == Array("n+1".utf8) + [0] { return }
            if magic == Array("ni1".utf8) + [0] {
                throw ScanError(path, "two-file NIfTI (.hdr/.img pair) is not supported: convert it to a single .nii")
            }
            throw ScanError(path, "bad magic \(printable(magic)) where NIfTI-1 needs \"n+1\": not read as ANALYZE 7.5")
        } else {
            let magic = Array(h.bytes[4..<12])
            if magic == Array("n+2".utf8) + [0, 0x0d, 0x0a, 0x1a, 0x0a] { return }
            if magic.prefix(4).elementsEqual(Array("ni2".utf8) + [0]) {
                throw ScanError(path, "two-file NIfTI-2 (.hdr/.img pair) is not supported: convert it to a single .nii")
            }
            throw ScanError(path, "bad magic \(printable(magic)) where NIfTI-2 needs \"n+2\"")
        }
    }

    private static func printable(_ bytes: [UInt8]) -> String {
        "\""
            + bytes.map { (32..<127).contains($0) ? String(UnicodeScalar($0)) : "\\x" + (($0 < 16) ? "0" : "") + String($0, radix: 16) }
            .joined() + "\""
    }

    private static func tooLarge(_ path: String, _ dims: [Int], _ datatype: NIfTIDatatype, cap: Int) -> ScanError {
        ScanError(
            path,
            "too large: \(dims.prefix(3).map(String.init).joined(separator: "×")) \(datatype.name) voxels exceed the \(byteText(cap)) limit per volume (raise it with --max-scan-mb)"
        )
    }

    /// Up to `count` bytes from the start of the file (decompressed when `gzip`).
    static func readPrefix(path: String, count: Int, gzip: Bool) throws(ScanError) -> [UInt8] {
        guard let stream = lt_stream_open(path, "rb", gzip ? 1 : 0) else {
            throw ScanError(path, "cannot open: \(errnoMessage())")
        }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { lt_stream_read(stream, $0.baseAddress, Int64(count)) }
        lt_stream_close(stream)
        guard got >= 0 else {
            throw ScanError(path, gzip ? "corrupt gzip stream in the header" : "read error in the header")
        }
        return Array(buffer.prefix(Int(got)))
    }
}

/// Human-readable byte counts: 1.5 KiB, 4 GiB.
func byteText(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
}

/// Little helpers to decode fixed-offset fields in either byte order.
struct RawBytes {
    let bytes: [UInt8]
    let swapped: Bool

    private func load<T: FixedWidthInteger>(_ offset: Int, as: T.Type) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { target in
            for n in 0..<MemoryLayout<T>.size { target[n] = bytes[offset + n] }
        }
        return swapped ? value.byteSwapped : value
    }

    func int16(_ offset: Int) -> Int16 { load(offset, as: Int16.self) }
    func int32(_ offset: Int) -> Int32 { load(offset, as: Int32.self) }
    func int64(_ offset: Int) -> Int64 { load(offset, as: Int64.self) }
    func float32(_ offset: Int) -> Float { Float(bitPattern: load(offset, as: UInt32.self)) }
}
