/// Dilation and erosion of a mask by a box: `radius` voxels along each axis (a box of
/// `2r + 1` voxels per axis), in three separable passes. Voxels outside the grid are outside the
/// mask. Radii in voxels come from millimetres with `radius(mm:spacingMM:)`.
///
/// Each pass combines the mask with itself shifted by 1…r voxels either way along one axis
/// (OR for a dilation, AND for an erosion), whole rows or slabs at a time over the bytes of the
/// mask, so the inner loops run over contiguous memory; the cost is `2r` sweeps per axis.
public enum MaskMorphology {
    /// Voxels per axis within `mm`: `mm / spacing`, rounded down, never negative.
    public static func radius(mm: Double, spacingMM: [Double]) -> [Int] {
        spacingMM.map { max(0, Int((mm / $0 + 1e-9).rounded(.down))) }
    }

    /// Voxels within the box of a mask voxel.
    public static func dilate(_ mask: Volume<Bool>, radius: [Int]) -> Volume<Bool> {
        Volume(size: mask.size, voxels: boxed(mask.voxels, size: mask.size, radius: radius, erode: false))
    }

    /// Voxels whose whole box lies in the mask (inside the grid): the complement of the
    /// dilation of the complement.
    public static func erode(_ mask: Volume<Bool>, radius: [Int]) -> Volume<Bool> {
        Volume(size: mask.size, voxels: boxed(mask.voxels, size: mask.size, radius: radius, erode: true))
    }

    /// The separable passes: along each axis, every voxel combined with its neighbours within
    /// the radius on that axis (neighbours off the grid left out).
    static func boxed(_ input: [Bool], size: GridSize, radius: [Int], erode: Bool) -> [Bool] {
        precondition(radius.count == 3)
        var voxels = input
        let n = [size.nx, size.ny, size.nz]
        let strides = [1, size.nx, size.nx * size.ny]
        var source = [Bool]()
        for axis in 0..<3 where radius[axis] > 0 && n[axis] > 1 {
            let r = min(radius[axis], n[axis] - 1), length = n[axis], step = strides[axis]
            source = voxels
            source.withUnsafeBytes { s in
                voxels.withUnsafeMutableBytes { o in
                    let src = s.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let out = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let block = step * length
                    for base in stride(from: 0, to: o.count, by: block) {
                        for d in 1...r {
                            if axis == 0 {
                                // Along a row: shifted copies of the row itself.
                                combine(out + base + d, src + base, count: length - d, erode: erode)
                                combine(out + base, src + base + d, count: length - d, erode: erode)
                            } else {
                                // Whole rows (axis 1) or slices (axis 2) at a time.
                                combine(out + base + d * step, src + base, count: (length - d) * step, erode: erode)
                                combine(out + base, src + base + d * step, count: (length - d) * step, erode: erode)
                            }
                        }
                    }
                }
            }
        }
        return voxels
    }

    /// `out[x] = out[x] | src[x]` (dilation) or `&` (erosion), over bytes that are 0 or 1.
    @inline(__always)
    private static func combine(_ out: UnsafeMutablePointer<UInt8>, _ src: UnsafePointer<UInt8>, count: Int, erode: Bool) {
        guard count > 0 else { return }
        if erode {
            for x in 0..<count { out[x] &= src[x] }
        } else {
            for x in 0..<count { out[x] |= src[x] }
        }
    }
}
