/// T2/FLAIR lesions in a raw FLAIR: the FLAIR as a ratio to the patient's own white matter
/// (`SegmentationAnatomy.whiteMatterRatio`, robust to the bias field), then lesion growth
/// (`LesionGrowth`, after Schmidt et al., NeuroImage 2012) from seeds at `seedRatio` to
/// `growRatio`, confined by the anatomy:
///
/// - seeds lie in white matter, off the cortical ribbon, and more than `ventricleMarginMM` from
///   the ventricles (ependymal FLAIR hyperintensity lines them): with `ventricleCSFRatio` above
///   0, the patient's own ventricles (`ownVentricles`), else the template's. With
///   `ventricleWallSeeds`, seeds lie within that margin too (out of the ventricles), but a lesion
///   lying wholly within it is not kept: the ependymal cap and lining, and their partial volume,
///   lie along the wall, while a lesion on the wall reaches past the margin into the white matter;
/// - growth stays in white matter dilated by `whiteMatterDilationMM` (the juxtacortical band and
///   the template's misplacement), inside the brain, out of those ventricles;
/// - with a T1w, voxels at least `t1MaximumRatio` of its white matter are not lesion (MS lesions
///   are not T1-bright);
/// - each grown region is trimmed to `edgeFraction` of the way from white matter (1) to its own
///   peak (`LesionGrowth.trimmed`; 0.5 is the half-maximum edge), so partial volume and a
///   thick-slice FLAIR's blur do not swell it; pieces of the trimmed region without a seed are
///   dropped. At a later visit that `dropUnchanged` screens, each voxel is trimmed against the
///   peak it reaches without passing a value below its own, and only when that reaches a seed
///   (`LesionGrowth.trimmedAroundPeaks`): 5–6 mm slices join a faint lesion to a bright one
///   through a band at `growRatio`, and the bright one's edge trimmed the faint one away. At the
///   first visit nothing screens what such local peaks would add (grey-matter bands, mimics'
///   flanks), so the region's own peak decides there; with `whiteMatterPeaks` a voxel also stays
///   when it is `edgeFraction` of the way to its own peak and that peak is itself a seed
///   (`LesionGrowth.trimmedAroundPeaks`'s `seededAtPeak`): at `growRatio` a small periventricular
///   lesion is one region with the whole periventricular and juxtacortical band (over 20,000
///   voxels of 2 mm), whose peak, another lesion's, trimmed it under the size floor, while a
///   mimic's peak lies in the cortex, where no seed lies;
/// - a lesion with more than `cortexMaximumFraction` of its voxels in the cortical ribbon (its seed
///   lies in white matter, but it grew mostly through the cortex, as a cortical or sulcal FLAIR
///   hyperintensity next to misplaced template white matter does) is dropped at the patient's
///   first visit; at a later visit only when it is unchanged (`PreviousVisit.isUnchanged`, and not
///   `PreviousVisit.hasGrown`), so a new or growing one stays a lesion, as evidence: cortical
///   involvement is a sign of PML;
/// - at a later visit, with `dropUnchanged`, any lesion unchanged since the previous visit is
///   dropped, wherever it lies: the previous visit saw the same signal there and did not count
///   it, so it is neither a new lesion nor evidence;
/// - "unchanged" (both rules above) compares each voxel with the brightest of the previous visit
///   within `unchangedNeighbourhoodMM` of it (`PreviousVisit.neighbourhood`): a thin structure
///   the series re-acquires a voxel off (registration, and a thick slice's partial volume) did
///   not rise where it now lies; and a lesion that grew by the comparison's enlarging rule
///   (`PreviousVisit.hasGrown`) is not unchanged: one the previous visit missed grows by a
///   millimetre without any voxel rising above its old core within that neighbourhood;
/// - at a later visit, with `changeSeedRatio` above 0, a seed-region voxel whose ratio rose by at
///   least that much since the previous visit seeds growth too, from `growRatio`, through the
///   voxels whose ratio rose by `PreviousVisit.changeRatio` (a subtraction of the registered
///   FLAIRs): a new lesion a thick-slice FLAIR blurs under `seedRatio` is found by its change, and
///   drawn where it changed. An unknown voxel (NaN in either visit) is no such seed;
/// - an enhancing lesion of the same visit is a lesion (`growing(fromEnhancing:)`): its voxels seed
///   growth too, from `growRatio` and within `enhancingReachMM` of them, so a lesion a thick-slice
///   FLAIR blurs under `seedRatio` is kept when it enhances;
/// - at a later visit, with `earlierSignal`, the part of each lesion the previous visit's FLAIR
///   already showed as lesion by these thresholds (`shownBefore`) tells the comparison of visits
///   that the lesion is not new there (`LesionMatcher.match`'s `shown`);
/// - at a later visit, with `previousLesionSeeds`, the previous visit's lesions seed growth too,
///   from `growRatio` and within `enhancingReachMM` of them: a lesion counted before is looked for
///   where it was, so one a thick-slice series blurs under `seedRatio` is not read as resolved.
public struct FLAIRLesionSegmentation: Sendable, Equatable {
    public var normalisation: WhiteMatterNormalisation
    public var seedRatio: Double
    public var growRatio: Double
    public var whiteMatterDilationMM: Double
    public var ventricleMarginMM: Double
    public var t1MaximumRatio: Double
    public var edgeFraction: Double
    /// Lesions with more than this fraction of their voxels in the cortex are dropped (1: none): all
    /// of them at the patient's first visit, the unchanged ones at later visits.
    public var cortexMaximumFraction: Double
    /// Whether the visit's enhancing lesions seed lesions too (`growing(fromEnhancing:)`; the
    /// caller applies it).
    public var enhancingSeeds: Bool
    /// How far, in mm, a lesion grown from enhancing voxels reaches from them (0: anywhere in the
    /// region).
    public var enhancingReachMM: Double
    /// A rise of the FLAIR ratio since the previous visit by at least this much seeds growth at a
    /// later visit (0: off).
    public var changeSeedRatio: Double
    /// Whether a lesion unchanged since the previous visit (`PreviousVisit.isUnchanged`, and not
    /// `PreviousVisit.hasGrown`) is dropped at a later visit, wherever it lies.
    public var dropUnchanged: Bool
    /// How far, in mm, "unchanged" looks for the previous visit's signal around a voxel (0: the
    /// voxel itself).
    public var unchangedNeighbourhoodMM: Double
    /// Whether a later visit's lesions are read against the previous visit's FLAIR where that
    /// visit found no lesion (`shownBefore`; the caller applies it).
    public var earlierSignal: Bool
    /// Whether the previous visit's lesions seed growth at a later visit where a seed may lie
    /// (the white matter off the cortex and, unless `ventricleWallSeeds`, the ventricle margin),
    /// from `growRatio` and within `enhancingReachMM` of them.
    public var previousLesionSeeds: Bool
    /// Above 0: the ventricles `ventricleMarginMM` is measured from, and growth stays out of, are
    /// the patient's own (`ownVentricles`: dark under this ratio to white matter, on the T1w when
    /// there is one, else on the FLAIR); 0: the template's.
    public var ventricleCSFRatio: Double
    /// Whether seeds lie within `ventricleMarginMM` of the ventricles too, a lesion lying wholly
    /// within that margin not kept.
    public var ventricleWallSeeds: Bool
    /// Whether, where a region is trimmed at its own peak's edge (the first visit), a voxel also
    /// stays at the edge of its own peak when that peak is a seed.
    public var whiteMatterPeaks: Bool
    /// With `ventricleWallSeeds`: a lesion lying wholly within the margin is kept when a voxel next
    /// to it (26-connectivity), past the margin and in the region, is at least `seedRatio`.
    public var ventricleWallReach: Bool

