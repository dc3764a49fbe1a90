import CNIfTI
import LesionKernels

/// Writes label maps and masks that overlay exactly on the scan they came from.
///
/// The output keeps the source's NIfTI version, grid, voxel size, units, both orientation codes,
/// the quaternion and the sform, so nibabel, FSL and ITK-SNAP place it where the source is. It
/// carries no `descrip`, `aux_file` or `intent_name` text from the source. Gzip when the name ends
/// in `.gz`: one gzip member, for label maps and masks encoded by runs at the voxel size
/// (`RunDeflate`), for intensities by libdeflate at level 1; nibabel, FSL and ITK-SNAP read both.
/// A label map given as runs (`LabelRuns`) is encoded from them without a dense map. Written
/// atomically; with `syncingDirectory` false the caller flushes the directory after the rename
/// (`AtomicFile.syncDirectories(of:)`), once for several files.
public enum NIfTIWriter {
    /// How a `.nii.gz` is compressed.
    public enum GzipWriting: Sendable, Equatable {
        /// `RunDeflate`: matches at the voxel size only, found eight bytes at a time. For label
        /// maps and masks, which are runs of zeros and of one label.
        case runs
        /// libdeflate, the whole file in one buffer, at this level (0 to 12).
        case libdeflate(level: Int)
        /// zlib's streaming writer (libnifti's znzlib) at level 1, as before libdeflate.
        case zlib

        /// For label maps and masks: `runs`. On a 182×218×182 uint16 map libdeflate's level 1
        /// takes longer than zlib's (about 46 against 24 ms), `runs` a fraction of either.
        public static let `default` = GzipWriting.runs
    }

    public enum Intent: Int32, Sendable {
        case none = 0
        /// NIFTI_INTENT_LABEL: each value is a label index.
        case label = 1002
    }

    /// Writes a label map as uint16 when its count allows, else int32 (labels are unchanged).
    public static func writeLabels(
        _ map: LabelMap, like source: ScanHeader, to path: String, description: String, gzip: GzipWriting = .default,
        syncingDirectory: Bool = true
    ) throws(ScanError) {
        if map.count <= Int(UInt16.max) {
            try write(
                map.labels, as: UInt16.self, converting: { UInt16(truncatingIfNeeded: $0) }, like: source, to: path,
                description: description, intent: .label, displayRange: (0, Double(map.count)), gzip: gzip,
                syncingDirectory: syncingDirectory)
        } else {
            try write(
                map.labels, like: source, to: path, description: description, intent: .label,
                displayRange: (0, Double(map.count)), gzip: gzip, syncingDirectory: syncingDirectory)
        }
    }

    /// Writes the label map of `runs` (labels 1…`count`; 0 is background), as `writeLabels(_:like:…)`
    /// writes `runs.labelMap(count:)`, the same bytes once inflated. A `.runs` gzip file is encoded
    /// from the runs themselves, never painted: zeros and each run are matches one voxel back, so the
    /// work follows the runs, not the voxels (the CRC aside). Other outputs paint the map first.
    public static func writeLabels(
        _ runs: LabelRuns, count: Int, like source: ScanHeader, to path: String, description: String,
        gzip: GzipWriting = .default, syncingDirectory: Bool = true
    ) throws(ScanError) {
        guard path.lowercased().hasSuffix(".nii.gz"), gzip == .runs, runs.size == source.grid else {
            return try writeLabels(
                runs.labelMap(count: count), like: source, to: path, description: description, gzip: gzip,
                syncingDirectory: syncingDirectory)
        }
        let wide = count > Int(UInt16.max)
        let header = try headerBytes(
            size: runs.size, datatype: wide ? Int32.datatype : UInt16.datatype, like: source, path: path,
            description: description, intent: .label, displayRange: (0, Double(count)))
        let voxelBytes = wide ? 4 : 2
        var encoder = RunDeflate(voxelBytes: voxelBytes, expectedBytes: header.count + runs.size.voxelCount * voxelBytes)
        header.withUnsafeBytes { encoder.encode($0) }
        // The voxel before the next one encoded; none after the header, whose bytes are not compared.
        var previous: UInt64?
        var zeros = 0
        let nx = runs.size.nx
        for row in 0..<(runs.size.ny * runs.size.nz) {
            var i = 0
            for n in runs.rowBegin[row]..<runs.rowBegin[row + 1] where runs.labels[n] != 0 {
                zeros += Int(runs.starts[n]) - i
                if zeros > 0 {
                    encoder.encodeRepeats(of: 0, count: zeros, afterSame: previous == 0)
                    previous = 0
                    zeros = 0
                }
                let label = UInt64(UInt32(bitPattern: runs.labels[n]))
                encoder.encodeRepeats(of: label, count: Int(runs.ends[n]) - Int(runs.starts[n]) + 1, afterSame: previous == label)
                previous = label
                i = Int(runs.ends[n]) + 1
            }
            zeros += nx - i
        }
        encoder.encodeRepeats(of: 0, count: zeros, afterSame: previous == 0)
        try AtomicFile.write(encoder.finish(), to: path, syncingDirectory: syncingDirectory)
    }

