import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan

/// Reads one visit's files, places them on the reference grid, and labels its T2 and Gd lesions.
///
/// Masks are placed by nearest neighbour, probability maps and images by trilinear
/// interpolation. Masks and probability maps are then thresholded and labelled by
/// `ScanLabeller` (the fast kernel) with the pipeline's connectivity and size floor, measured on
/// the reference grid. Images become z-score volumes over the brain mask's voxels on the
/// reference grid (NaN outside the brain), labelled the same way at the z threshold.
struct VisitLabeller {
    let grid: ReferenceGrid
    let pipeline: Pipeline
    let reader: NIfTIReader
    /// Seconds the segmentation kernels took, summed over the visits labelled.
    let segmentationSeconds = SecondsTally()
    /// The FLAIR pass of the visit being labelled (lesion-growth), for the Gd source's FLAIR check
    /// and the T2 lesions its enhancing lesions seed.
    let pass = SegmentationPass()

    /// The baseline's brain mask, once read, for the overlap check of later visits.
    struct Brain {
        let file: String
        let mask: Volume<Bool>
    }

    func label(
        _ inputs: VisitInputs, baselineBrain: Brain?
    ) throws(ScanError) -> (lesions: VisitLesions, record: VisitRecord, brain: Brain?) {
        var brain: Brain?
        var brainFit: GridFit?
        var dice: Double?
        if let file = inputs.brainMaskFile {
            let (placed, fit) = try grid.place(try reader.readSingleVolume(file, role: "brain mask"), method: .nearest)
            let mask = ScaledVolume.of(placed).map { $0 > 0 }
            if let baselineBrain, baselineBrain.file != file {
                let overlap = MaskOverlap(baselineBrain.mask, mask).dice ?? 0
                guard overlap >= pipeline.grid.minimumBrainMaskDice else {
                    throw ScanError(
                        file,
                        "brain mask overlaps \(baselineBrain.file) poorly on the baseline grid: Dice \(JSON.number((overlap * 1000).rounded() / 1000)) < \(JSON.number(pipeline.grid.minimumBrainMaskDice)) (grid.min_brain_mask_dice): the scans do not look co-registered"
                    )
                }
                dice = overlap
            }
            brain = Brain(file: file, mask: mask)
            brainFit = fit
        } else if let derived = grid.templateBrain {
            brain = Brain(file: TemplateAnatomy.brainFile, mask: derived)
        }
        pass.flair = nil
        pass.second = nil
        var t2 = try labelSource(inputs.t2File, inputs.t2Source, brain: brain?.mask, preContrast: inputs.t1File, keepSpecks: true)
        var gd: (labelling: LesionLabelling, fit: GridFit, rule: ForegroundRule, preFit: GridFit?, specks: LesionLabelling?)?
        if let file = inputs.gdFile, let source = inputs.gdSource {
            gd = try labelSource(file, source, brain: brain?.mask, preContrast: inputs.preContrastFile)
        }
        if let gd, let seeded = seededByEnhancement(inputs.t2File, inputs.t2Source, rule: t2.rule, gd: gd.labelling, gdRule: gd.rule) {
            let (labelling, specks) = split(labelled(seeded.mask, atLeast: 0.5), scan: seeded.mask, keepSpecks: true)
            t2 = (labelling, t2.fit, seeded.rule, t2.preFit, specks)
        }
        pass.flair = nil
        pass.second = nil
        // The final T2 lesions' parts the previous visit's FLAIR already showed.
        var shownBefore: ShownBefore?
        if let (previous, nearVentricles) = pass.previousVisit {
            let start = ContinuousClock.now
            let (x, y, z) = grid.geometry.spacingMM
            shownBefore = inputs.t2Source.flair.shownBefore(
                t2.labelling.runs, count: t2.labelling.lesions.count, nearVentricles: nearVentricles, spacingMM: [x, y, z],
                previous: previous)
            segmentationSeconds.add(seconds(ContinuousClock.now - start))
            pass.previousVisit = nil
        }
        var registrations: [String: Affine] = [:]
        var coarsest: [String: Double] = [:]
        var t2PartialVolume = [0, 0, 0]
        for file in [inputs.t2File, inputs.gdFile].compactMap({ $0 }) {
            let geometry = try reader.readHeader(file).geometry
            let (x, y, z) = geometry.spacingMM
            coarsest[file] = max(x, y, z)
            let transform = grid.registration(of: file, geometry: geometry)
            if let transform { registrations[file] = transform }
            if file == inputs.t2File {
                t2PartialVolume = AcquiredVoxel.partialVolumeVoxels(
                    extent: AcquiredVoxel.extentOnGrid(file: geometry, registration: transform, grid: grid.geometry))
            }
        }
        let record = VisitRecord(
            inputs: inputs, t2Fit: t2.fit, t2Rule: t2.rule, gdFit: gd?.fit, gdRule: gd?.rule,
            preContrastFit: gd?.preFit, brainMaskFit: brainFit, brainMaskDice: dice, registrations: registrations,
            t2CoarsestVoxelMM: coarsest[inputs.t2File] ?? 0, gdCoarsestVoxelMM: inputs.gdFile.flatMap { coarsest[$0] })
        let lesions = VisitLesions(
            t2: t2.labelling, gd: gd?.labelling, t2Specks: t2.specks, partialVolumeVoxels: t2PartialVolume,
            earlierReacquired: pass.earlierReacquired, changed: pass.changed, shownBefore: shownBefore)
        pass.earlierReacquired = nil
        pass.changed = nil
        // A visit whose T2 lesions did not come from lesion growth leaves only its lesions.
        pass.previous = SegmentationPass.Visit(flair: pass.current, lesions: t2.labelling.map.labels.map { $0 != 0 })
        pass.current = nil
        return (lesions, record, brain)
    }

