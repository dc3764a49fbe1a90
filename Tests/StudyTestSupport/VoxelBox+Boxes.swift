import LesionKernels

extension VoxelBox {
    /// The box with inclusive ranges along i, j and k.
    public init(_ i: ClosedRange<Int>, _ j: ClosedRange<Int>, _ k: ClosedRange<Int>) {
        self.init(
            lower: VoxelIndex(i.lowerBound, j.lowerBound, k.lowerBound),
            upper: VoxelIndex(i.upperBound, j.upperBound, k.upperBound))
    }

    /// Every voxel of the box, k slowest.
    public var voxels: [VoxelIndex] {
        var result: [VoxelIndex] = []
        for k in lower.k...upper.k { for j in lower.j...upper.j { for i in lower.i...upper.i { result.append(VoxelIndex(i, j, k)) } } }
        return result
    }

    public var voxelCount: Int { (upper.i - lower.i + 1) * (upper.j - lower.j + 1) * (upper.k - lower.k + 1) }

    /// The box moved by whole voxels.
    public func shifted(_ di: Int, _ dj: Int, _ dk: Int) -> VoxelBox {
        VoxelBox(
            lower: VoxelIndex(lower.i + di, lower.j + dj, lower.k + dk),
            upper: VoxelIndex(upper.i + di, upper.j + dj, upper.k + dk))
    }

    /// The same world region on a grid `factor` times finer whose voxels split each voxel evenly.
    public func refined(_ factor: Int) -> VoxelBox {
        VoxelBox(
            lower: VoxelIndex(lower.i * factor, lower.j * factor, lower.k * factor),
            upper: VoxelIndex(upper.i * factor + factor - 1, upper.j * factor + factor - 1, upper.k * factor + factor - 1))
    }
}
