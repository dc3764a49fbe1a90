/// A dense 3D array of voxels in NIfTI storage order (`i` fastest).
///
/// Invariant: `voxels.count == size.voxelCount`.
public struct Volume<Element: Sendable>: Sendable {
    public let size: GridSize
    public var voxels: [Element]

    public init(size: GridSize, voxels: [Element]) {
        precondition(voxels.count == size.voxelCount, "voxel count \(voxels.count) does not fit \(size)")
        self.size = size
        self.voxels = voxels
    }

    public init(size: GridSize, repeating value: Element) {
        self.size = size
        self.voxels = Array(repeating: value, count: size.voxelCount)
    }

    @inlinable
    public subscript(i: Int, j: Int, k: Int) -> Element {
        get { voxels[size.offset(i, j, k)] }
        set { voxels[size.offset(i, j, k)] = newValue }
    }

    /// A volume of the same size with `transform` applied to every voxel. Inlinable, so it is
    /// specialized where it is called (unspecialized, every voxel goes through the generic
    /// value witnesses).
    @inlinable
    public func map<T: Sendable>(_ transform: (Element) throws -> T) rethrows -> Volume<T> {
        Volume<T>(size: size, voxels: try voxels.map(transform))
    }
}