    /// A source's lesions and, with `keepSpecks`, the components under the reader's length floor.
    private func labelSource(
        _ file: String, _ source: LesionSource, brain: Volume<Bool>?, preContrast: String?, keepSpecks: Bool = false
    ) throws(ScanError) -> (labelling: LesionLabelling, fit: GridFit, rule: ForegroundRule, preFit: GridFit?, specks: LesionLabelling?) {
        let (labelling, fit, rule, preFit, scan) = try labelBeforeReaderFloor(file, source, brain: brain, preContrast: preContrast)
        let (kept, specks) = split(labelling, scan: scan, keepSpecks: keepSpecks)
        return (kept, fit, rule, preFit, specks)
    }

    /// A labelling under every floor but the reader's length, split by it: the lesions the floor
    /// keeps, and with `keepSpecks` the specks it drops.
    private func split(_ labelling: LesionLabelling, scan: Scan, keepSpecks: Bool) -> (LesionLabelling, LesionLabelling?) {
        let minimum = pipeline.floor.minimumReaderLengthMM
        guard minimum > 0 else { return (labelling, nil) }
        let whole = LesionLabelling(
            runs: labelling.runs, lesions: labelling.lesions, foregroundVoxels: labelling.foregroundVoxels,
            componentsBeforeFloor: labelling.componentsBeforeFloor, connectivity: labelling.connectivity, floor: pipeline.floor)
        let affine = scan.geometry.affine
        return (whole.keepingReaderLength(affine: affine), keepSpecks ? whole.underReaderLength(minimum, affine: affine) : nil)
    }

    /// The T2 mask with the lesions the visit's Gd+ lesions seed (`FLAIRLesionSegmentation`
    /// `.growing(fromEnhancing:)`), and its rule, when a lesion-growth T2 source with
    /// `enhancing_seeds` and a subtraction Gd source found voxels it had not; else nil. The Gd+
    /// lesions that count seed (every size floor applied): a speck does not.
    private func seededByEnhancement(
        _ file: String, _ source: LesionSource, rule: ForegroundRule, gd: LesionLabelling, gdRule: ForegroundRule
    ) -> (mask: Scan, rule: ForegroundRule)? {
        guard source.flair.enhancingSeeds,
            case .lesionGrowth(
                let f, let t1, _, let cortical, let reacquired, let changeKnown, let unchanged, let byChange, let margin, let keptAsGrown) =
                rule,
            case .enhancement = gdRule,
            let flair = pass.flair, !gd.lesions.isEmpty
        else { return nil }
        let start = ContinuousClock.now
        let enhancing = gd.map.labels.map { $0 != 0 }
        let (x, y, z) = grid.geometry.spacingMM
        let grown = f.growing(fromEnhancing: enhancing, ratio: flair.ratio, region: flair.region, spacingMM: [x, y, z])
        var union = flair.found
        var added = 0
        for n in union.voxels.indices where grown.voxels[n] && !union.voxels[n] {
            union.voxels[n] = true
            added += 1
        }
        segmentationSeconds.add(seconds(ContinuousClock.now - start))
        guard added > 0 else { return nil }
        return (
            grid.scan(union.map { $0 ? 1.0 : 0.0 }, path: file),
            .lesionGrowth(
                f, t1: t1, enhancementVoxels: added, corticalVoxels: cortical, reacquiredVoxels: reacquired, changeKnown: changeKnown,
                unchangedVoxels: unchanged, changeVoxels: byChange, marginVoxels: margin, grownVoxels: keptAsGrown)
        )
    }