    public init(
        normalisation: WhiteMatterNormalisation, seedRatio: Double, growRatio: Double, whiteMatterDilationMM: Double,
        ventricleMarginMM: Double, t1MaximumRatio: Double, edgeFraction: Double, cortexMaximumFraction: Double = 1,
        enhancingSeeds: Bool = true, changeSeedRatio: Double = 0, dropUnchanged: Bool = false, enhancingReachMM: Double = 0,
        unchangedNeighbourhoodMM: Double = 0, earlierSignal: Bool = false, previousLesionSeeds: Bool = false,
        ventricleCSFRatio: Double = 0, ventricleWallSeeds: Bool = false, whiteMatterPeaks: Bool = false,
        ventricleWallReach: Bool = false
    ) {
        self.ventricleWallReach = ventricleWallReach
        self.whiteMatterPeaks = whiteMatterPeaks
        self.ventricleWallSeeds = ventricleWallSeeds
        self.ventricleCSFRatio = ventricleCSFRatio
        self.previousLesionSeeds = previousLesionSeeds
        self.earlierSignal = earlierSignal
        self.unchangedNeighbourhoodMM = unchangedNeighbourhoodMM
        self.enhancingReachMM = enhancingReachMM
        self.changeSeedRatio = changeSeedRatio
        self.dropUnchanged = dropUnchanged
        self.cortexMaximumFraction = cortexMaximumFraction
        self.enhancingSeeds = enhancingSeeds
        self.edgeFraction = edgeFraction
        self.normalisation = normalisation
        self.seedRatio = seedRatio
        self.growRatio = growRatio
        self.whiteMatterDilationMM = whiteMatterDilationMM
        self.ventricleMarginMM = ventricleMarginMM
        self.t1MaximumRatio = t1MaximumRatio
    }

    /// The lesion voxels, the FLAIR's white-matter ratio they were found in, and the region they
    /// could grow in.
    ///
    /// The work is done inside the white matter's box (`SegmentationBox`): the ratio is NaN
    /// outside it, more than `whiteMatterDilationMM`, the larger of `ventricleMarginMM` (twice it
    /// with `ventricleCSFRatio`) and the erosion, and two blocks of the reference from the white
    /// matter; the region lies inside it.
    ///
    /// `previous` is the patient's previous visit on the same grid; nil at the first visit.
    public func segment(
        flair: Volume<Float>, t1: Volume<Float>?, anatomy: SegmentationAnatomy, previous: PreviousVisit? = nil
    ) -> FLAIRLesions {
        guard let box = box(anatomy), !box.isWhole else {
            return segmentWhole(flair: flair, t1: t1, anatomy: anatomy, previous: previous)
        }
        let r = segmentWhole(
            flair: box.crop(flair), t1: t1.map { box.crop($0) }, anatomy: anatomy.cropped(to: box),
            previous: previous?.cropped(to: box))
        return FLAIRLesions(
            lesions: box.paste(r.lesions, outside: false), ratio: box.paste(r.ratio, outside: .nan),
            region: box.paste(r.region, outside: false), cortical: r.cortical.map { box.paste($0, outside: false) },
            unchanged: r.unchanged.map { box.paste($0, outside: false) },
            foundByChange: r.foundByChange.map { box.paste($0, outside: false) },
            nearVentricles: box.paste(r.nearVentricles, outside: false),
            withinVentricleMargin: r.withinVentricleMargin.map { box.paste($0, outside: false) },
            keptAsGrownVoxels: r.keptAsGrownVoxels)
    }

