import Foundation
import LesionEngines
import LesionIO
import LesionKernels
import StudyTestSupport
import Testing
import TestSupport

@testable import LesionStudy

@Suite(
    "A raw clinical patient (FLAIR, T1w, post-contrast T1w) read by the default pipeline: lesion growth and registered subtraction",
    .tags(.slow), .fullTierOnly,
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"),
    .enabled(if: RawPatient.generatorPresent, "Fixtures/generate_raw.py is absent: the raw-scan generator is not in this checkout"),
    .enabled(
        if: FileManager.default.fileExists(atPath: RawPatient.python),
        "the peers' Python environment is absent (.ci/install makes it): no raw patient can be generated"),
    .enabled(
        if: FileManager.default.fileExists(atPath: RawPatient.template + "/tpl_desc-head_T1w.nii.gz"),
        "the template kit is absent: build it with .ci/install-template"))
struct RawSegmentationTests {
    /// The truth's per-visit counts: `lesions` and `gd` by session.
    static func truthCounts(_ folder: String) throws -> [String: [String: Int]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/derivatives/truth/truth.json"))
        let truth = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return truth["counts"] as! [String: [String: Int]]
    }

    @Test(
        "with no masks and no flags, each visit's Gd+ count equals the generator's truth; its T2 count is at least the truth's, at most 6 more"
    )
    func countsEqualTruth() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 5, variant: "none")
        var pipeline = Pipeline.standard
        pipeline.registration.template = RawPatient.template
        // The built-in coverage rule: the thick-slice follow-up FLAIR, turned by the visit's pose,
        // covers 86-90 % of the baseline's field of view but all of its brain, over which
        // grid.min_field_coverage counts when the template's brain is on the grid.
        #expect(pipeline.grid.minimumFieldCoverage == 0.9)
        let subject = folder + "/sub-raw01"
        let patientFolder = try PatientFolder.open(subject, searchDerivatives: true)
        let visits = try VisitInputs.select(patientFolder, pipeline: pipeline)
        #expect(visits.map(\.t2Source.kind) == [.lesionGrowth, .lesionGrowth])
        #expect(visits.map { $0.gdSource?.kind } == [.subtraction, .subtraction])
        #expect(visits.allSatisfy { $0.t1File?.hasSuffix("_T1w.nii.gz") == true && $0.preContrastFile == $0.t1File })
        let run = try LongitudinalRun.patient(
            patientFolder, visits: visits, directory: subject, pipeline: PipelineFile(path: "test", sha256: "", pipeline: pipeline),
            reader: NIfTIReader(), eachVisit: nil, registration: RegistrationContext(transformsFolder: nil, threads: 2))
        print("segmentation kernels: \(run.segmentationSeconds) s for \(run.visits.count) visits (this build)")
        #expect(run.segmentationSeconds > 0)
        let truth = try Self.truthCounts(folder)
        for (n, visit) in run.visits.enumerated() {
            let session = try #require(visit.inputs.session)
            let counts = run.ledger.counts[n]
            print(
                "\(session): T2 \(counts.t2Lesions) (truth \(truth[session]!["lesions"]!)), Gd+ \(counts.gdLesions ?? -1) (truth \(truth[session]!["gd"]!))"
            )
            // Gd+ exact. T2: no fewer than the truth, and the generator's cortical FLAIR mimics
            // may add some (lesion-wise figures: RawSegmentationEvaluationTests).
            #expect(counts.t2Lesions >= truth[session]!["lesions"]!, "\(session)")
            #expect(counts.t2Lesions <= truth[session]!["lesions"]! + 6, "\(session)")
            #expect(counts.gdLesions == truth[session]!["gd"], "\(session)")
            guard case .enhancement(_, preContrast: true) = visit.gdRule else {
                Issue.record("\(session): Gd+ not found by registered subtraction: \(String(describing: visit.gdRule))")
                continue
            }
        }
    }
}
