/// A labelled volume: 0 is background, lesions are numbered 1…`count` with no gaps.
public struct LabelMap: Sendable {
    public let labels: Volume<Int32>
    public let count: Int

    public init(labels: Volume<Int32>, count: Int) {
        self.labels = labels
        self.count = count
    }

    public var size: GridSize { labels.size }

    /// The map with only the labels in `kept` (ascending), renumbered 1…kept.count in that order.
    public func keeping(_ kept: [Int]) -> LabelMap {
        if kept.count == count { return self }
        var remap = [Int32](repeating: 0, count: count + 1)
        for (newLabel, old) in kept.enumerated() { remap[old] = Int32(newLabel + 1) }
        return LabelMap(labels: labels.map { remap[Int($0)] }, count: kept.count)
    }

    /// Voxels per label, indexed by label (index 0 counts the background).
    public func voxelCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: count + 1)
        for label in labels.voxels { counts[Int(label)] += 1 }
        return counts
    }
}
