import LesionKernels

/// Where a T2 lesion's enhancing voxels lie: in its rim or in its core.
///
/// A lesion voxel is in the **rim** when a voxel outside the lesion (background, another lesion,
/// or beyond the grid's edge) has its centre within `rimThicknessMM`; the other voxels are the
/// **core**. An enhancing voxel is a lesion voxel inside a Gd+ lesion. PML-IRIS shows patchy or
/// punctate enhancement at the border of the PML lesion in ~90 % of cases (Wattjes et al., JNNP
/// 2016; Tan et al., Neurology 2011), where MS lesions enhance nodularly or as a ring.
public struct RimCoreCounts: Sendable, Equatable {
    public let rimVoxels: Int
    public let coreVoxels: Int
    public let enhancingRimVoxels: Int
    public let enhancingCoreVoxels: Int

    public init(rimVoxels: Int, coreVoxels: Int, enhancingRimVoxels: Int, enhancingCoreVoxels: Int) {
        self.rimVoxels = rimVoxels
        self.coreVoxels = coreVoxels
        self.enhancingRimVoxels = enhancingRimVoxels
        self.enhancingCoreVoxels = enhancingCoreVoxels
    }

    public var enhancingVoxels: Int { enhancingRimVoxels + enhancingCoreVoxels }

    /// Enhancing rim voxels / enhancing voxels; nil when nothing enhances.
    public var enhancingRimShare: Double? {
        enhancingVoxels == 0 ? nil : Double(enhancingRimVoxels) / Double(enhancingVoxels)
    }

    /// The counts of every label (index label − 1); `enhancing` is the visit's Gd+ label map (any
    /// nonzero label enhances). Lesions without an enhancing voxel are counted without the rim
    /// test (all their voxels as core): their share is nil either way.
    /// Time O(voxels of enhancing lesions × ball offsets).
    public static func measure(voxels: LabelVoxels, enhancing: LabelMap, ball: BallOffsets) -> [RimCoreCounts] {
        precondition(enhancing.size == voxels.map.size, "the Gd map must be on the lesions' grid")
        let size = enhancing.size
        let labels = voxels.map.labels.voxels, gd = enhancing.labels.voxels
        return stride(from: 1, through: voxels.map.count, by: 1).map { label in
            let own = voxels.voxels(of: label)
            guard own.contains(where: { gd[$0] != 0 }) else {
                return RimCoreCounts(rimVoxels: 0, coreVoxels: own.count, enhancingRimVoxels: 0, enhancingCoreVoxels: 0)
            }
            var rim = 0, enhancingRim = 0, enhancingCore = 0
            for centre in own {
                let inRim =
                    ball.leavesGrid(around: centre, in: size)
                    || !ball.walk(around: centre, in: size) { neighbour, _, _ in Int(labels[neighbour]) == label }
                if inRim { rim += 1 }
                if gd[centre] != 0 {
                    if inRim { enhancingRim += 1 } else { enhancingCore += 1 }
                }
            }
            return RimCoreCounts(
                rimVoxels: rim, coreVoxels: own.count - rim, enhancingRimVoxels: enhancingRim,
                enhancingCoreVoxels: enhancingCore)
        }
    }
}