    /// A source's lesions under every floor but the reader's length, and the scan they were labelled on.
    private func labelBeforeReaderFloor(
        _ file: String, _ source: LesionSource, brain: Volume<Bool>?, preContrast: String?
    ) throws(ScanError) -> (labelling: LesionLabelling, fit: GridFit, rule: ForegroundRule, preFit: GridFit?, scan: Scan) {
        let scan = source.kind.readsImage ? try reader.read(file) : try reader.readSingleVolume(file, role: "lesion map")
        switch source.kind {
        case .lesionGrowth, .subtraction:
            guard let brain, let maps = grid.templateAnatomy else {
                preconditionFailure("VisitInputs refuses segmentation sources without the template's anatomy")
            }
            let (placed, fit) = try grid.place(scan, method: .trilinear)
            var second: (values: Volume<Float>, fit: GridFit)?
            if let preContrast {
                second = try placedOnce(preContrast)
            }
            let anatomy = SegmentationAnatomy(
                brain: brain, whiteMatter: maps["white_matter"]!, cortex: maps["cortex"]!, ventricles: maps["ventricles"]!,
                spacingMM: [grid.geometry.spacingMM.0, grid.geometry.spacingMM.1, grid.geometry.spacingMM.2])
            let start = ContinuousClock.now
            let found: Volume<Bool>
            let rule: ForegroundRule
            if source.kind == .lesionGrowth {
                let flair = ScaledVolume.floats(of: placed)
                let registration = grid.registration(of: file, geometry: scan.geometry)
                let (x, y, z) = scan.geometry.spacingMM
                let voxel = [x, y, z]
                // The previous visit as this series would have shown it, when this series is
                // coarser: its FLAIR ratio and its lesions, found by the same method.
                let earlier = pass.previous?.flair.flatMap { previous -> (lesions: Volume<Bool>, ratio: Volume<Float>)? in
                    guard AcquiredVoxel.isCoarser(voxel, than: previous.voxel, grid: grid.geometry),
                        let again = Reacquisition.reacquired(
                            previous.values, grid: grid.geometry, series: scan.geometry, gridToSeriesWorld: registration,
                            threads: grid.threads, within: source.flair.readBox(anatomy: anatomy))
                    else { return nil }
                    let r = source.flair.segment(flair: again, t1: previous.t1, anatomy: anatomy)
                    return (r.lesions, r.ratio)
                }
                pass.earlierReacquired = earlier?.lesions
                // After the patient's first visit, a mostly cortical lesion is dropped only when
                // unchanged since the previous visit; a previous visit without a FLAIR shows no
                // change, so nothing is dropped then.
                // A lesion that grew by the comparison's enlarging rule is not unchanged.
                let previous = pass.previous.map {
                    $0.compared(reacquired: earlier?.ratio, matching: pipeline.matching, voxelVolumeMM3: grid.geometry.voxelVolumeMM3)
                }
                let r = source.flair.segment(flair: flair, t1: second?.values, anatomy: anatomy, previous: previous)
                pass.current = SegmentationPass.FLAIR(values: flair, t1: second?.values, voxel: voxel, ratio: r.ratio)
                pass.changed = previous?.changed(r.ratio)
                pass.previousVisit = source.flair.earlierSignal ? previous.map { ($0, r.nearVentricles) } : nil
                found = r.lesions
                pass.flair = (r.lesions, r.ratio, r.region)
                func count(_ mask: Volume<Bool>?) -> Int? { mask?.voxels.reduce(0) { $0 + ($1 ? 1 : 0) } }
                rule = .lesionGrowth(
                    source.flair, t1: second != nil, enhancementVoxels: 0, corticalVoxels: count(r.cortical) ?? 0,
                    reacquiredVoxels: count(earlier?.lesions), changeKnown: pass.changed != nil,
                    unchangedVoxels: count(r.unchanged), changeVoxels: count(r.foundByChange),
                    marginVoxels: count(r.withinVentricleMargin), grownVoxels: r.keptAsGrownVoxels)
            } else {
                let r = source.enhancement.segment(
                    post: ScaledVolume.floats(of: placed), pre: second?.values, flairRatio: pass.flair?.ratio, anatomy: anatomy)
                found = r.lesions
                rule = .enhancement(source.enhancement, preContrast: second != nil)
            }
            segmentationSeconds.add(seconds(ContinuousClock.now - start))
            let mask = grid.scan(found.map { $0 ? 1.0 : 0.0 }, path: file)
            // The T1w of a lesion-growth source is not a pre-contrast image: only Gd records one.
            return (labelled(mask, atLeast: 0.5), fit, rule, source.kind == .subtraction ? second?.fit : nil, mask)
        case .mask, .probseg:
            let (placed, fit) = try grid.place(scan, method: source.kind == .mask ? .nearest : .trilinear)
            return (labelled(placed, atLeast: source.threshold), fit, .threshold(source.threshold), nil, placed)
        case .image:
            guard let brain else { preconditionFailure("VisitInputs refuses image sources without a brain mask") }
            let (placed, fit) = try grid.place(scan, method: .trilinear)
            let values = ScaledVolume.of(placed)
            let post = try statistics(values, brain, file)
            func z(_ v: Double, _ s: BrainStatistics) -> Double { (v - s.mean) / s.standardDeviation }
            guard let preContrast else {
                let score = values.voxels.indices.map { n in brain.voxels[n] ? z(values.voxels[n], post) : .nan }
                let scored = grid.scan(Volume(size: values.size, voxels: score), path: file)
                return (labelled(scored, atLeast: source.zThreshold), fit, .zScore(zThreshold: source.zThreshold, brain: post), nil, scored)
            }
            let (placedPre, preFit) = try grid.place(try reader.read(preContrast), method: .trilinear)
            let before = ScaledVolume.of(placedPre)
            let pre = try statistics(before, brain, preContrast)
            let score = values.voxels.indices.map { n in
                brain.voxels[n] ? z(values.voxels[n], post) - z(before.voxels[n], pre) : .nan
            }
            let scored = grid.scan(Volume(size: values.size, voxels: score), path: file)
            return (
                labelled(scored, atLeast: source.subtractionZThreshold), fit,
                .subtraction(zThreshold: source.subtractionZThreshold, post: post, pre: pre), preFit, scored
            )
        }
    }