    /// The grid voxels whose FLAIR and T1w values `segment` reads: its box, inclusive; nil when
    /// it reads the whole grid. An image known only there segments the same.
    public func readBox(anatomy: SegmentationAnatomy) -> VoxelBox? {
        guard let box = box(anatomy), !box.isWhole else { return nil }
        let (l, n) = (box.lower, box.size)
        return VoxelBox(lower: VoxelIndex(l[0], l[1], l[2]), upper: VoxelIndex(l[0] + n.nx - 1, l[1] + n.ny - 1, l[2] + n.nz - 1))
    }

    /// The segmentation's box (`SegmentationBox`); nil without white matter.
    private func box(_ anatomy: SegmentationAnatomy) -> SegmentationBox? {
        // The patient's own ventricles lie within the margin of the template's; their margin reaches as
        // far again.
        let ventricleReach = ventricleCSFRatio > 0 ? 2 * ventricleMarginMM : ventricleMarginMM
        return anatomy.box(
            dilationMM: whiteMatterDilationMM, reachMM: max(ventricleReach, normalisation.erosionMM),
            reference: SmoothReference(sigmaMM: normalisation.sigmaMM))
    }

    /// Lesions grown from enhancing voxels (a Gd+ lesion of the same visit, on the same grid):
    /// the enhancing voxels in `region` whose `ratio` is at least `growRatio` seed growth through
    /// `region` at `growRatio`, trimmed to `edgeFraction` of each region's peak like any lesion,
    /// pieces without such a seed dropped. `ratio` and `region` are `segment`'s. The caller keeps
    /// the union with `segment`'s lesions, so a lesion already found stays whole (this may find
    /// only part of it) and only what the enhancement alone shows is added.
    ///
    /// With `enhancingReachMM` above 0 the growth stays within that distance of the enhancing
    /// voxels (`spacingMM`, the grid's, turns it into voxels): grey matter reads about 1.3 of white matter, so
    /// at `growRatio` a seed next to the cortex grew through the whole juxtacortical band (12,559
    /// voxels, peak 1.72 at a cortical mimic), and the half-maximum edge of that (1.36) trimmed
    /// away the enhancing lesion itself (peak 1.31).
    public func growing(
        fromEnhancing enhancing: Volume<Bool>, ratio: Volume<Float>, region: Volume<Bool>, spacingMM: [Double]
    ) -> Volume<Bool> {
        let seeds = enhancing.intersecting([region], excluding: [])
        let threshold = Float(growRatio)
        let reach =
            enhancingReachMM > 0
            ? region.intersecting(
                [MaskMorphology.dilate(enhancing, radius: MaskMorphology.radius(mm: enhancingReachMM, spacingMM: spacingMM))], excluding: []
            )
            : region
        let grown = LesionGrowth.grow(
            ratio, seedThreshold: threshold, growThreshold: threshold, seedRegion: seeds, growRegion: reach,
            connectivity: .twentySix)
        let trimmed = LesionGrowth.trimmed(grown, values: ratio, base: 1, fraction: Float(edgeFraction))
        return LesionGrowth.grow(
            ratio, seedThreshold: threshold, growThreshold: threshold, seedRegion: seeds, growRegion: trimmed,
            connectivity: .twentySix)
    }

    /// The patient's own ventricles: the brain's voxels within `ventricleMarginMM` of the
    /// template's ventricles whose `ratio` (to white matter) is under `ventricleCSFRatio`: CSF is
    /// dark on T1w and FLAIR. Registration places the template's ventricles a few mm off, and
    /// their margin then covers periventricular white matter on one side and leaves the ependymal
    /// lining uncovered on the other. The lining is bright on the FLAIR, so `segment` reads the
    /// T1w when it has one: where the lining is as dark as the ventricle there (partial volume,
    /// as in the project's generated patients), it is taken with the ventricle; where it reads as
    /// tissue, only the margin covers it.
    func ownVentricles(_ anatomy: SegmentationAnatomy, ratio: Volume<Float>) -> Volume<Bool> {
        anatomy.ventricleCSF(within: ventricleMarginMM, ratio: ratio, below: ventricleCSFRatio)
    }

