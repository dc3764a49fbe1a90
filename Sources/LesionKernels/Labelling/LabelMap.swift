/// A labelled volume: 0 is background, lesions are numbered 1…`count` with no gaps.
public struct LabelMap: Sendable {
    public let labels: Volume<Int32>
    public let count: Int

    public init(labels: Volume<Int32>, count: Int) {
        self.labels = labels
        self.count = count
    }

    public var size: GridSize { labels.size }

    /// Voxels per label, indexed by label (index 0 counts the background).
    public func voxelCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: count + 1)
        for label in labels.voxels { counts[Int(label)] += 1 }
        return counts
    }
}