    private func seconds(_ elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// A second image of a segmentation (the T1w of the FLAIR's source, the pre-contrast T1w of
    /// the Gd source) placed on the grid as float32: read and resampled once per visit, as the
    /// session's T1w usually serves both.
    private func placedOnce(_ file: String) throws(ScanError) -> (values: Volume<Float>, fit: GridFit) {
        if let placed = pass.second, placed.file == file { return (placed.values, placed.fit) }
        let (scan, fit) = try grid.place(try reader.read(file), method: .trilinear)
        let values = ScaledVolume.floats(of: scan)
        pass.second = (file, values, fit)
        return (values, fit)
    }

    /// Foreground is value ≥ `threshold` (NaN never), labelled and measured by the fast kernel
    /// under every floor but the reader's length, which `labelSource` applies after.
    private func labelled(_ scan: Scan, atLeast threshold: Double) -> LesionLabelling {
        var floor = pipeline.floor
        floor.minimumReaderLengthMM = 0
        return ScanLabeller.label(
            scan,
            options: LabelOptions(window: IntensityWindow(lower: threshold), connectivity: pipeline.connectivity, floor: floor))
    }

    private func statistics(_ values: Volume<Double>, _ brain: Volume<Bool>, _ file: String) throws(ScanError) -> BrainStatistics {
        var count = 0, sum = 0.0
        for n in values.voxels.indices where brain.voxels[n] && values.voxels[n].isFinite {
            count += 1
            sum += values.voxels[n]
        }
        let mean = count > 0 ? sum / Double(count) : 0
        var squares = 0.0
        for n in values.voxels.indices where brain.voxels[n] && values.voxels[n].isFinite {
            squares += (values.voxels[n] - mean) * (values.voxels[n] - mean)
        }
        let sd = count > 0 ? (squares / Double(count)).squareRoot() : 0
        guard count >= 2, sd > 0 else {
            throw ScanError(file, "its intensities inside the brain mask are constant or missing (\(count) voxels): no z-score")
        }
        return BrainStatistics(mean: mean, standardDeviation: sd, voxelCount: count)
    }
}

/// A running total of seconds, shared by the copies of the labeller that adds to it.
final class SecondsTally: @unchecked Sendable {
    private(set) var seconds = 0.0
    func add(_ value: Double) { seconds += value }
}

/// What the T2 source of the visit being labelled keeps for its Gd source: the FLAIR's ratio (for
/// the FLAIR check), its lesions and the region they grew in (for the lesions Gd+ lesions seed);
/// and, from visit to visit of the patient, the previous visit (`PreviousVisit`, `Reacquisition`).
final class SegmentationPass: @unchecked Sendable {
    var flair: (found: Volume<Bool>, ratio: Volume<Float>, region: Volume<Bool>)?
    /// The visit's second image on the grid (`VisitLabeller.placedOnce`).
    var second: (file: String, values: Volume<Float>, fit: GridFit)?
    /// A visit's lesion-growth FLAIR as the next visit needs it: on the grid, with the T1w it was
    /// segmented with, its voxel size (mm), to re-acquire it as a coarser series
    /// (`Reacquisition`), and its white-matter ratio.
    struct FLAIR {
        var values: Volume<Float>
        var t1: Volume<Float>?
        var voxel: [Double]
        var ratio: Volume<Float>
    }
    /// A labelled visit as the next one needs it: its FLAIR (nil without a lesion-growth source)
    /// and its T2 lesions.
    struct Visit {
        var flair: FLAIR?
        var lesions: Volume<Bool>

