/// A checked reservation before a large voxel buffer is allocated.
///
/// Swift arrays abort the process (SIGABRT) when their allocation fails, which turned a volume
/// at the 4 GiB cap on a machine short of memory into a crash of the whole batch. Before such an
/// allocation the reader asks `malloc` for the same size and frees it at once: a refusal becomes
/// an error naming the file, and the run goes on with the next one.
public enum VoxelMemory {
    /// Allocations below this are not checked (64 MiB).
    public static let checkedFromBytes = 64 << 20

    public static func reserve(_ bytes: Int, path: String) throws(ScanError) {
        guard bytes >= checkedFromBytes else { return }
        guard let block = malloc(bytes) else {
            throw ScanError(
                path,
                "cannot allocate \(byteText(bytes)) for the voxels: not enough memory (fewer --jobs or a lower --max-scan-mb)")
        }
        free(block)
    }
}
