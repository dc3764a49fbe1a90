/// T2/FLAIR lesions in a raw FLAIR: the FLAIR as a ratio to the patient's own white matter
/// (`SegmentationAnatomy.whiteMatterRatio`, robust to the bias field), then lesion growth
/// (`LesionGrowth`, after Schmidt et al., NeuroImage 2012) from seeds at `seedRatio` to
/// `growRatio`, confined by the anatomy:
///
/// - seeds lie in white matter, off the cortical ribbon, and more than `ventricleMarginMM` from
///   the ventricles (ependymal FLAIR hyperintensity lines them);
/// - growth stays in white matter dilated by `whiteMatterDilationMM` (the juxtacortical band and
///   the template's misplacement), inside the brain, out of the ventricles;
/// - with a T1w, voxels at least `t1MaximumRatio` of its white matter are not lesion (MS lesions
///   are not T1-bright);
/// - each grown region is trimmed to `edgeFraction` of the way from white matter (1) to its own
///   peak (`LesionGrowth.trimmed`; 0.5 is the half-maximum edge), so partial volume and a
///   thick-slice FLAIR's blur do not swell it; pieces of the trimmed region without a seed are dropped.
public struct FLAIRLesionSegmentation: Sendable, Equatable {
    public var normalisation: WhiteMatterNormalisation
    public var seedRatio: Double
    public var growRatio: Double
    public var whiteMatterDilationMM: Double
    public var ventricleMarginMM: Double
    public var t1MaximumRatio: Double
    public var edgeFraction: Double

    public init(
        normalisation: WhiteMatterNormalisation, seedRatio: Double, growRatio: Double, whiteMatterDilationMM: Double,
        ventricleMarginMM: Double, t1MaximumRatio: Double, edgeFraction: Double
    ) {
        self.edgeFraction = edgeFraction
        self.normalisation = normalisation
        self.seedRatio = seedRatio
        self.growRatio = growRatio
        self.whiteMatterDilationMM = whiteMatterDilationMM
        self.ventricleMarginMM = ventricleMarginMM
        self.t1MaximumRatio = t1MaximumRatio
    }

    /// The lesion voxels, and the FLAIR's white-matter ratio they were found in.
    ///
    /// The work is done inside the white matter's box (`SegmentationBox`): the ratio is NaN
    /// outside it, more than `whiteMatterDilationMM`, the larger of `ventricleMarginMM` and the
    /// erosion, and two blocks of the reference from the white matter.
    public func segment(
        flair: Volume<Float>, t1: Volume<Float>?, anatomy: SegmentationAnatomy
    ) -> (lesions: Volume<Bool>, ratio: Volume<Float>) {
        let reach = max(ventricleMarginMM, normalisation.erosionMM)
        guard
            let box = anatomy.box(
                dilationMM: whiteMatterDilationMM, reachMM: reach, reference: SmoothReference(sigmaMM: normalisation.sigmaMM)),
            !box.isWhole
        else { return segmentWhole(flair: flair, t1: t1, anatomy: anatomy) }
        let r = segmentWhole(flair: box.crop(flair), t1: t1.map { box.crop($0) }, anatomy: anatomy.cropped(to: box))
        return (box.paste(r.lesions, outside: false), box.paste(r.ratio, outside: .nan))
    }

    /// `segment` on the whole grid.
    func segmentWhole(
        flair: Volume<Float>, t1: Volume<Float>?, anatomy: SegmentationAnatomy
    ) -> (lesions: Volume<Bool>, ratio: Volume<Float>) {
        let reference = SmoothReference(sigmaMM: normalisation.sigmaMM)
        let core = anatomy.eroded(anatomy.whiteMatter, mm: normalisation.erosionMM)
        let ratio = anatomy.whiteMatterRatio(flair, reference: reference, core: core, band: normalisation.band)
        let nearVentricles = anatomy.dilated(anatomy.ventricles, mm: ventricleMarginMM)
        let seeds = anatomy.whiteMatter.intersecting([], excluding: [anatomy.cortex, nearVentricles])
        var region = anatomy.dilated(anatomy.whiteMatter, mm: whiteMatterDilationMM)
            .intersecting([anatomy.brain], excluding: [anatomy.ventricles])
        if let t1 {
            let t1Ratio = anatomy.whiteMatterRatio(t1, reference: reference, core: core, band: normalisation.band)
            let maximum = t1MaximumRatio
            region.voxels.withUnsafeMutableBufferPointer { r in
                t1Ratio.voxels.withUnsafeBufferPointer { t in
                    for n in 0..<r.count where r[n] { r[n] = !(Double(t[n]) >= maximum) }
                }
            }
        }
        let lesions = LesionGrowth.grow(
            ratio, seedThreshold: Float(seedRatio), growThreshold: Float(growRatio), seedRegion: seeds, growRegion: region,
            connectivity: .twentySix)
        // Trimming can cut a region's fringe off its core: only pieces holding a seed stay.
        let trimmed = LesionGrowth.trimmed(lesions, values: ratio, base: 1, fraction: Float(edgeFraction))
        let kept = LesionGrowth.grow(
            ratio, seedThreshold: Float(seedRatio), growThreshold: Float(growRatio), seedRegion: seeds, growRegion: trimmed,
            connectivity: .twentySix)
        return (kept, ratio)
    }
}
