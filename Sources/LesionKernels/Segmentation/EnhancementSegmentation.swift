/// Gadolinium-enhancing lesions by registered subtraction: the post-contrast T1w and the
/// pre-contrast T1w, both on one grid, each divided by its own white-matter reference
/// (`SegmentationAnatomy.whiteMatterRatio`; this matches their intensities and removes each
/// series' own bias field), subtracted, and grown from seeds at `seedDifference` to
/// `growDifference` (`LesionGrowth`). Without a pre-contrast image the post-contrast ratio
/// minus 1 stands in for the difference: less specific, since anything bright on T1w is kept.
///
/// Only brain parenchyma is searched: white matter dilated by `whiteMatterDilationMM`, inside
/// the brain eroded by `brainMarginMM` (the dura and the vessels on the brain's surface lie
/// outside), more than `ventricleMarginMM` from the ventricles (the choroid plexus). With
/// `ventricleCSFRatio` above 0 the ventricles are the patient's own CSF: the brain's voxels
/// within `ventricleReachMM` of the template's whose ratio to white matter is under it, on the
/// pre-contrast T1w (CSF is dark there), else on the FLAIR (the post-contrast image cannot tell
/// CSF from an enhancing plexus). The template's ventricles, a few mm off, then no longer hide a
/// periventricular lesion they overlap. A plexus that reads as tissue is no longer excluded by
/// them either: only the FLAIR check below stands guard, so without `flairRatio` the template's
/// ventricles stay excluded too (the union). A ring of
/// enhancement is one connected shell (26-connectivity); gaps in it up to `closingMM` are
/// closed (a dilation and an erosion of the grown voxels, kept inside the parenchyma), so a
/// patchy ring stays one lesion.
///
/// With the visit's FLAIR as a ratio to its white matter (`flairRatio`), a grown region (one
/// 26-connected component, before the closing, so a lesion near the choroid plexus is not
/// joined to it) is dropped only when its mean FLAIR ratio is below `flairMinimumRatio` (a
/// region the FLAIR does not reach is kept): an enhancing MS lesion is FLAIR-hyperintense, the
/// choroid plexus, sulcal vessels and the dura lie in CSF or outside the brain, FLAIR-dark. The
/// closing then joins only the regions kept.
public struct EnhancementSegmentation: Sendable, Equatable {
    public var normalisation: WhiteMatterNormalisation
    public var seedDifference: Double
    public var growDifference: Double
    public var whiteMatterDilationMM: Double
    public var brainMarginMM: Double
    public var ventricleMarginMM: Double
    public var closingMM: Double
    public var flairMinimumRatio: Double
    /// Below this ratio to white matter a voxel near the template's ventricles is the patient's
    /// CSF (0: the template's ventricles).
    public var ventricleCSFRatio: Double
    /// How far, in mm, from the template's ventricles the patient's own are looked for.
    public var ventricleReachMM: Double

    public init(
        normalisation: WhiteMatterNormalisation, seedDifference: Double, growDifference: Double,
        whiteMatterDilationMM: Double, brainMarginMM: Double, ventricleMarginMM: Double, closingMM: Double,
        flairMinimumRatio: Double, ventricleCSFRatio: Double = 0, ventricleReachMM: Double = 0
    ) {
        self.flairMinimumRatio = flairMinimumRatio
        self.ventricleCSFRatio = ventricleCSFRatio
        self.ventricleReachMM = ventricleReachMM
        self.normalisation = normalisation
        self.seedDifference = seedDifference
        self.growDifference = growDifference
        self.whiteMatterDilationMM = whiteMatterDilationMM
        self.brainMarginMM = brainMarginMM
        self.ventricleMarginMM = ventricleMarginMM
        self.closingMM = closingMM
    }

    /// The parenchyma searched, around `ventricles` (the template's unless given).
    public func region(_ anatomy: SegmentationAnatomy, ventricles: Volume<Bool>? = nil) -> Volume<Bool> {
        let brain = anatomy.eroded(anatomy.brain, mm: brainMarginMM)
        let nearVentricles = anatomy.dilated(ventricles ?? anatomy.ventricles, mm: ventricleMarginMM)
        return anatomy.dilated(anatomy.whiteMatter, mm: whiteMatterDilationMM).intersecting([brain], excluding: [nearVentricles])
    }

    /// The patient's own ventricles: the brain's voxels within `ventricleReachMM` of the
    /// template's ventricles whose `ratio` (to white matter) is under `ventricleCSFRatio`.
    func ownVentricles(_ anatomy: SegmentationAnatomy, ratio: Volume<Float>) -> Volume<Bool> {
        anatomy.ventricleCSF(within: ventricleReachMM, ratio: ratio, below: ventricleCSFRatio)
    }