    /// `segment` on the whole grid (or the box).
    func segmentWhole(
        flair: Volume<Float>, t1: Volume<Float>?, anatomy: SegmentationAnatomy, previous: PreviousVisit? = nil
    ) -> FLAIRLesions {
        let reference = SmoothReference(sigmaMM: normalisation.sigmaMM)
        let core = anatomy.eroded(anatomy.whiteMatter, mm: normalisation.erosionMM)
        let ratio = anatomy.whiteMatterRatio(flair, reference: reference, core: core, band: normalisation.band)
        let t1Ratio = t1.map { anatomy.whiteMatterRatio($0, reference: reference, core: core, band: normalisation.band) }
        let ventricles = ventricleCSFRatio > 0 ? ownVentricles(anatomy, ratio: t1Ratio ?? ratio) : anatomy.ventricles
        let nearVentricles = anatomy.dilated(ventricles, mm: ventricleMarginMM)
        // With wall seeds, the margin keeps no seed out; only a lesion lying wholly within it (below).
        let seeds = anatomy.whiteMatter.intersecting(
            [], excluding: [anatomy.cortex, ventricleWallSeeds ? ventricles : nearVentricles])
        var region = anatomy.dilated(anatomy.whiteMatter, mm: whiteMatterDilationMM)
            .intersecting([anatomy.brain], excluding: [ventricles])
        if let t1Ratio {
            let maximum = t1MaximumRatio
            region.voxels.withUnsafeMutableBufferPointer { r in
                t1Ratio.voxels.withUnsafeBufferPointer { t in
                    for n in 0..<r.count where r[n] { r[n] = !(Double(t[n]) >= maximum) }
                }
            }
        }
        // Seeds at `seedRatio`, grown through the region; at a later visit with change seeds, also
        // seeds whose ratio rose by `changeSeedRatio`, grown only where the FLAIR changed: a
        // lesion found by its change is where it changed.
        let before = changeSeedRatio > 0 ? previous?.ratio : nil
        var lesions = LesionGrowth.grow(
            ratio, seedThreshold: Float(seedRatio), growThreshold: Float(growRatio), seedRegion: seeds, growRegion: region,
            connectivity: .twentySix)
        var allSeeds = seeds
        if let before, let changed = previous?.changed(ratio) {
            let (high, rise) = (Float(seedRatio), Float(changeSeedRatio))
            var changeSeeds = seeds
            for n in ratio.voxels.indices where seeds.voxels[n] {
                // NaN fails `>=`: an unknown voxel seeds nothing.
                changeSeeds.voxels[n] = ratio.voxels[n] - before.voxels[n] >= rise
                allSeeds.voxels[n] = ratio.voxels[n] >= high || changeSeeds.voxels[n]
            }
            // Grown only where the FLAIR changed (`PreviousVisit.changed`: unknown is change).
            let byChange = LesionGrowth.grow(
                ratio, seedThreshold: Float(growRatio), growThreshold: Float(growRatio), seedRegion: changeSeeds,
                growRegion: region.intersecting([changed], excluding: []), connectivity: .twentySix)
            for n in lesions.voxels.indices where byChange.voxels[n] { lesions.voxels[n] = true }
        }
        // The previous visit's lesions seed growth too, from `growRatio`, within
        // `enhancingReachMM` of them: a lesion counted before is looked for where it was.
        if previousLesionSeeds, let known = previous?.lesions {
            // Where a seed may lie: a mimic in the cortex or the ependymal lining that the
            // previous visit kept seeds nothing here.
            let persistent = known.intersecting([seeds], excluding: [])
            let reach =
                enhancingReachMM > 0
                ? region.intersecting([anatomy.dilated(persistent, mm: enhancingReachMM)], excluding: []) : region
            let grown = LesionGrowth.grow(
                ratio, seedThreshold: Float(growRatio), growThreshold: Float(growRatio), seedRegion: persistent,
                growRegion: reach, connectivity: .twentySix)
            for n in lesions.voxels.indices where grown.voxels[n] { lesions.voxels[n] = true }
            for n in allSeeds.voxels.indices where persistent.voxels[n] { allSeeds.voxels[n] = true }
        }
        // Unchanged since the previous visit: neither new nor evidence.
        let nearby = previous.map {
            $0.lookingNearby(radius: MaskMorphology.radius(mm: unchangedNeighbourhoodMM, spacingMM: anatomy.spacingMM))
        }
        let screened = dropUnchanged && nearby?.ratio != nil
        // Trimming can cut a region's fringe off its core: only pieces holding a seed stay.
        let keptSeed = Float(before == nil ? seedRatio : growRatio)
        var trimmed: Volume<Bool>
        if screened && edgeFraction > 0 {
            trimmed = LesionGrowth.trimmedAroundPeaks(
                lesions, values: ratio, seedRegion: allSeeds, seedThreshold: keptSeed, base: 1, fraction: Float(edgeFraction))
        } else {
            trimmed = LesionGrowth.trimmed(lesions, values: ratio, base: 1, fraction: Float(edgeFraction))
            if whiteMatterPeaks && edgeFraction > 0 {
                // A lesion joined to a brighter one keeps its own edge when its peak is a seed.
                let own = LesionGrowth.trimmedAroundPeaks(
                    lesions, values: ratio, seedRegion: allSeeds, seedThreshold: keptSeed, base: 1, fraction: Float(edgeFraction),
                    seededAtPeak: true)
                for n in trimmed.voxels.indices where own.voxels[n] { trimmed.voxels[n] = true }
            }
        }
        var kept = LesionGrowth.grow(
            ratio, seedThreshold: keptSeed, growThreshold: Float(growRatio), seedRegion: allSeeds, growRegion: trimmed,
            connectivity: .twentySix)
        var withinVentricleMargin: Volume<Bool>?
        if ventricleWallSeeds {
            // Without wall seeds no lesion lies wholly within the margin: each holds a seed past it.
            // A lesion whose half-maximum core lies within the margin but which reads `seedRatio` or
            // more next to it, past the margin, reaches into the white matter: it is kept.
            let split = LesionGrowth.splitting(kept) { lesion in
                lesion.allSatisfy { nearVentricles.voxels[Int($0)] }
                    && !(ventricleWallReach
                        && LesionGrowth.touches(
                            lesion, size: ratio.size,
                            where: { !nearVentricles.voxels[$0] && region.voxels[$0] && ratio.voxels[$0] >= Float(seedRatio) }))
            }
            kept = split.kept
            withinVentricleMargin = split.dropped
        }
        var unchanged: Volume<Bool>?
        // The voxels of the lesions a rule read as unchanged voxel by voxel and kept because they
        // grew; nil at a first visit.
        var grownVoxels = nearby.map { _ in 0 }
        // Each lesion's verdict, by its first voxel: a mostly cortical lesion kept by
        // `dropUnchanged` is read again by the cortex rule, and neither reading nor counting is
        // repeated. Dropping whole regions leaves the others as they were.
        var verdicts: [Int32: Bool] = [:]
        // Unchanged: no voxel rose, and the lesion did not grow (`PreviousVisit.hasGrown`, at the
        // level its edge is drawn at: `edgeFraction` of the way to its peak, at least `growRatio`).
        let (grow, edge) = (Float(growRatio), Float(edgeFraction))
        func isUnchanged(_ lesion: ArraySlice<Int32>, _ nearby: PreviousVisit) -> Bool {
            guard let first = lesion.min() else { return false }
            if let verdict = verdicts[first] { return verdict }
            let verdict: Bool
            if !nearby.isUnchanged(lesion, ratio: ratio) {
                verdict = false
            } else {
                let grown = nearby.hasGrown(lesion, ratio: ratio) { max(grow, 1 + edge * ($0 - 1)) }
                if grown { grownVoxels? += lesion.count }
                verdict = !grown
            }
            verdicts[first] = verdict
            return verdict
        }
        if screened, let nearby {
            let split = LesionGrowth.splitting(kept) { isUnchanged($0, nearby) }
            kept = split.kept
            unchanged = split.dropped
        }
        var cortical: Volume<Bool>?
        if cortexMaximumFraction < 1 {
            let split = LesionGrowth.splitting(kept) { lesion in
                guard LesionGrowth.share(of: lesion, in: anatomy.cortex) > cortexMaximumFraction else { return false }
                // A new or changing cortical lesion is evidence.
                return nearby.map { isUnchanged(lesion, $0) } ?? true
            }
            kept = split.kept
            cortical = split.dropped
        }
        // The lesions holding no seed at `seedRatio`: found by their change alone.
        let foundByChange = before.map { _ in
            let high = Float(seedRatio)
            return LesionGrowth.splitting(kept) { lesion in
                !lesion.contains { seeds.voxels[Int($0)] && ratio.voxels[Int($0)] >= high }
            }.dropped
        }
        return FLAIRLesions(
            lesions: kept, ratio: ratio, region: region, cortical: cortical, unchanged: unchanged, foundByChange: foundByChange,
            nearVentricles: nearVentricles, withinVentricleMargin: withinVentricleMargin, keptAsGrownVoxels: grownVoxels)
    }
}

