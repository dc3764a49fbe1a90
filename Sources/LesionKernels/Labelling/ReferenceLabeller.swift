/// Labels the connected components of a binary mask by breadth-first flood fill.
///
/// The reference labeller: simple enough to be checked by reading, and the oracle every faster
/// labeller must match voxel for voxel. Labels are 1…N in the order of each component's first
/// voxel in storage order (i fastest); 0 is background. Time O(N·c) for N voxels and
/// c neighbours, memory one `Int32` per voxel plus the queue.
///
/// The partition equals `scipy.ndimage.label(mask, structure)` with
/// `generate_binary_structure(3, 1 | 2 | 3)` for 6, 18 and 26-connectivity, and
/// `cc3d.connected_components(mask, connectivity=…)`; only the label numbering differs.
public enum ReferenceLabeller {
    public static func label(_ mask: Volume<Bool>, connectivity: Connectivity) -> LabelMap {
        let size = mask.size
        var labels = [Int32](repeating: 0, count: size.voxelCount)
        let neighbours = connectivity.neighbourOffsets
        var queue: [Int] = []
        var next: Int32 = 0
        for seed in 0..<size.voxelCount where mask.voxels[seed] && labels[seed] == 0 {
            next += 1
            labels[seed] = next
            queue.removeAll(keepingCapacity: true)
            queue.append(seed)
            var head = 0
            while head < queue.count {
                let v = size.index(ofOffset: queue[head])
                head += 1
                for (di, dj, dk) in neighbours {
                    let i = v.i + di, j = v.j + dj, k = v.k + dk
                    guard size.contains(i, j, k) else { continue }
                    let n = size.offset(i, j, k)
                    if mask.voxels[n] && labels[n] == 0 {
                        labels[n] = next
                        queue.append(n)
                    }
                }
            }
        }
        return LabelMap(labels: Volume(size: size, voxels: labels), count: Int(next))
    }
}