    /// Writes a binary mask as uint8 0/1.
    public static func writeMask(
        _ mask: Volume<Bool>, like source: ScanHeader, to path: String, description: String, gzip: GzipWriting = .default
    ) throws(ScanError) {
        try write(
            mask, as: UInt8.self, converting: { $0 ? 1 : 0 }, like: source, to: path, description: description,
            intent: .none, displayRange: (0, 1), gzip: gzip)
    }

    /// Writes float32 intensities (no scaling).
    public static func writeIntensities(
        _ volume: Volume<Float>, like source: ScanHeader, to path: String, description: String,
        gzip: GzipWriting = .libdeflate(level: 1)
    ) throws(ScanError) {
        try write(volume, like: source, to: path, description: description, intent: .none, displayRange: (0, 0), gzip: gzip)
    }

    static func write<T: NIfTIStorable>(
        _ volume: Volume<T>, like source: ScanHeader, to path: String, description: String,
        intent: Intent, displayRange: (Double, Double), gzip gzipWriting: GzipWriting = .default,
        syncingDirectory: Bool = true
    ) throws(ScanError) {
        try write(
            volume, as: T.self, converting: { $0 }, like: source, to: path, description: description, intent: intent,
            displayRange: displayRange, gzip: gzipWriting, syncingDirectory: syncingDirectory)
    }

    /// Writes `volume` stored as `T`, each voxel converted by `convert`; the gzip encoders convert
    /// a slice at a time instead of a whole converted copy.
    static func write<S, T: NIfTIStorable>(
        _ volume: Volume<S>, as: T.Type, converting convert: (S) -> T, like source: ScanHeader, to path: String,
        description: String, intent: Intent, displayRange: (Double, Double), gzip gzipWriting: GzipWriting,
        syncingDirectory: Bool = true
    ) throws(ScanError) {
        guard volume.size == source.grid else {
            throw ScanError(path, "volume \(volume.size) does not match the source grid \(source.grid)", kind: .internal)
        }
        let lower = path.lowercased()
        guard lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") else {
            throw ScanError(path, "output name must end in .nii or .nii.gz", kind: .output)
        }
        let gzip = lower.hasSuffix(".gz")
        let header = try headerBytes(
            size: volume.size, datatype: T.datatype, like: source, path: path, description: description, intent: intent,
            displayRange: displayRange)
        let headerBytes = header.count
        if gzip, gzipWriting != .zlib {
            return try writeDeflated(
                volume, as: T.self, converting: convert, header: header[...], gzip: gzipWriting, to: path,
                syncingDirectory: syncingDirectory)
        }
        let volume = Volume(size: volume.size, voxels: volume.voxels.map(convert))
        let temporary = AtomicFile.temporaryPath(for: path)
        // gzip at level 1, as nibabel writes: a label map, mostly zeros, compresses to about twice
        // the size of level 6 in under half the time.
        guard let stream = lt_stream_open(temporary, gzip ? "wb1" : "wb", gzip ? 1 : 0) else {
            throw ScanError(path, "cannot create output: \(errnoMessage())", kind: .output)
        }
        let headerWritten = header.withUnsafeBytes { lt_stream_write(stream, $0.baseAddress, Int64(headerBytes)) }
        let dataBytes = Int64(volume.voxels.count * MemoryLayout<T>.stride)
        let dataWritten = volume.voxels.withUnsafeBytes { lt_stream_write(stream, $0.baseAddress, dataBytes) }
        let closed = lt_stream_close(stream)
        guard headerWritten == Int64(headerBytes), dataWritten == dataBytes, closed == 0 else {
            unlink(temporary)
            throw ScanError(path, "cannot write output: \(errnoMessage())", kind: .output)
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        try AtomicFile.commit(temporary, to: path, syncingDirectory: syncingDirectory)
    }

