/// Dilation and erosion of a mask by a box: `radius` voxels along each axis (a box of
/// `2r + 1` voxels per axis), in three separable passes of a running maximum. Voxels outside the
/// grid are outside the mask. Radii in voxels come from millimetres with `radius(mm:spacingMM:)`.
public enum MaskMorphology {
    /// Voxels per axis within `mm`: `mm / spacing`, rounded down, never negative.
    public static func radius(mm: Double, spacingMM: [Double]) -> [Int] {
        spacingMM.map { max(0, Int((mm / $0 + 1e-9).rounded(.down))) }
    }

    /// Voxels within the box of a mask voxel.
    public static func dilate(_ mask: Volume<Bool>, radius: [Int]) -> Volume<Bool> {
        var voxels = mask.voxels
        let size = mask.size
        let n = [size.nx, size.ny, size.nz]
        let strides = [1, size.nx, size.nx * size.ny]
        for axis in 0..<3 where radius[axis] > 0 {
            let r = radius[axis], length = n[axis], step = strides[axis]
            var out = voxels
            for start in 0..<voxels.count where (start / step) % length == 0 {
                // The distance back to the last mask voxel seen, forwards then backwards.
                var last = Int.min / 2
                for p in 0..<length {
                    if voxels[start + p * step] { last = p }
                    if p - last <= r { out[start + p * step] = true }
                }
                last = Int.max / 2
                for p in stride(from: length - 1, through: 0, by: -1) {
                    if voxels[start + p * step] { last = p }
                    if last - p <= r { out[start + p * step] = true }
                }
            }
            voxels = out
        }
        return Volume(size: size, voxels: voxels)
    }

    /// Voxels whose whole box lies in the mask (inside the grid).
    public static func erode(_ mask: Volume<Bool>, radius: [Int]) -> Volume<Bool> {
        dilate(mask.map { !$0 }, radius: radius).map { !$0 }
    }
}
