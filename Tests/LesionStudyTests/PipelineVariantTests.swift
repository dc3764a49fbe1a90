import Foundation
import LesionIO
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("The variant pipelines in Pipelines/")
struct PipelineVariantTests {
    @Test("maps-only: the default without raw-image sources, so raw images are left alone")
    func mapsOnly() throws {
        let file = try PipelineFile.load(CommandRunner.repositoryRoot + "/Pipelines/maps-only.yaml")
        var expected = Pipeline.standard
        expected.name = "maps-only"
        expected.t2Sources.removeAll { $0.kind.readsImage }
        expected.gdSources.removeAll { $0.kind.readsImage }
        expected.registration.mode = .none
        #expect(file.pipeline == expected)

        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for session in ["ses-1", "ses-2"] {
            let raw = "\(root)/sub-a/\(session)/anat", derived = "\(root)/derivatives/seg/sub-a/\(session)/anat"
            try makeDirectories(raw)
            try makeDirectories(derived)
            try writeText("", to: "\(raw)/sub-a_\(session)_ce-gadolinium_T1w.nii.gz")
            try writeText("", to: "\(derived)/sub-a_\(session)_label-T2lesion_mask.nii.gz")
        }
        let folder = try PatientFolder.open(root, searchDerivatives: true)
        // The default reads the raw post-contrast T1w by subtraction (with the template's anatomy).
        #expect(try VisitInputs.select(folder, pipeline: .standard).allSatisfy { $0.gdSource?.kind == .subtraction })
        let visits = try VisitInputs.select(folder, pipeline: file.pipeline)
        #expect(visits.allSatisfy { $0.gdFile == nil && $0.t2Source.kind == .mask })
    }
}