    /// The header of a single-file NIfTI with `size` voxels of `datatype`, placed as `source`, with
    /// its 4 extension bytes: vox_offset bytes in all.
    static func headerBytes(
        size: GridSize, datatype: NIfTIDatatype, like source: ScanHeader, path: String, description: String,
        intent: Intent, displayRange: (Double, Double)
    ) throws(ScanError) -> [UInt8] {
        // NIfTI-1 stores dims as int16: larger grids need NIfTI-2.
        let needsVersion2 = [size.nx, size.ny, size.nz].contains { $0 > Int(Int16.max) }
        let version: Int32 = (source.niftiVersion == 2 || needsVersion2) ? 2 : 1
        let q = source.quaternion
        let s = source.sform.rows
        var header = [UInt8](repeating: 0, count: 1024)
        let count = header.withUnsafeMutableBufferPointer { out in
            lt_build_header(
                version, [Int64(size.nx), Int64(size.ny), Int64(size.nz)],
                Int32(datatype.code), [source.pixdimMM.0, source.pixdimMM.1, source.pixdimMM.2],
                Int32(source.xyzUnitsCode), Int32(source.qformCode), [q.b, q.c, q.d, q.x, q.y, q.z, q.qfac],
                Int32(source.sformCode), s[0] + s[1] + s[2], intent.rawValue, displayRange.0,
                displayRange.1, description, out.baseAddress)
        }
        guard count > 0 else {
            throw ScanError(path, "libnifti refused a header for grid \(size)", kind: .internal)
        }
        return Array(header.prefix(Int(count)))
    }

    /// Header and voxels as one gzip member, encoded by runs or by libdeflate, written atomically.
    private static func writeDeflated<S, T: NIfTIStorable>(
        _ volume: Volume<S>, as: T.Type, converting convert: (S) -> T, header: ArraySlice<UInt8>, gzip: GzipWriting,
        to path: String, syncingDirectory: Bool
    ) throws(ScanError) {
        let count = volume.voxels.count
        let dataBytes = count * MemoryLayout<T>.stride
        var compressed: [UInt8]?
        if case .libdeflate(let level) = gzip {
            let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: header.count + dataBytes, alignment: 16)
            defer { whole.deallocate() }
            header.withUnsafeBytes { whole.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
            let data = (whole.baseAddress! + header.count).bindMemory(to: T.self, capacity: count)
            volume.voxels.withUnsafeBufferPointer { source in
                for n in 0..<count { data[n] = convert(source[n]) }
            }
            compressed = GzipFile.compress(UnsafeRawBufferPointer(whole), level: level)
        } else {
            var encoder = RunDeflate(voxelBytes: MemoryLayout<T>.stride, expectedBytes: header.count + dataBytes)
            header.withUnsafeBytes { encoder.encode($0) }
            // 64 KiB at a time: a slice stays in cache between converting and encoding it.
            let slice = max(1, (64 << 10) / MemoryLayout<T>.stride)
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: slice)
            defer { buffer.deallocate() }
            volume.voxels.withUnsafeBufferPointer { source in
                var start = 0
                while start < count {
                    let end = min(count, start + slice)
                    for n in start..<end { buffer[n - start] = convert(source[n]) }
                    encoder.encode(
                        UnsafeRawBufferPointer(
                            rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<((end - start) * MemoryLayout<T>.stride)]))
                    start = end
                }
            }
            compressed = encoder.finish()
        }
        guard let compressed else {
            throw ScanError(path, "libdeflate could not compress the output", kind: .internal)
        }
        try AtomicFile.write(compressed, to: path, syncingDirectory: syncingDirectory)
    }
}