    /// The enhancing voxels, and the difference they were found in.
    ///
    /// The work is done inside the white matter's box (`SegmentationBox`): the difference is
    /// NaN outside it, more than `whiteMatterDilationMM`, the largest of `brainMarginMM`,
    /// `ventricleMarginMM` (plus `ventricleReachMM` with the patient's own ventricles), twice
    /// `closingMM` and the erosion, and two blocks of the reference from the white matter.
    /// `flairRatio` is read at the enhancing voxels and, without `pre`, near the ventricles.
    public func segment(
        post: Volume<Float>, pre: Volume<Float>?, flairRatio: Volume<Float>? = nil, anatomy: SegmentationAnatomy
    ) -> (lesions: Volume<Bool>, difference: Volume<Float>) {
        let ventricleReach = ventricleCSFRatio > 0 ? ventricleMarginMM + ventricleReachMM : ventricleMarginMM
        let reach = max(brainMarginMM, ventricleReach, 2 * closingMM, normalisation.erosionMM)
        guard
            let box = anatomy.box(
                dilationMM: whiteMatterDilationMM, reachMM: reach, reference: SmoothReference(sigmaMM: normalisation.sigmaMM)),
            !box.isWhole
        else { return segmentWhole(post: post, pre: pre, flairRatio: flairRatio, anatomy: anatomy) }
        let r = segmentWhole(
            post: box.crop(post), pre: pre.map { box.crop($0) }, flairRatio: flairRatio.map { box.crop($0) },
            anatomy: anatomy.cropped(to: box))
        return (box.paste(r.lesions, outside: false), box.paste(r.difference, outside: .nan))
    }

    /// `segment` on the whole grid.
    func segmentWhole(
        post: Volume<Float>, pre: Volume<Float>?, flairRatio: Volume<Float>? = nil, anatomy: SegmentationAnatomy
    ) -> (lesions: Volume<Bool>, difference: Volume<Float>) {
        let reference = SmoothReference(sigmaMM: normalisation.sigmaMM)
        let core = anatomy.eroded(anatomy.whiteMatter, mm: normalisation.erosionMM)
        func ratio(_ image: Volume<Float>) -> Volume<Float> {
            anatomy.whiteMatterRatio(image, reference: reference, core: core, band: normalisation.band)
        }
        var difference = ratio(post)
        let before = pre.map(ratio)
        difference.voxels.withUnsafeMutableBufferPointer { d in
            if let before {
                before.voxels.withUnsafeBufferPointer { b in
                    for n in 0..<d.count { d[n] -= b[n] }
                }
            } else {
                for n in 0..<d.count { d[n] -= 1 }
            }
        }
        // The patient's CSF, dark on the pre-contrast T1w (else the FLAIR). Without the FLAIR
        // check, a plexus that reads as tissue is kept out by the template's ventricles as well.
        var ventricles: Volume<Bool>?
        if ventricleCSFRatio > 0, let csf = before ?? flairRatio {
            var own = ownVentricles(anatomy, ratio: csf)
            if flairRatio == nil {
                for n in own.voxels.indices where anatomy.ventricles.voxels[n] { own.voxels[n] = true }
            }
            ventricles = own
        }
        let region = region(anatomy, ventricles: ventricles)
        var lesions = LesionGrowth.grow(
            difference, seedThreshold: Float(seedDifference), growThreshold: Float(growDifference), seedRegion: region,
            growRegion: region, connectivity: .twentySix)
        // The FLAIR check reads each grown region before the closing: closed first, a lesion 2 mm
        // from the choroid plexus became one region with it and was dropped with it.
        if let flairRatio { lesions = Self.keeping(lesions, meanAtLeast: Float(flairMinimumRatio), of: flairRatio) }
        let radius = MaskMorphology.radius(mm: closingMM, spacingMM: anatomy.spacingMM)
        if radius.contains(where: { $0 > 0 }) {
            let closed = MaskMorphology.erode(MaskMorphology.dilate(lesions, radius: radius), radius: radius)
            lesions.voxels.withUnsafeMutableBytes { l in
                closed.voxels.withUnsafeBytes { c in
                    region.voxels.withUnsafeBytes { r in
                        for n in 0..<l.count { l[n] |= c[n] & r[n] }
                    }
                }
            }
        }
        return (lesions, difference)
    }

    /// The 26-connected components of `mask` whose mean of `values` (finite ones) is at least
    /// `minimum`. A component with no finite value (the FLAIR does not reach it) is kept: the
    /// check cannot be made there, and an unknown is not a negative.
    public static func keeping(_ mask: Volume<Bool>, meanAtLeast minimum: Float, of values: Volume<Float>) -> Volume<Bool> {
        var out = Volume(size: mask.size, repeating: false)
        Neighbours.components(of: mask) { component in
            var sum = 0.0, count = 0
            for n in component where values.voxels[Int(n)].isFinite {
                sum += Double(values.voxels[Int(n)])
                count += 1
            }
            if count == 0 || sum / Double(count) >= Double(minimum) {
                for n in component { out.voxels[Int(n)] = true }
            }
        }
        return out
    }
}
