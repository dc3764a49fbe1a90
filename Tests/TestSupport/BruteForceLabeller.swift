import LesionKernels

/// Labels connected components by repeated relaxation: every foreground voxel starts with its own
/// number and takes the smallest number among its neighbours until nothing changes.
///
/// Deliberately a different algorithm from `ReferenceLabeller` (no queue, no flood fill), and
/// slow (O(N·c·diameter)): it checks the reference on small volumes. Renumbered 1…N in the order
/// of each component's first voxel in storage order.
public enum BruteForceLabeller {
    public static func label(_ mask: Volume<Bool>, connectivity: Connectivity) -> [Int32] {
        let size = mask.size
        var ids = (0..<size.voxelCount).map { mask.voxels[$0] ? $0 + 1 : 0 }
        let neighbours = connectivity.neighbourOffsets
        var changed = true
        while changed {
            changed = false
            for k in 0..<size.nz {
                for j in 0..<size.ny {
                    for i in 0..<size.nx {
                        let here = size.offset(i, j, k)
                        guard ids[here] != 0 else { continue }
                        for (di, dj, dk) in neighbours where size.contains(i + di, j + dj, k + dk) {
                            let there = ids[size.offset(i + di, j + dj, k + dk)]
                            if there != 0 && there < ids[here] {
                                ids[here] = there
                                changed = true
                            }
                        }
                    }
                }
            }
        }
        var renumber: [Int: Int32] = [:]
        return ids.map { id in
            guard id != 0 else { return 0 }
            if let label = renumber[id] { return label }
            let label = Int32(renumber.count + 1)
            renumber[id] = label
            return label
        }
    }
}