extension FLAIRLesionSegmentation {
    /// For each lesion of a later visit (`lesions`, `count` labels, on the grid of `previous`),
    /// its voxels that the previous visit's FLAIR already showed as lesion by this segmentation's
    /// thresholds, wherever the previous visit sought lesions or not. `nearVentricles` is this
    /// visit's `FLAIRLesions.nearVentricles`; `spacingMM` the grid's voxel size.
    ///
    /// In one ratio: where its peak over the lesion's voxels reaches `seedRatio`, the voxels at
    /// least `growRatio` and at least `edgeFraction` of the way from white matter (1) to that
    /// peak, as `segment` trims a region; a lesion whose peak there stays under `seedRatio` (one
    /// that rose since) has none. `ShownBefore.voxels` reads the previous visit's own image
    /// (`previous.ownRatio` when this visit's series is coarser, else `previous.ratio`);
    /// `ShownBefore.asSeries` reads it re-acquired as this visit's series (`previous.ratio`), only
    /// when that differs.
    /// - Voxels within `ventricleMarginMM` of the ventricles (`nearVentricles`) show nothing,
    ///   set no peak and are no part of a lesion's core: the ependymal lining is bright on every
    ///   FLAIR, which is why no seed lies there either.
    /// - A lesion whose core (its voxel nearest its centroid in mm, the first of equals) the
    ///   previous visit's own image did not show has none: a new lesion whose edge covers an older
    ///   bright spot (a cortical mimic under a thick slice's footprint, say) is not that spot
    ///   grown, while a lesion that grew around what was shown holds it at its centre.
    ///
    /// Nil without the previous ratio. Two passes over the lesions' runs for the cores and two per
    /// ratio, none over the background: O(lesion voxels), plus the masks' allocation.
    ///
    /// A lesion the previous visit missed (grown since out of the cortical ribbon, say, where no
    /// seed lay) is then not read as new where the previous visit's image already showed it.
    public func shownBefore(
        _ lesions: LabelRuns, count: Int, nearVentricles: Volume<Bool>, spacingMM: [Double], previous: PreviousVisit
    ) -> ShownBefore? {
        guard let ratio = previous.ratio else { return nil }
        precondition(
            ratio.size == lesions.size && nearVentricles.size == lesions.size && spacingMM.count == 3,
            "the previous visit is on another grid")
        let near = nearVentricles.voxels
        let (nx, nxy) = (lesions.size.nx, lesions.size.nx * lesions.size.ny)
        // Every lesion voxel outside the margin, with its label, in index order.
        func forEachVoxel(_ body: (Int, Int) -> Void) {
            for row in 0..<(lesions.size.ny * lesions.size.nz) {
                for r in lesions.rowBegin[row]..<lesions.rowBegin[row + 1] where lesions.labels[r] != 0 {
                    for n in (row * nx + Int(lesions.starts[r]))...(row * nx + Int(lesions.ends[r])) where !near[n] {
                        body(n, Int(lesions.labels[r]))
                    }
                }
            }
        }
        // Each lesion's core: its voxel nearest its centroid, in mm (the first of equals).
        var sums = [(Double, Double, Double, Int)](repeating: (0, 0, 0, 0), count: count + 1)
        forEachVoxel { n, label in
            let s = sums[label]
            sums[label] = (s.0 + Double(n % nx), s.1 + Double((n / nx) % lesions.size.ny), s.2 + Double(n / nxy), s.3 + 1)
        }
        var core = [Int](repeating: -1, count: count + 1)
        var nearest = [Double](repeating: .infinity, count: count + 1)
        forEachVoxel { n, label in
            let (s, c) = (sums[label], Double(sums[label].3))
            let dx = (Double(n % nx) - s.0 / c) * spacingMM[0]
            let dy = (Double((n / nx) % lesions.size.ny) - s.1 / c) * spacingMM[1]
            let dz = (Double(n / nxy) - s.2 / c) * spacingMM[2]
            let squared = dx * dx + dy * dy + dz * dz
            if squared < nearest[label] { (nearest[label], core[label]) = (squared, n) }
        }
        let (seed, grow, edge) = (Float(seedRatio), Float(growRatio), Float(edgeFraction))
        // Per label, the level a voxel of `values` must reach to be shown (infinity: none). NaN
        // fails `>` and `>=`: an unknown voxel sets no peak and shows nothing.
        func levels(_ values: [Float]) -> [Float] {
            var peak = [Float](repeating: -.infinity, count: count + 1)
            forEachVoxel { n, label in
                if values[n] > peak[label] { peak[label] = values[n] }
            }
            return peak.map { $0 >= seed ? max(grow, 1 + edge * ($0 - 1)) : Float.infinity }
        }
        func shown(_ values: [Float], _ level: [Float], keep: [Bool]) -> Volume<Bool> {
            var out = Volume(size: lesions.size, repeating: false)
            forEachVoxel { n, label in out.voxels[n] = keep[label] && values[n] >= level[label] }
            return out
        }
        // The core is read in the previous visit's own image, for both: what it showed there.
        let first = (previous.ownRatio ?? ratio).voxels
        let firstLevel = levels(first)
        let keep = core.indices.map { core[$0] >= 0 && first[core[$0]] >= firstLevel[$0] }
        let voxels = shown(first, firstLevel, keep: keep)
        guard previous.ownRatio != nil else { return ShownBefore(voxels: voxels, asSeries: nil) }
        let asSeries = shown(ratio.voxels, levels(ratio.voxels), keep: keep)
        return ShownBefore(voxels: voxels, asSeries: asSeries)
    }
}

