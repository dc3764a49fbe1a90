import LesionKernels

/// Which lesions come within a distance of a mask (grey matter, the ventricles).
///
/// A lesion is in contact when the centre of one of its voxels lies within `ball.radiusMM` of the
/// centre of a mask voxel (a lesion overlapping the mask is in contact). With the default 2 mm on a
/// 1 mm grid this is "touching", diagonal neighbours included (1.73 mm): the juxtacortical and
/// periventricular positions of MAGNIMS, lesions abutting the cortex or the ventricles with no
/// white matter between. Time O(lesion voxels × ball offsets), stopping at the first contact.
public enum MaskContact {
    /// One flag per label (index label − 1).
    public static func lesionsTouching(_ mask: BitMask, voxels: LabelVoxels, ball: BallOffsets) -> [Bool] {
        precondition(mask.size == voxels.map.size, "the mask must be on the lesions' grid")
        let size = mask.size
        return stride(from: 1, through: voxels.map.count, by: 1).map { label in
            voxels.voxels(of: label).contains { centre in
                !ball.walk(around: centre, in: size) { _, v, _ in !mask[v.i, v.j, v.k] }
            }
        }
    }
}
