/// A binary volume packed 64 voxels to a word, each row starting on a word boundary.
///
/// Bit `i % 64` of word `row * wordsPerRow + i / 64` is voxel (i, j, k) of row `j + ny·k`.
/// Memory: `ceil(nx / 64) · 8` bytes per row, about 1/8 byte per voxel.
public struct BitMask: Sendable, Equatable {
    public let size: GridSize
    public let wordsPerRow: Int
    public var words: [UInt64]

    public init(size: GridSize) {
        self.size = size
        self.wordsPerRow = (size.nx + 63) / 64
        self.words = [UInt64](repeating: 0, count: wordsPerRow * size.ny * size.nz)
    }

    public subscript(i: Int, j: Int, k: Int) -> Bool {
        get { words[(j + size.ny * k) * wordsPerRow + i >> 6] >> UInt64(i & 63) & 1 == 1 }
        set {
            let w = (j + size.ny * k) * wordsPerRow + i >> 6
            if newValue { words[w] |= 1 << UInt64(i & 63) } else { words[w] &= ~(1 << UInt64(i & 63)) }
        }
    }

    public var population: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The mask as one `Bool` per voxel, for references and tests.
    public var volume: Volume<Bool> {
        var out = Volume(size: size, repeating: false)
        for k in 0..<size.nz { for j in 0..<size.ny { for i in 0..<size.nx where self[i, j, k] { out[i, j, k] = true } } }
        return out
    }

    public init(_ volume: Volume<Bool>) {
        self.init(size: volume.size)
        for k in 0..<size.nz { for j in 0..<size.ny { for i in 0..<size.nx where volume[i, j, k] { self[i, j, k] = true } } }
    }
}