/// The parts of a later visit's lesions that the previous visit's image already showed
/// (`FLAIRLesionSegmentation.shownBefore`), on the later visit's grid.
public struct ShownBefore: Sendable {
    /// As the previous visit's own image showed them: what was there.
    public var voxels: Volume<Bool>
    /// As that image re-acquired as the later visit's coarser series shows them: what the later
    /// series would draw of it, so not growth. Nil when the series is not coarser.
    public var asSeries: Volume<Bool>?

    public init(voxels: Volume<Bool>, asSeries: Volume<Bool>?) {
        precondition(asSeries.map { $0.size == voxels.size } ?? true, "the shown voxels are on two grids")
        self.voxels = voxels
        self.asSeries = asSeries
    }
}

/// What `FLAIRLesionSegmentation.segment` found in a visit's FLAIR.
public struct FLAIRLesions: Sendable {
    /// The lesion voxels.
    public var lesions: Volume<Bool>
    /// The FLAIR as a ratio to the patient's white matter (NaN outside the segmentation's box).
    public var ratio: Volume<Float>
    /// Where lesions could grow.
    public var region: Volume<Bool>
    /// The mostly cortical lesions dropped; nil when `cortexMaximumFraction` is 1.
    public var cortical: Volume<Bool>?
    /// The lesions dropped as unchanged since the previous visit (`dropUnchanged`); nil when the
    /// rule did not apply (off, the first visit, or a previous visit without a FLAIR).
    public var unchanged: Volume<Bool>?
    /// The lesions that hold no seed at `seedRatio`, found by their change alone
    /// (`changeSeedRatio`); nil when change seeds did not apply.
    public var foundByChange: Volume<Bool>?
    /// The voxels within `ventricleMarginMM` of the ventricles (the patient's own with
    /// `ventricleCSFRatio`), where no seed lies without `ventricleWallSeeds` (false outside the
    /// segmentation's box, which holds them all).
    public var nearVentricles: Volume<Bool>
    /// The lesions dropped as lying wholly within `nearVentricles` (`ventricleWallSeeds`); nil
    /// when that rule is off.
    public var withinVentricleMargin: Volume<Bool>? = nil
    /// The voxels of the lesions kept although no voxel of them rose, because they grew by the
    /// enlarging rule (`PreviousVisit.hasGrown`): read by `dropUnchanged` or, for a mostly
    /// cortical lesion, by the cortex rule (each lesion once). Nil at a first visit (no previous
    /// visit).
    public var keptAsGrownVoxels: Int? = nil
}

