import Foundation
import LesionIO
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("BIDS discovery: the participant, session order, the files of each role")
struct PatientFolderTests {
    /// A study with empty NIfTI-named files: discovery reads names, not voxels.
    func study(_ sessions: [String], table: String?) throws -> String {
        let root = try Fixtures.temporaryDirectory()
        for session in sessions {
            let anat = "\(root)/sub-a/\(session)/anat"
            try makeDirectories(anat)
            try writeText("", to: "\(anat)/sub-a_\(session)_FLAIR.nii.gz")
            try writeText("", to: "\(anat)/sub-a_\(session)_FLAIR.json")
        }
        if let table { try writeText(table, to: "\(root)/sub-a/sub-a_sessions.tsv") }
        return root
    }

    @Test("the study root or the sub- folder; natural order without acq_time")
    func naturalOrder() throws {
        let root = try study(["ses-10", "ses-2", "ses-1"], table: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for directory in [root, root + "/", root + "/sub-a"] {
            let folder = try PatientFolder.open(directory, searchDerivatives: true)
            #expect(folder.participantID == "sub-a")
            #expect(folder.sessions.map(\.label) == ["ses-1", "ses-2", "ses-10"])
            #expect(folder.sessions[0].files == ["\(root)/sub-a/ses-1/anat/sub-a_ses-1_FLAIR.nii.gz"])
            #expect(folder.sessions.allSatisfy { $0.acquisitionTime == nil })
        }
    }

    @Test("acq_time decides the order when the sessions table has it")
    func timeOrder() throws {
        let table =
            "session_id\tacq_time\tjcv_index\nses-a\t2021-05-01\tn/a\nses-b\t2020-11-30T08:00:00\t1.2\nses-c\t2021-05-01T00:00:01\tn/a\n"
        let root = try study(["ses-a", "ses-b", "ses-c"], table: table)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = try PatientFolder.open(root, searchDerivatives: false)
        #expect(folder.sessions.map(\.label) == ["ses-b", "ses-a", "ses-c"])
        #expect(folder.sessions.map(\.acquisitionTime) == ["2020-11-30T08:00:00", "2021-05-01", "2021-05-01T00:00:01"])
        #expect(folder.sessionsTable?.value("jcv_index", row: 1) == "1.2")
    }

    @Test("a session without acq_time, or a malformed one, is refused naming the table")
    func badTimes() throws {
        for (table, problem) in [
            ("session_id\tacq_time\nses-a\t2021-05-01\nses-b\tn/a\n", "no acq_time for ses-b"),
            ("session_id\tacq_time\nses-a\t2021-05-01\nses-b\t05/03/2021\n", "line 3: acq_time \"05/03/2021\" of ses-b is not an ISO 8601"),
        ] {
            let root = try study(["ses-a", "ses-b"], table: table)
            defer { try? FileManager.default.removeItem(atPath: root) }
            #expect {
                _ = try PatientFolder.open(root, searchDerivatives: false)
            } throws: { error in
                let e = error as! ScanError
                return e.path == "\(root)/sub-a/sub-a_sessions.tsv" && e.problem.hasPrefix(problem)
            }
        }
    }

    @Test("two participants, or none, are refused")
    func participants() throws {
        let root = try study(["ses-1"], table: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeDirectories(root + "/sub-b/ses-1/anat")
        #expect(throws: ScanError(root, "holds 2 participants (sub-a, sub-b): name one, for example \(root)/sub-a")) {
            _ = try PatientFolder.open(root, searchDerivatives: false)
        }
        #expect(
            throws: ScanError(
                root + "/sub-a/ses-1",
                "no sub-<id> folder: give a BIDS study root holding one participant, or the sub-<id> folder itself (expected sub-*/[ses-*/]anat/*.nii[.gz])"
            )
        ) {
            _ = try PatientFolder.open(root + "/sub-a/ses-1", searchDerivatives: false)
        }
    }

    @Test("derivatives add lesion maps to the session; two files for one role are refused")
    func roles() throws {
        let root = try study(["ses-1", "ses-2"], table: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for session in ["ses-1", "ses-2"] {
            let anat = "\(root)/derivatives/seg/sub-a/\(session)/anat"
            try makeDirectories(anat)
            try writeText("", to: "\(anat)/sub-a_\(session)_label-T2lesion_mask.nii.gz")
        }
        let folder = try PatientFolder.open(root, searchDerivatives: true)
        let visits = try VisitInputs.select(folder, pipeline: .standard)
        #expect(visits.map(\.t2Source.kind) == [.mask, .mask])
        #expect(visits[1].t2File == "\(root)/derivatives/seg/sub-a/ses-2/anat/sub-a_ses-2_label-T2lesion_mask.nii.gz")
        #expect(visits.allSatisfy { $0.gdFile == nil && $0.brainMaskFile == nil })
        // Without derivatives only the FLAIRs are left: segmented by lesion growth, which needs
        // the template's anatomy, so refused when the pipeline names no template.
        let raw = try PatientFolder.open(root, searchDerivatives: false)
        #expect(try VisitInputs.select(raw, pipeline: .standard).map(\.t2Source.kind) == [.lesionGrowth, .lesionGrowth])
        var noTemplate = Pipeline.standard
        noTemplate.registration.template = nil
        #expect {
            _ = try VisitInputs.select(raw, pipeline: noTemplate)
        } throws: { error in
            (error as! ScanError).problem.hasPrefix("kind lesion-growth needs the patient's anatomy")
        }
        let second = "\(root)/derivatives/seg/sub-a/ses-2/anat/sub-a_ses-2_acq-2_label-T2lesion_mask.nii.gz"
        try writeText("", to: second)
        #expect {
            _ = try VisitInputs.select(try PatientFolder.open(root, searchDerivatives: true), pipeline: .standard)
        } throws: { error in
            let e = error as! ScanError
            return e.path == second
                && e.problem.hasPrefix(
                    "matches t2_sources[1] (*_label-T2lesion_mask) together with \(root)/derivatives/seg/sub-a/ses-2/anat/sub-a_ses-2_label-T2lesion_mask.nii.gz"
                )
        }
    }

    @Test("sessions offering different T2 sources are refused: like is compared with like")
    func mixedSources() throws {
        let root = try study(["ses-1", "ses-2"], table: nil)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for session in ["ses-1", "ses-2"] {
            try FileManager.default.removeItem(atPath: "\(root)/sub-a/\(session)/anat/sub-a_\(session)_FLAIR.nii.gz")
        }
        try writeText("", to: "\(root)/sub-a/ses-1/anat/sub-a_ses-1_label-T2lesion_mask.nii")
        try writeText("", to: "\(root)/sub-a/ses-2/anat/sub-a_ses-2_label-T2lesion_probseg.nii")
        #expect(
            throws: ScanError(
                "\(root)/sub-a",
                "no T2 source is in every session (ses-1: mask, ses-2: probseg): visits are compared like with like, so give every session the same kind of file"
            )
        ) {
            _ = try VisitInputs.select(try PatientFolder.open(root, searchDerivatives: true), pipeline: .standard)
        }
        try FileManager.default.removeItem(atPath: "\(root)/sub-a/ses-2/anat/sub-a_ses-2_label-T2lesion_probseg.nii")
        #expect(
            throws: ScanError(
                "\(root)/sub-a/ses-2", "no T2 lesion map or image: no file matches *_label-T2lesion_mask, *_label-T2lesion_probseg, *_FLAIR"
            )
        ) {
            _ = try VisitInputs.select(try PatientFolder.open(root, searchDerivatives: true), pipeline: .standard)
        }
    }
}
