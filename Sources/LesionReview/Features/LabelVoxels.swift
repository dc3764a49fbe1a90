import LesionKernels

/// The voxels of each label of a label map, as storage offsets grouped by label.
///
/// Built in two passes over the map (a counting sort), time O(N) and one `Int` per lesion voxel.
/// Within a label, offsets ascend (storage order).
public struct LabelVoxels: Sendable {
    public let map: LabelMap
    /// `offsets[start[label] ..< start[label + 1]]` are the voxels of `label` (1…count).
    private let start: [Int]
    private let offsets: [Int]

    public init(_ map: LabelMap) {
        self.map = map
        var start = [Int](repeating: 0, count: map.count + 2)
        for label in map.labels.voxels where label != 0 { start[Int(label) + 1] += 1 }
        for n in stride(from: 1, through: map.count + 1, by: 1) { start[n] += start[n - 1] }
        var next = start
        var offsets = [Int](repeating: 0, count: start[map.count + 1])
        for (offset, label) in map.labels.voxels.enumerated() where label != 0 {
            offsets[next[Int(label)]] = offset
            next[Int(label)] += 1
        }
        self.start = start
        self.offsets = offsets
    }

    /// The storage offsets of one label's voxels, ascending.
    public func voxels(of label: Int) -> ArraySlice<Int> {
        precondition(label >= 1 && label <= map.count, "label \(label) is not in 1…\(map.count)")
        return offsets[start[label]..<start[label + 1]]
    }
}