/// The patient's previous visit on the grid of the visit being segmented: what its lesions are
/// compared with (`FLAIRLesionSegmentation`'s `cortexMaximumFraction`, `dropUnchanged` and
/// `changeSeedRatio`).
public struct PreviousVisit: Sendable {
    /// The previous visit's FLAIR as a ratio to its white matter, as the visit being segmented
    /// would show it (re-acquired as its series when that is coarser, `Reacquisition`); NaN where
    /// unknown. Nil when the previous visit has none (its lesions came from a segmenter's map).
    public var ratio: Volume<Float>?
    /// The previous visit's T2 lesions.
    public var lesions: Volume<Bool>
    /// The previous visit's FLAIR ratio at its own resolution, when `ratio` is it re-acquired;
    /// nil otherwise. Re-acquisition blurs the previous image a second time (its own
    /// acquisition, then the series'), so it reads a small bright structure's core lower than
    /// the series shows it: there the finer image's own value says whether the signal rose.
    public var ownRatio: Volume<Float>?
    /// How far `isUnchanged` looks around a voxel for the previous visit's signal, in voxels along
    /// each axis: it compares with the brightest known value of each ratio in that box. [0, 0, 0]:
    /// the voxel itself.
    public var neighbourhood: [Int] = [0, 0, 0]
    /// Whether a lesion of `later` voxels grew from `earlier` (the comparison's enlarging rule,
    /// `MatchingRule.volumeState`); nil: growth is not read, and `hasGrown` is false.
    public var grew: (@Sendable (_ earlier: Int, _ later: Int) -> Bool)?

    /// A rise of the FLAIR ratio by this much (of white matter) at a voxel is change: the
    /// distance from white matter (1) to `grow_ratio`'s default (1.2). LesionTrack's own.
    public static let changeRatio = 0.2

    public init(ratio: Volume<Float>?, lesions: Volume<Bool>, ownRatio: Volume<Float>? = nil) {
        precondition(ratio.map { $0.size == lesions.size } ?? true, "the previous visit's maps are on two grids")
        precondition(ownRatio.map { $0.size == lesions.size } ?? true, "the previous visit's maps are on two grids")
        self.ratio = ratio
        self.lesions = lesions
        self.ownRatio = ownRatio
    }

    /// The voxels of the visit being segmented (its FLAIR ratio, `current`) whose ratio is at least
    /// `changeRatio` above the previous visit's, or unknown in either; nil without the previous
    /// ratio. Where a lesion of that visit grew, its FLAIR rose (`LesionMatcher.match`'s `changed`).
    public func changed(_ current: Volume<Float>) -> Volume<Bool>? {
        guard let ratio else { return nil }
        precondition(current.size == ratio.size, "the previous visit is on another grid")
        let rise = Float(Self.changeRatio)
        return Volume(size: current.size, voxels: zip(current.voxels, ratio.voxels).map { !($0 - $1 < rise) })
    }

    /// This visit inside `box` (`SegmentationBox.crop`), every other field as it is.
    func cropped(to box: SegmentationBox) -> PreviousVisit {
        var visit = self
        visit.ratio = ratio.map { box.crop($0) }
        visit.lesions = box.crop(lesions)
        visit.ownRatio = ownRatio.map { box.crop($0) }
        return visit
    }

    /// This visit, with `isUnchanged` looking `radius` voxels around each voxel (`neighbourhood`):
    /// a structure the series shows a voxel or two off did not rise where it now lies.
    public func lookingNearby(radius: [Int]) -> PreviousVisit {
        precondition(radius.count == 3 && radius.allSatisfy { $0 >= 0 })
        var visit = self
        visit.neighbourhood = radius
        return visit
    }

    /// The brightest known value of `volume` in the box of `radius` voxels around voxel `n` (off
    /// the grid left out); NaN when voxel `n` itself is (a NaN neighbour never wins, and what is
    /// unknown at the voxel is not made known by its neighbours). Only the lesions' voxels ask, so
    /// each reads its own box (at most 5 × 5 × 5 values at 2 mm on a 1 mm grid).
    static func brightest(_ volume: Volume<Float>, at n: Int, radius: [Int]) -> Float {
        var best = volume.voxels[n]
        guard !best.isNaN, radius[0] | radius[1] | radius[2] > 0 else { return best }
        let s = volume.size
        let (i, j, k) = (n % s.nx, (n / s.nx) % s.ny, n / (s.nx * s.ny))
        volume.voxels.withUnsafeBufferPointer { v in
            for c in max(0, k - radius[2])...min(s.nz - 1, k + radius[2]) {
                for b in max(0, j - radius[1])...min(s.ny - 1, j + radius[1]) {
                    let row = (c * s.ny + b) * s.nx
                    for a in max(0, i - radius[0])...min(s.nx - 1, i + radius[0]) where v[row + a] > best { best = v[row + a] }
                }
            }
        }
        return best
    }

