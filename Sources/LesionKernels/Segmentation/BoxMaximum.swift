/// The largest value in each voxel's box: `radius` voxels along each axis (a box of `2r + 1`
/// voxels per axis), neighbours off the grid left out, in three separable passes like
/// `MaskMorphology`'s (the maximum over a box is the maximum over each axis in turn).
///
/// NaN is unknown: it never wins against a known value, and a voxel that is NaN itself stays NaN
/// (what is unknown there is not made known by its neighbours).
public enum BoxMaximum {
    public static func of(_ volume: Volume<Float>, radius: [Int]) -> Volume<Float> {
        precondition(radius.count == 3)
        let size = volume.size
        var voxels = volume.voxels
        let n = [size.nx, size.ny, size.nz]
        let strides = [1, size.nx, size.nx * size.ny]
        var source = [Float]()
        for axis in 0..<3 where radius[axis] > 0 && n[axis] > 1 {
            let r = min(radius[axis], n[axis] - 1), length = n[axis], step = strides[axis]
            source = voxels
            source.withUnsafeBufferPointer { s in
                voxels.withUnsafeMutableBufferPointer { o in
                    let src = s.baseAddress!, out = o.baseAddress!
                    let block = step * length
                    for base in stride(from: 0, to: o.count, by: block) {
                        for d in 1...r {
                            // Along a row (axis 0), whole rows (axis 1) or slices (axis 2) at a time.
                            let count = (length - d) * step
                            combine(out + base + d * step, src + base, count: count)
                            combine(out + base, src + base + d * step, count: count)
                        }
                    }
                }
            }
        }
        for i in voxels.indices where volume.voxels[i].isNaN { voxels[i] = .nan }
        return Volume(size: size, voxels: voxels)
    }

    /// `out[x] = max(out[x], src[x])`, a NaN on either side losing to a known value.
    @inline(__always)
    private static func combine(_ out: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int) {
        guard count > 0 else { return }
        for x in 0..<count where src[x] > out[x] || out[x].isNaN { out[x] = src[x] }
    }
}
