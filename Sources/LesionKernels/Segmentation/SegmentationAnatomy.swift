/// The anatomy a raw-image segmentation is confined by, on the image's grid: the brain, white
/// matter, cortical ribbon and ventricles (from the template kit or a session's own maps), and
/// the voxel spacing that turns millimetres into voxels.
public struct SegmentationAnatomy: Sendable {
    public let brain: Volume<Bool>
    public let whiteMatter: Volume<Bool>
    public let cortex: Volume<Bool>
    public let ventricles: Volume<Bool>
    public let spacingMM: [Double]

    public init(brain: Volume<Bool>, whiteMatter: Volume<Bool>, cortex: Volume<Bool>, ventricles: Volume<Bool>, spacingMM: [Double]) {
        precondition(whiteMatter.size == brain.size && cortex.size == brain.size && ventricles.size == brain.size)
        self.brain = brain
        self.whiteMatter = whiteMatter
        self.cortex = cortex
        self.ventricles = ventricles
        self.spacingMM = spacingMM
    }

    public var size: GridSize { brain.size }

    func dilated(_ mask: Volume<Bool>, mm: Double) -> Volume<Bool> {
        MaskMorphology.dilate(mask, radius: MaskMorphology.radius(mm: mm, spacingMM: spacingMM))
    }

    func eroded(_ mask: Volume<Bool>, mm: Double) -> Volume<Bool> {
        MaskMorphology.erode(mask, radius: MaskMorphology.radius(mm: mm, spacingMM: spacingMM))
    }

    /// The patient's own CSF in and around the template's ventricles: the brain's voxels within
    /// `mm` of them whose `ratio` (an image divided by its white-matter reference) is under
    /// `below`. Registration places the template's ventricles a few mm off.
    func ventricleCSF(within mm: Double, ratio: Volume<Float>, below: Double) -> Volume<Bool> {
        var own = dilated(ventricles, mm: mm).intersecting([brain], excluding: [])
        let dark = Float(below)
        // NaN fails `<`: an unknown voxel is no ventricle.
        for n in own.voxels.indices where own.voxels[n] { own.voxels[n] = ratio.voxels[n] < dark }
        return own
    }

    /// The image divided by its white-matter reference: 1 in normal white matter.
    ///
    /// The reference is `reference`'s smooth field over the white matter eroded by
    /// `erosionMM` (partial volume with grey matter and CSF left out), taken twice: the second
    /// time over only the voxels whose first ratio lies within `1 ± band`, so lesions,
    /// misplaced grey matter and CSF do not pull it.
    func whiteMatterRatio(_ image: Volume<Float>, reference: SmoothReference, erosionMM: Double, band: Double) -> Volume<Float> {
        whiteMatterRatio(image, reference: reference, core: eroded(whiteMatter, mm: erosionMM), band: band)
    }

    /// `whiteMatterRatio` with the eroded white matter already made (shared by a visit's series).
    func whiteMatterRatio(_ image: Volume<Float>, reference: SmoothReference, core: Volume<Bool>, band: Double) -> Volume<Float> {
        let first = reference.field(image, weights: core, spacingMM: spacingMM)
        var weights = core
        weights.voxels.withUnsafeMutableBufferPointer { w in
            image.voxels.withUnsafeBufferPointer { v in
                first.voxels.withUnsafeBufferPointer { f in
                    for n in 0..<w.count where w[n] {
                        let r = Double(v[n] / f[n])
                        w[n] = r.isFinite && abs(r - 1) <= band
                    }
                }
            }
        }
        let field = reference.field(image, weights: weights, spacingMM: spacingMM)
        var ratio = image
        ratio.voxels.withUnsafeMutableBufferPointer { out in
            field.voxels.withUnsafeBufferPointer { f in
                for n in 0..<out.count { out[n] /= f[n] }
            }
        }
        return ratio
    }
}

/// The settings shared by the raw-image segmentations: the white-matter reference.
public struct WhiteMatterNormalisation: Sendable, Equatable {
    /// The Gaussian's standard deviation, in mm.
    public var sigmaMM: Double
    /// White matter eroded by this before it is a reference, in mm.
    public var erosionMM: Double
    /// The second pass keeps voxels whose first ratio is within 1 ± this.
    public var band: Double

    public init(sigmaMM: Double, erosionMM: Double, band: Double) {
        self.sigmaMM = sigmaMM
        self.erosionMM = erosionMM
        self.band = band
    }
}