    /// Whether a lesion of the visit being segmented (its voxel offsets) grew since this visit by
    /// `grew`: its voxels are the later volume; the earlier is the voxels within `neighbourhood`
    /// of it (the same box `isUnchanged` reads) that the previous visit showed at the level the
    /// lesion's own edge was drawn at (`edge` of its peak in `current`), in `ratio` or in
    /// `ownRatio`. False without `grew` or the previous ratio. O(lesion voxels × the box), one mark
    /// per voxel of the lesion's bounding box.
    ///
    /// A lesion the previous visit missed (dropped as cortical at the first visit, say) shows no
    /// voxel rising by `changeRatio` where it grew by a millimetre, since the brightest within the
    /// box is its old core; its volume did rise.
    ///
    /// Both previous images count: re-acquisition blurs the previous image a second time, so it
    /// reads a structure's core lower than the series now shows it, and the finer own image shows
    /// what it held. Both are read at the lesion's level, not each at its own edge level: under
    /// slices thicker than a lesion its peak carries its size, and its own half-maximum edge would
    /// draw it as large as the slices whatever its size (seed 417 small, docs/segmentation.md).
    public func hasGrown(
        _ lesion: some Collection<Int32>, ratio current: Volume<Float>, edge: (_ peak: Float) -> Float
    ) -> Bool {
        guard let grew, let ratio, !lesion.isEmpty else { return false }
        precondition(current.size == ratio.size, "the previous visit is on another grid")
        let s = ratio.size
        let radius = neighbourhood
        var low = [Int.max, Int.max, Int.max]
        var high = [Int.min, Int.min, Int.min]
        for n in lesion {
            let (i, j, k) = (Int(n) % s.nx, (Int(n) / s.nx) % s.ny, Int(n) / (s.nx * s.ny))
            (low[0], high[0]) = (min(low[0], i), max(high[0], i))
            (low[1], high[1]) = (min(low[1], j), max(high[1], j))
            (low[2], high[2]) = (min(low[2], k), max(high[2], k))
        }
        let limit = [s.nx - 1, s.ny - 1, s.nz - 1]
        for a in 0..<3 { (low[a], high[a]) = (max(0, low[a] - radius[a]), min(limit[a], high[a] + radius[a])) }
        let (bx, by) = (high[0] - low[0] + 1, high[1] - low[1] + 1)
        var near = [Bool](repeating: false, count: bx * by * (high[2] - low[2] + 1))
        for n in lesion {
            let (i, j, k) = (Int(n) % s.nx, (Int(n) / s.nx) % s.ny, Int(n) / (s.nx * s.ny))
            for c in max(low[2], k - radius[2])...min(high[2], k + radius[2]) {
                for b in max(low[1], j - radius[1])...min(high[1], j + radius[1]) {
                    let row = ((c - low[2]) * by + (b - low[1])) * bx - low[0]
                    for a in max(low[0], i - radius[0])...min(high[0], i + radius[0]) { near[row + a] = true }
                }
            }
        }
        // NaN fails `>=`: an unknown voxel sets no peak and showed nothing.
        let level = edge(lesion.reduce(-Float.infinity) { max($0, current.voxels[Int($1)]) })
        var earlier = 0
        for c in low[2]...high[2] {
            for b in low[1]...high[1] {
                for a in low[0]...high[0] where near[((c - low[2]) * by + (b - low[1])) * bx + (a - low[0])] {
                    let n = (c * s.ny + b) * s.nx + a
                    if ratio.voxels[n] >= level || (ownRatio.map { $0.voxels[n] >= level } ?? false) { earlier += 1 }
                }
            }
        }
        return grew(earlier, lesion.count)
    }

    /// Whether a lesion of the visit being segmented (its voxel offsets) is unchanged since this
    /// visit: it shares no voxel with the previous visit's lesions (a lesion counted before is never
    /// dropped), and at each of its voxels `ratio` is less than `changeRatio` above the previous
    /// ratio, or at most the previous visit's own (`ownRatio`: the finer image already showed that
    /// signal there), and known in both; "the previous" is the brightest within `neighbourhood`.
    /// Without the previous ratio nothing is unchanged.
    public func isUnchanged(_ lesion: some Collection<Int32>, ratio current: Volume<Float>) -> Bool {
        guard let ratio else { return false }
        precondition(current.size == ratio.size, "the previous visit is on another grid")
        // A NaN fails every comparison: unknown is change.
        let rise = Float(Self.changeRatio)
        let radius = neighbourhood
        return lesion.allSatisfy { n in
            let now = current.voxels[Int(n)]
            guard !lesions.voxels[Int(n)], now.isFinite else { return false }
            let before = Self.brightest(ratio, at: Int(n), radius: radius)
            guard before.isFinite else { return false }
            return now - before < rise || (ownRatio.map { Self.brightest($0, at: Int(n), radius: radius) >= now } ?? false)
        }
    }
}
