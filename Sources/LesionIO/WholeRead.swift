import LesionKernels

/// One volume of a gzip NIfTI file inflated by libdeflate in one buffer.
///
/// A single-volume file is inflated straight into the storage of the volume's array (sized for the
/// header too), whose voxel bytes are then moved down over the header: one allocation of the
/// volume's size and one pass over it besides inflating. A 4D file is inflated into a scratch
/// buffer and the wanted volume copied out. Byte swapping follows, as libnifti would do it. The
/// buffer inflated into is advised to the kernel for huge pages (`adviseHugePages`): its first
/// touch is otherwise thousands of page faults.
struct WholeRead: VoxelReading {
    let file: GzipFile
    let facts: NIfTIHeaderFacts
    let volume: Int
    /// The uncompressed bytes the header implies: vox_offset plus every volume.
    let total: Int
    /// When the read began (`monotonicSeconds`), for the decompression time.
    let start: Double
    /// Threads that may inflate the file (`GzipFile.inflate`).
    let threads: Int

    /// The header bytes (up to 540, or vox_offset if smaller), after a successful read.
    private(set) var headerBytes: [UInt8] = []
    /// Seconds from `start` until the data was inflated.
    private(set) var decompressionSeconds = 0.0
    /// Why libdeflate did not read the file, when `read` gave nil.
    private(set) var failure: String?

    mutating func read<T: NIfTIStorable>(_ type: T.Type) throws(ScanError) -> Volume<T>? {
        precondition(T.datatype == facts.datatype)
        let count = facts.grid.voxelCount
        let stride = MemoryLayout<T>.stride
        let headerCount = min(facts.voxOffset, 540)
        let offset = facts.voxOffset + volume * facts.volumeBytes
        var failure: String?
        var header: [UInt8] = []
        var inflated = 0.0
        let voxels: [T]
        if facts.volumeCount == 1 {
            let headroom = (facts.voxOffset + stride - 1) / stride
            try VoxelMemory.reserve((count + headroom) * stride, path: file.path)
            voxels = [T](unsafeUninitializedCapacity: count + headroom) { buffer, initialized in
                initialized = 0
                let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
                adviseHugePages(raw, byteCount: buffer.count * stride)
                failure = file.inflate(into: raw, count: total, threads: threads)
                inflated = monotonicSeconds()
                guard failure == nil else { return }
                header = Array(UnsafeRawBufferPointer(start: raw, count: headerCount))
                memmove(raw, raw + offset, facts.volumeBytes)
                if facts.byteSwapped {
                    for n in 0..<count { buffer[n] = buffer[n].byteSwappedValue }
                }
                initialized = count
            }
        } else {
            try VoxelMemory.reserve(total + facts.volumeBytes, path: file.path)
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 16)
            defer { scratch.deallocate() }
            adviseHugePages(scratch.baseAddress!, byteCount: total)
            failure = file.inflate(into: scratch.baseAddress!, count: total, threads: threads)
            inflated = monotonicSeconds()
            if failure == nil {
                header = Array(UnsafeRawBufferPointer(rebasing: scratch[0..<headerCount]))
                voxels = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                        from: scratch.baseAddress! + offset, byteCount: facts.volumeBytes)
                    if facts.byteSwapped {
                        for n in 0..<count { buffer[n] = buffer[n].byteSwappedValue }
                    }
                    initialized = count
                }
            } else {
                voxels = []
            }
        }
        decompressionSeconds = inflated - start
        self.failure = failure
        guard failure == nil else { return nil }
        headerBytes = header
        return Volume(size: facts.grid, voxels: voxels)
    }
}