        /// This visit as the next visit's segmentation compares with it: its FLAIR ratio, or that
        /// FLAIR re-acquired as the next visit's coarser series (`reacquired`) with its own ratio
        /// beside it; its lesions; and growth read by the comparison's enlarging rule
        /// (`MatchingRule.volumeState` on voxel counts of `voxelVolumeMM3`, the grid's).
        func compared(reacquired: Volume<Float>?, matching: MatchingRule, voxelVolumeMM3: Double) -> PreviousVisit {
            var visit = PreviousVisit(
                ratio: reacquired ?? flair?.ratio, lesions: lesions, ownRatio: reacquired == nil ? nil : flair?.ratio)
            visit.grew = { matching.volumeState(earlierVoxels: $0, laterVoxels: $1, voxelVolumeMM3: voxelVolumeMM3) == .enlarging }
            return visit
        }
    }
    /// The patient's previous visit; nil while the first is labelled. (A visit that fails ends
    /// the patient's run, and this labeller with it.)
    var previous: Visit?
    /// The FLAIR of the visit being labelled, until it is labelled.
    var current: FLAIR?
    /// The previous visit's lesions as the visit being labelled would show them, when re-acquired.
    var earlierReacquired: Volume<Bool>?
    /// The voxels of the visit being labelled whose FLAIR changed since the previous visit.
    var changed: Volume<Bool>?
    /// The previous visit as the T2 source of the visit being labelled read it, when that source
    /// reads lesions against it (`FLAIRLesionSegmentation.earlierSignal`), with the ventricle
    /// margin of its segmentation of the visit (`FLAIRLesions.nearVentricles`).
    var previousVisit: (PreviousVisit, nearVentricles: Volume<Bool>)?
}
