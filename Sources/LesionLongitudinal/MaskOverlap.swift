import LesionKernels

/// Voxel-wise agreement of two masks on one grid: their sizes, their intersection and Dice.
///
/// Dice = 2 |A ∩ B| / (|A| + |B|), nil when both masks are empty. Equivalent to
/// `2 * (a & b).sum() / (a.sum() + b.sum())` in numpy.
public struct MaskOverlap: Sendable, Equatable {
    public let firstVoxels: Int
    public let secondVoxels: Int
    public let sharedVoxels: Int

    public init(_ first: Volume<Bool>, _ second: Volume<Bool>) {
        precondition(first.size == second.size, "overlap needs two masks on one grid")
        var a = 0, b = 0, both = 0
        for n in first.voxels.indices {
            let x = first.voxels[n], y = second.voxels[n]
            if x { a += 1 }
            if y { b += 1 }
            if x && y { both += 1 }
        }
        self.firstVoxels = a
        self.secondVoxels = b
        self.sharedVoxels = both
    }

    public var dice: Double? {
        let total = firstVoxels + secondVoxels
        return total == 0 ? nil : 2 * Double(sharedVoxels) / Double(total)
    }
}
