/// A labelled volume stored as runs: maximal stretches of foreground along i, each with a label.
///
/// Row `r = j + ny·k` owns runs `rowBegin[r] ..< rowBegin[r + 1]`, ascending in i and disjoint;
/// run `n` covers `starts[n]...ends[n]` (inclusive) and carries `labels[n]` (0: dropped by a size
/// floor). Memory: 12 bytes per run and 8 per row, instead of 4 bytes per voxel for a dense map.
public struct LabelRuns: Sendable {
    public let size: GridSize
    public var rowBegin: [Int]
    public var starts: [Int32]
    public var ends: [Int32]
    public var labels: [Int32]

    public init(size: GridSize, rowBegin: [Int], starts: [Int32], ends: [Int32], labels: [Int32]) {
        precondition(rowBegin.count == size.ny * size.nz + 1, "one row offset per row, plus the end")
        precondition(starts.count == ends.count && ends.count == labels.count, "run arrays differ in length")
        self.size = size
        self.rowBegin = rowBegin
        self.starts = starts
        self.ends = ends
        self.labels = labels
    }

    public var runCount: Int { starts.count }

    /// The runs of a dense label map (every nonzero stretch of equal labels along i).
    public init(_ map: LabelMap) {
        let size = map.size
        var rowBegin = [0]
        rowBegin.reserveCapacity(size.ny * size.nz + 1)
        var starts: [Int32] = [], ends: [Int32] = [], labels: [Int32] = []
        map.labels.voxels.withUnsafeBufferPointer { voxels in
            for row in 0..<(size.ny * size.nz) {
                let base = row * size.nx
                var i = 0
                while i < size.nx {
                    let label = voxels[base + i]
                    if label == 0 { i += 1; continue }
                    var end = i
                    while end + 1 < size.nx && voxels[base + end + 1] == label { end += 1 }
                    starts.append(Int32(i))
                    ends.append(Int32(end))
                    labels.append(label)
                    i = end + 1
                }
                rowBegin.append(starts.count)
            }
        }
        self.init(size: size, rowBegin: rowBegin, starts: starts, ends: ends, labels: labels)
    }

    /// Paints the runs into a dense map: O(voxels) memory and time.
    public func labelMap(count: Int) -> LabelMap {
        var voxels = [Int32](repeating: 0, count: size.voxelCount)
        voxels.withUnsafeMutableBufferPointer { out in
            for row in 0..<(size.ny * size.nz) {
                let base = row * size.nx
                for n in rowBegin[row]..<rowBegin[row + 1] where labels[n] != 0 {
                    for i in Int(starts[n])...Int(ends[n]) { out[base + i] = labels[n] }
                }
            }
        }
        return LabelMap(labels: Volume(size: size, voxels: voxels), count: count)
    }

    /// Bytes held by the run arrays.
    public var memoryBytes: Int { rowBegin.capacity * 8 + (starts.capacity + ends.capacity + labels.capacity) * 4 }
}
