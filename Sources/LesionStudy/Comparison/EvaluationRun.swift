import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan

/// `evaluate REFERENCE TEST`: lesion-wise detection and voxel-wise Dice of a segmentation against
/// a reference, by the animaSegPerfAnalyzer rule (see `LesionwiseEvaluation`).
///
/// Both files are thresholded at `threshold` (value ≥ threshold), labelled with `connectivity`
/// (Anima: 6) and kept when strictly larger than `minimumVolumeMM3` (Anima: components of more
/// than ⌊3 mm³ / voxel volume⌋ voxels). Dice is over the whole thresholded masks, before the size
/// floor, as Anima computes it. Files on different grids are refused, as Anima refuses them.
public struct EvaluationRun: Sendable {
    public let reference: ScanHeader
    public let test: ScanHeader
    public let threshold: Double
    public let connectivity: Connectivity
    public let minimumVolumeMM3: Double
    /// The size floor in voxels that "strictly larger than minimumVolumeMM3" gives on this grid.
    public let minimumVoxels: Int
    public let referenceLesions: LesionLabelling
    public let testLesions: LesionLabelling
    public let evaluation: LesionwiseEvaluation
    public let voxels: MaskOverlap

    /// The largest voxel displacement between the two files' affines that still counts as one grid.
    public static let gridToleranceMM = GridRule.default.sameGridToleranceMM

    public static func run(
        reference referencePath: String, test testPath: String, threshold: Double, criteria: DetectionCriteria,
        minimumVolumeMM3: Double, connectivity: Connectivity, reader: NIfTIReader
    ) throws(ScanError) -> EvaluationRun {
        let reference = try reader.read(referencePath)
        let test = try reader.read(testPath)
        guard let placement = GridPlacement(source: test.geometry, onto: reference.geometry) else {
            throw ScanError(testPath, "its affine is singular")
        }
        guard let displacement = placement.cornerDisplacementMM, displacement <= gridToleranceMM else {
            let why =
                test.geometry.size != reference.geometry.size
                ? "dimensions \(test.geometry.size) differ from \(reference.geometry.size)"
                : "its affine places voxels up to \(JSON.number(placement.cornerDisplacementMM!)) mm away"
            throw ScanError(
                testPath,
                "not on the grid of \(referencePath): \(why); evaluate compares voxel for voxel and does not resample (as animaSegPerfAnalyzer): use `lesiontrack compare` or resample first"
            )
        }
        let voxelVolume = reference.geometry.voxelVolumeMM3
        let perVoxel = (minimumVolumeMM3 / voxelVolume).rounded(.down)
        guard perVoxel < Double(Int32.max) else {
            throw ScanError(referencePath, "--min-volume \(JSON.number(minimumVolumeMM3)) mm³ is more voxels than any scan holds")
        }
        let minimumVoxels = Int(perVoxel) + 1
        let options = LabelOptions(
            window: IntensityWindow(lower: threshold), connectivity: connectivity,
            floor: SizeFloor(minimumVoxels: minimumVoxels))
        let referenceLesions = ScanLabeller.label(reference, options: options)
        let testLesions = ScanLabeller.label(test, options: options)
        let mask = { (scan: Scan) in ScaledVolume.of(scan).map { $0 >= threshold } }
        return EvaluationRun(
            reference: reference.header, test: test.header, threshold: threshold, connectivity: connectivity,
            minimumVolumeMM3: minimumVolumeMM3, minimumVoxels: minimumVoxels, referenceLesions: referenceLesions,
            testLesions: testLesions,
            evaluation: LesionwiseEvaluation(reference: referenceLesions.map, test: testLesions.map, criteria: criteria),
            voxels: MaskOverlap(mask(reference), mask(test)))
    }
}
