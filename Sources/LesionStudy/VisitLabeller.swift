import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionPipeline

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
            let (placed, fit) = try grid.place(try reader.read(file), method: .nearest)
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
        }
        let t2 = try labelSource(inputs.t2File, inputs.t2Source, brain: brain?.mask, preContrast: nil)
        var gd: (labelling: LesionLabelling, fit: GridFit, rule: ForegroundRule, preFit: GridFit?)?
        if let file = inputs.gdFile, let source = inputs.gdSource {
            gd = try labelSource(file, source, brain: brain?.mask, preContrast: inputs.preContrastFile)
        }
        let record = VisitRecord(
            inputs: inputs, t2Fit: t2.fit, t2Rule: t2.rule, gdFit: gd?.fit, gdRule: gd?.rule,
            preContrastFit: gd?.preFit, brainMaskFit: brainFit, brainMaskDice: dice)
        return (VisitLesions(t2: t2.labelling, gd: gd?.labelling), record, brain)
    }

    private func labelSource(
        _ file: String, _ source: LesionSource, brain: Volume<Bool>?, preContrast: String?
    ) throws(ScanError) -> (labelling: LesionLabelling, fit: GridFit, rule: ForegroundRule, preFit: GridFit?) {
        let scan = try reader.read(file)
        switch source.kind {
        case .mask, .probseg:
            let (placed, fit) = try grid.place(scan, method: source.kind == .mask ? .nearest : .trilinear)
            return (labelled(placed, atLeast: source.threshold), fit, .threshold(source.threshold), nil)
        case .image:
            guard let brain else { preconditionFailure("VisitInputs refuses image sources without a brain mask") }
            let (placed, fit) = try grid.place(scan, method: .trilinear)
            let values = ScaledVolume.of(placed)
            let post = try statistics(values, brain, file)
            func z(_ v: Double, _ s: BrainStatistics) -> Double { (v - s.mean) / s.standardDeviation }
            guard let preContrast else {
                let score = values.voxels.indices.map { n in brain.voxels[n] ? z(values.voxels[n], post) : .nan }
                return (
                    labelled(grid.scan(Volume(size: values.size, voxels: score), path: file), atLeast: source.zThreshold),
                    fit, .zScore(zThreshold: source.zThreshold, brain: post), nil
                )
            }
            let (placedPre, preFit) = try grid.place(try reader.read(preContrast), method: .trilinear)
            let before = ScaledVolume.of(placedPre)
            let pre = try statistics(before, brain, preContrast)
            let score = values.voxels.indices.map { n in
                brain.voxels[n] ? z(values.voxels[n], post) - z(before.voxels[n], pre) : .nan
            }
            return (
                labelled(grid.scan(Volume(size: values.size, voxels: score), path: file), atLeast: source.subtractionZThreshold),
                fit, .subtraction(zThreshold: source.subtractionZThreshold, post: post, pre: pre), preFit
            )
        }
    }

    /// Foreground is value ≥ `threshold` (NaN never), labelled and measured by the fast kernel.
    private func labelled(_ scan: Scan, atLeast threshold: Double) -> LesionLabelling {
        ScanLabeller.label(
            scan,
            options: LabelOptions(
                window: IntensityWindow(lower: threshold), connectivity: pipeline.connectivity, floor: pipeline.floor))
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
