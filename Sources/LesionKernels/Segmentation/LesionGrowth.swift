/// Lesion growth in the manner of the Lesion Segmentation Toolbox's lesion growth algorithm
/// (Schmidt et al., NeuroImage 59:3774–3783, 2012): lesions start at seeds, voxels far above
/// normal white matter, and grow into their neighbours that are still clearly above it.
///
/// A voxel is a seed when it lies in `seedRegion` and `growRegion` and its value is at least
/// `seedThreshold`; the result is every voxel of `growRegion` with a value at least
/// `growThreshold` joined to a seed through such voxels (`connectivity`). NaN is never
/// foreground. A breadth-first flood from the seeds, each voxel visited once.
public enum LesionGrowth {
    public static func grow(
        _ values: Volume<Float>, seedThreshold: Float, growThreshold: Float, seedRegion: Volume<Bool>,
        growRegion: Volume<Bool>, connectivity: Connectivity
    ) -> Volume<Bool> {
        let size = values.size
        precondition(seedRegion.size == size && growRegion.size == size)
        var inside = [Bool](repeating: false, count: size.voxelCount)
        var queue: [Int] = []
        for n in 0..<size.voxelCount
        where seedRegion.voxels[n] && growRegion.voxels[n] && values.voxels[n] >= seedThreshold
            && values.voxels[n] >= growThreshold
        {
            inside[n] = true
            queue.append(n)
        }
        let offsets = connectivity.neighbourOffsets
        var head = 0
        while head < queue.count {
            let n = queue[head]
            head += 1
            let i = n % size.nx, j = (n / size.nx) % size.ny, k = n / (size.nx * size.ny)
            for (di, dj, dk) in offsets {
                let (a, b, c) = (i + di, j + dj, k + dk)
                guard a >= 0, a < size.nx, b >= 0, b < size.ny, c >= 0, c < size.nz else { continue }
                let m = size.offset(a, b, c)
                if !inside[m] && growRegion.voxels[m] && values.voxels[m] >= growThreshold {
                    inside[m] = true
                    queue.append(m)
                }
            }
        }
        return Volume(size: size, voxels: inside)
    }
}

extension LesionGrowth {
    /// Each 26-connected region of `mask` trimmed to its half-maximum edge, in general to the
    /// voxels at least `base + fraction · (peak − base)`, `peak` the region's largest value: a
    /// lesion's extent then depends little on its contrast or on partial volume. `fraction` 0
    /// keeps every voxel.
    public static func trimmed(_ mask: Volume<Bool>, values: Volume<Float>, base: Float, fraction: Float) -> Volume<Bool> {
        guard fraction > 0 else { return mask }
        let size = mask.size
        var seen = [Bool](repeating: false, count: size.voxelCount)
        var out = Volume(size: size, repeating: false)
        let offsets = Connectivity.twentySix.neighbourOffsets
        for start in 0..<size.voxelCount where mask.voxels[start] && !seen[start] {
            var region = [start]
            seen[start] = true
            var head = 0
            var peak = -Float.infinity
            while head < region.count {
                let n = region[head]
                head += 1
                if values.voxels[n] > peak { peak = values.voxels[n] }
                let i = n % size.nx, j = (n / size.nx) % size.ny, k = n / (size.nx * size.ny)
                for (di, dj, dk) in offsets where size.contains(i + di, j + dj, k + dk) {
                    let m = size.offset(i + di, j + dj, k + dk)
                    if mask.voxels[m] && !seen[m] {
                        seen[m] = true
                        region.append(m)
                    }
                }
            }
            let edge = base + fraction * (peak - base)
            for n in region where values.voxels[n] >= edge { out.voxels[n] = true }
        }
        return out
    }
}
