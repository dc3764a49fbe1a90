import LesionKernels

/// Masks painted from axis-aligned boxes of voxels, for lesions built in test code.
public enum BoxMask {
    /// A box of voxels, inclusive ranges in storage order (i, j, k).
    public struct Box: Sendable {
        public let i: ClosedRange<Int>
        public let j: ClosedRange<Int>
        public let k: ClosedRange<Int>

        public init(_ i: ClosedRange<Int>, _ j: ClosedRange<Int>, _ k: ClosedRange<Int>) {
            self.i = i
            self.j = j
            self.k = k
        }

        public var voxelCount: Int { i.count * j.count * k.count }
    }

    /// The union of `boxes` on a grid of `size`; boxes must lie inside it.
    public static func mask(_ size: GridSize, _ boxes: [Box]) -> Volume<Bool> {
        var mask = Volume(size: size, repeating: false)
        for box in boxes {
            for k in box.k { for j in box.j { for i in box.i { mask[i, j, k] = true } } }
        }
        return mask
    }
}
