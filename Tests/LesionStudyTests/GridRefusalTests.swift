import Foundation
import LesionIO
import LesionKernels
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("Pairs that cannot be put on one grid are refused, naming both files")
struct GridRefusalTests {
    let pipeline = PipelineFile(path: "built-in", sha256: "", pipeline: .standard)
    let lesions = [VoxelBox(5...8, 5...8, 5...8)]

    func visit(_ t2: String, brain: String? = nil) throws -> VisitInputs {
        try VisitInputs(
            session: nil, acquisitionTime: nil, t2File: t2, t2Source: Pipeline.standard.t2Sources[0], gdFile: nil,
            gdSource: nil, preContrastFile: nil, brainMaskFile: brain)
    }

    /// Compares a baseline on the standard grid with a follow-up on `grid`; returns the error.
    func refusal(followUp grid: SyntheticGrid, in directory: String) throws -> ScanError? {
        let baseline = directory + "/baseline.nii.gz", followUp = directory + "/followup.nii.gz"
        try GeneratedPatient.baselineGrid.writeMask(lesions, to: baseline)
        try grid.writeMask(lesions, to: followUp)
        do {
            _ = try LongitudinalRun.pair([try visit(baseline), try visit(followUp)], pipeline: pipeline, reader: NIfTIReader())
            return nil
        } catch let error as ScanError {
            return error
        }
    }

    @Test("no overlap in world space")
    func disjoint() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let far = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (500, -20, -10))
        let error = try #require(try refusal(followUp: far, in: directory))
        #expect(error.path == directory + "/followup.nii.gz")
        #expect(error.problem.hasPrefix("does not overlap \(directory)/baseline.nii.gz in world space"))
        #expect(error.kind == .invalidInput)
    }

    @Test("too little of the baseline's field covered: 75 % < 90 %")
    func partial() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let shifted = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-10, -20, -10))
        let error = try #require(try refusal(followUp: shifted, in: directory))
        #expect(error.path == directory + "/followup.nii.gz")
        #expect(
            error.problem
                == "covers only 75 % of the field of view of \(directory)/baseline.nii.gz (grid.min_field_coverage is 90 %): not compared")
    }

    @Test("the same shift is compared (resampled) when the pipeline allows 75 % coverage")
    func partialAllowed() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lenient = Pipeline.standard
        lenient.grid.minimumFieldCoverage = 0.75
        let baseline = directory + "/baseline.nii.gz", followUp = directory + "/followup.nii.gz"
        let lesion = VoxelBox(15...18, 5...8, 5...8)
        try GeneratedPatient.baselineGrid.writeMask([lesion], to: baseline)
        // Its grid starts 10 voxels further along i: the same world place is 10 voxels lower.
        try SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-10, -20, -10)).writeMask(
            [lesion.shifted(-10, 0, 0)], to: followUp)
        let run = try LongitudinalRun.pair(
            [try visit(baseline), try visit(followUp)],
            pipeline: PipelineFile(path: "lenient", sha256: "", pipeline: lenient), reader: NIfTIReader())
        #expect(run.visits[1].t2Fit == .resampled(method: .nearest, coverage: 0.75))
        #expect(run.ledger.counts[1].stableT2 == 1 && run.ledger.counts[1].t2VolumeMM3 == 64)
    }

    @Test("brain masks that overlap poorly: Dice 48/63 < 0.8")
    func brainMasks() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let grid = GeneratedPatient.baselineGrid
        let files = ["t2-1", "t2-2", "brain-1", "brain-2"].map { directory + "/" + $0 + ".nii.gz" }
        try grid.writeMask(lesions, to: files[0])
        try grid.writeMask(lesions, to: files[1])
        try grid.writeMask([GeneratedPatient.brain], to: files[2])
        try grid.writeMask([GeneratedPatient.brain.shifted(14, 0, 0)], to: files[3])
        do {
            _ = try LongitudinalRun.pair(
                [try visit(files[0], brain: files[2]), try visit(files[1], brain: files[3])], pipeline: pipeline,
                reader: NIfTIReader())
            Issue.record("compared scans whose brain masks overlap poorly")
        } catch let error as ScanError {
            #expect(error.path == files[3])
            #expect(
                error.problem
                    == "brain mask overlaps \(files[2]) poorly on the baseline grid: Dice 0.762 < 0.8 (grid.min_brain_mask_dice): the scans do not look co-registered"
            )
        }
        // A smaller shift passes: Dice 60/69.
        try grid.writeMask([GeneratedPatient.brain.shifted(8, 0, 0)], to: files[3])
        let run = try LongitudinalRun.pair(
            [try visit(files[0], brain: files[2]), try visit(files[1], brain: files[3])], pipeline: pipeline,
            reader: NIfTIReader())
        #expect(run.visits[1].brainMaskDice == 60.0 / 69)
    }

    @Test("a patient session on a disjoint grid stops the patient run")
    func patientSession() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try GeneratedPatient.write(into: root, visits: 0..<2)
        let moved = GeneratedPatient.t2File(root: root, visit: 1)
        try SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-20, -20, 300)).writeMask(lesions, to: moved)
        #expect {
            _ = try LongitudinalRun.patient(root, pipeline: pipeline, reader: NIfTIReader())
        } throws: { error in
            let e = error as! ScanError
            return e.path == moved && e.problem.contains(GeneratedPatient.t2File(root: root, visit: 0))
        }
    }
}
