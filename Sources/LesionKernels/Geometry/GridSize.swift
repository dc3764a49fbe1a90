/// The shape of a 3D voxel grid in NIfTI storage order: `i` varies fastest, then `j`, then `k`.
///
/// Invariants: every extent is ≥ 0; `offset(i, j, k) == i + nx * (j + ny * k)`.
public struct GridSize: Hashable, Sendable, CustomStringConvertible {
    public let nx: Int
    public let ny: Int
    public let nz: Int

    public init(_ nx: Int, _ ny: Int, _ nz: Int) {
        precondition(nx >= 0 && ny >= 0 && nz >= 0, "grid extents must be non-negative")
        self.nx = nx
        self.ny = ny
        self.nz = nz
    }

    public var voxelCount: Int { nx * ny * nz }

    @inlinable
    public func offset(_ i: Int, _ j: Int, _ k: Int) -> Int { i + nx * (j + ny * k) }

    @inlinable
    public func offset(_ v: VoxelIndex) -> Int { offset(v.i, v.j, v.k) }

    @inlinable
    public func index(ofOffset offset: Int) -> VoxelIndex {
        let i = offset % nx
        let rest = offset / nx
        return VoxelIndex(i, rest % ny, rest / ny)
    }

    @inlinable
    public func contains(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz
    }

    public var description: String { "\(nx)×\(ny)×\(nz)" }
}

/// An integer voxel position (i, j, k) in storage order. Never a world coordinate.
public struct VoxelIndex: Hashable, Sendable {
    public var i: Int
    public var j: Int
    public var k: Int

    public init(_ i: Int, _ j: Int, _ k: Int) {
        self.i = i
        self.j = j
        self.k = k
    }
}

/// A fractional voxel position, such as a centroid, in voxel units.
public struct VoxelCoordinate: Hashable, Sendable {
    public var i: Double
    public var j: Double
    public var k: Double

    public init(_ i: Double, _ j: Double, _ k: Double) {
        self.i = i
        self.j = j
        self.k = k
    }
}

/// An inclusive box of voxels: `lower` and `upper` are both inside it.
public struct VoxelBox: Hashable, Sendable {
    public var lower: VoxelIndex
    public var upper: VoxelIndex

    public init(lower: VoxelIndex, upper: VoxelIndex) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ v: VoxelIndex) -> Bool {
        v.i >= lower.i && v.j >= lower.j && v.k >= lower.k
            && v.i <= upper.i && v.j <= upper.j && v.k <= upper.k
    }

    /// `[i0, j0, k0, i1, j1, k1]`, the order LesionTrack's tables use.
    public var flattened: [Int] { [lower.i, lower.j, lower.k, upper.i, upper.j, upper.k] }
}
