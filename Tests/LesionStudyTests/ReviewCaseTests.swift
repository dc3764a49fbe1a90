import Foundation
import LesionIO
import LesionKernels
import LesionReview
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

/// The published case descriptions of `ReviewCase`, written as BIDS patients and reviewed with the
/// repository's `Pipelines/rules.yaml`; the expected scores follow from its weights by hand.
@Suite("Review of generated patients from published case descriptions")
struct ReviewCaseTests {
    static let pipeline = PipelineFile(path: "built-in", sha256: "", pipeline: .standard)
    static let rulesPath = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"

    func review(_ patient: ReviewCase, rules: RulesFile? = nil) throws -> PatientReview {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try patient.write(into: root)
        return try PatientReview.patient(
            root, pipeline: Self.pipeline, rules: try rules ?? RulesFile.load(Self.rulesPath), reader: NIfTIReader()
        ).review
    }

    func scores(_ d: TimepointDecision) -> [Double] { ReviewClass.hypotheses.map { d.score($0) } }
    func fired(_ d: TimepointDecision) -> [String] { d.fired.map(\.rule.id.text) }

    @Test("rebound: many new Gd+ lesions four months after stopping, above the pre-natalizumab level")
    func rebound() throws {
        let review = try self.review(.rebound)
        #expect(review.visits.map(\.visit) == [1, 2])
        let stable = review.visits[0].decision, active = review.visits[1].decision
        #expect(stable.reviewClass == .noNewActivity && scores(stable) == [3, 0, 0, 0])
        #expect(fired(stable) == ["no-new-t2-activity", "no-gd-lesions"])
        #expect(active.reviewClass == .rebound)
        #expect(scores(active) == [-2, 3, 10, 0])
        #expect(
            fired(active) == [
                "new-t2-activity", "gd-lesions-present", "gd-above-pre-ntz-level", "new-t2-above-pre-ntz-level", "many-gd-lesions",
                "ms-return-window", "rebound-typical-window", "periventricular-new-lesions", "many-infusions",
            ])
        #expect(active.reason == .leads(.rebound, score: 10, runnerUp: .reactivation, runnerUpScore: 3, minimumScore: 2, minimumMargin: 2))
        #expect(active.confidence.level == .high && active.confidence.evaluatedRules == 27)
        let f = review.visits[1].features
        #expect(f.number(.weeksSinceLastInfusion) == 17 && f.number(.daysSinceLastInfusion) == 119)
        #expect(f.number(.gdLesionsAbovePreNTZ) == 9 && f.number(.newT2AbovePreNTZ) == 8 && f.number(.gdRatioToPreNTZ) == 4)
        #expect(f.number(.newLesionsPeriventricularShare) == 8.0 / 12)
        #expect(f[.daysSincePlasmaExchange] == .notApplicable && f[.largestLesionCorticalContact] == nil)
        #expect(review.preTreatment.gdCount == 3 && review.preTreatment.gdSource == "participants.tsv")
        #expect(
            review.patient
                == PatientDecision(
                    reviewClass: .rebound, visit: 2,
                    reason:
                        "the most urgent class among the 2 follow-up visits reviewed (suspected_pml_iris > rebound > reactivation > indeterminate > no_new_activity)"
                ))
    }

    @Test("suspected PML: a large subcortical lesion growing contiguously with punctate satellites, JCV positive, 40 infusions")
    func pml() throws {
        let review = try self.review(.pml)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .suspectedPMLIRIS && d.urgentReview)
        #expect(d.reason == .urgentReview([RuleID("pml-imaging-pattern")!]))
        #expect(scores(d) == [1, 0, 0, 11])
        #expect(
            fired(d) == [
                "no-gd-lesions", "new-t2-activity", "activity-on-natalizumab", "large-lesion", "large-lesion-cortical-contact",
                "contiguous-growth-large-lesion", "satellite-foci", "pml-imaging-pattern", "jcv-index-high", "many-infusions",
                "prior-immunosuppressant",
            ])
        let f = review.visits[0].features
        let extent: Double = (23.0 * 23 + 23 * 23 + 11 * 11).squareRoot()
        #expect(f.number(.largestExtentMM) == extent)
        #expect(f[.largestLesionContiguousGrowth] == .flag(true) && f[.largestLesionCorticalContact] == .flag(true))
        #expect(f.number(.largestLesionSatellites) == 3 && f.number(.satellites) == 3 && f.number(.largeLesions) == 1)
        #expect(f.number(.newT2) == 3 && f.number(.enlargingT2) == 1 && f.number(.weeksSinceLastInfusion) == 3)
        // Without participants.tsv the pre-natalizumab level is missing, and says why.
        #expect(f.missing[.preNTZGdCount] == "no participants.tsv, and no session has ntz_infusion_count 0")
        #expect(review.patient.reviewClass == .suspectedPMLIRIS && review.patient.visit == 1)
        // The grown lesion's satellites are the three new specks, each naming it as host.
        let features = review.imageFeatures[1].lesions
        #expect(features.filter { $0.satelliteOf != nil }.count == 3)
        #expect(features.filter(\.isLarge).map(\.satellites) == [3])
    }

    @Test("reactivation: a few new lesions at the pre-natalizumab level, 16 weeks after the last infusion")
    func reactivation() throws {
        let review = try self.review(.reactivation)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .reactivation && scores(d) == [-2, 7, 4, 1])
        #expect(
            fired(d) == [
                "new-t2-activity", "gd-lesions-present", "gd-within-pre-ntz-level", "new-t2-within-pre-ntz-level",
                "ms-return-window", "rebound-typical-window", "long-washout", "many-infusions",
            ])
        // Without a ventricle map, periventricular-new-lesions cannot be settled: 26 of 27 rules.
        #expect(d.notEvaluated.map(\.rule.id.text) == ["periventricular-new-lesions"])
        #expect(d.confidence.evaluatedRules == 26 && d.confidence.level == .high)
        let f = review.visits[0].features
        #expect(f[.nextTherapy] == .text("fingolimod") && f.number(.weeksOnNextTherapy) == 4 && f.number(.washoutWeeks) == 12)
        #expect(review.patient.reviewClass == .reactivation)
    }

    @Test("no new activity: the same lesions on the next therapy")
    func stable() throws {
        let review = try self.review(.stable)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .noNewActivity && scores(d) == [3, 0, 0, 0])
        #expect(fired(d) == ["no-new-t2-activity", "no-gd-lesions"])
        #expect(review.patient.reviewClass == .noNewActivity)
    }

    @Test("conflicting evidence: rebound-like lesion load inside the PML-IRIS window of a JCV-positive patient")
    func conflicting() throws {
        let review = try self.review(.conflicting)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .indeterminate && scores(d) == [-2, 0, 6, 5])
        #expect(d.reason == .conflict(.rebound, score: 6, runnerUp: .suspectedPMLIRIS, runnerUpScore: 5, minimumMargin: 2))
        #expect(d.reason.text == "conflicting evidence: rebound 6 and suspected_pml_iris 5 differ by less than min_margin 2")
        #expect(fired(d).contains("iris-window-after-stopping") && fired(d).contains("gd-above-pre-ntz-level"))
        #expect(review.patient.reviewClass == .indeterminate)
    }

    @Test("too little data: activity without the pre-natalizumab level is indeterminate, naming what is missing")
    func thinData() throws {
        let bare = ReviewCase(participant: "sub-bare", sessions: ReviewCase.rebound.sessions, participants: nil)
        let d = try review(bare).visits[1].decision
        #expect(d.reviewClass == .indeterminate)
        #expect(d.reason == .missingRequired(.rebound, score: 7, missing: [.preNTZGdCount]))
        #expect(
            d.notEvaluated.map(\.rule.id.text) == [
                "gd-above-pre-ntz-level", "gd-within-pre-ntz-level", "new-t2-above-pre-ntz-level", "new-t2-within-pre-ntz-level",
            ])
    }

    @Test("sessions with ntz_infusion_count 0 are before natalizumab: not reviewed, the last gives the pre-natalizumab level")
    func preTreatmentSessions() throws {
        let e = ReviewCase.elsewhere, old = ReviewCase.oldLesions
        func before(_ scan: String) -> [String: String] {
            var row = ReviewCase.reactivation.sessions[0].clinical
            row["acq_time"] = scan
            row["ntz_infusion_count"] = "0"
            row["ntz_last_infusion"] = "n/a"
            return row
        }
        let sessions = [
            ReviewCase.Session(label: "ses-00", clinical: before("2018-01-10"), t2: old, gd: []),
            ReviewCase.Session(label: "ses-01", clinical: before("2018-07-10"), t2: old + [e[2]], gd: [e[2]]),
            ReviewCase.Session(label: "ses-02", clinical: ReviewCase.reactivation.sessions[0].clinical, t2: old + [e[2]], gd: []),
            ReviewCase.Session(
                label: "ses-03", clinical: ReviewCase.reactivation.sessions[1].clinical,
                t2: old + [e[2], e[0], e[1]], gd: [e[1]]),
        ]
        let review = try self.review(ReviewCase(participant: "sub-before", sessions: sessions, participants: nil))
        #expect(review.notReviewed.map(\.visit) == [0, 1])
        #expect(review.notReviewed[1].reason == "before natalizumab (ntz_infusion_count 0): it gives the pre-natalizumab level")
        #expect(
            review.preTreatment
                == PreTreatmentLevel(
                    gdCount: 1, t2NewCount: 1, gdSource: "ses-01 (ntz_infusion_count 0)", t2NewSource: "ses-01 (ntz_infusion_count 0)"))
        #expect(review.visits.map(\.visit) == [2, 3])
        #expect(review.visits[0].decision.reviewClass == .noNewActivity)
        // Visit 4: one Gd+ lesion, as many as before natalizumab; two new T2 lesions, one more.
        let fired = review.visits[1].decision.fired.map(\.rule.id.text)
        #expect(fired.contains("gd-within-pre-ntz-level") && fired.contains("new-t2-above-pre-ntz-level"))
    }

    @Test("a grey-matter probability map of an earlier session is carried forward; two maps in one session are refused")
    func carriedMap() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sessions = ReviewCase.pml.sessions.map {
            ReviewCase.Session(label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd)
        }
        try ReviewCase(participant: "sub-pml", sessions: sessions, participants: nil).write(into: root)
        let grid = ReviewCase.grid
        var probability = Volume<Float>(size: grid.size, repeating: 0.2)
        for box in ReviewCase.greyMatterBoxes { for v in box.voxels { probability[v.i, v.j, v.k] = 0.8 } }
        let anat = root + "/derivatives/segmenter/sub-pml/ses-01/anat/"
        try grid.writeIntensities(probability, to: anat + "sub-pml_ses-01_label-GM_probseg.nii.gz")
        let rules = try RulesFile.load(Self.rulesPath)
        let review = try PatientReview.patient(root, pipeline: Self.pipeline, rules: rules, reader: NIfTIReader()).review
        #expect(review.greyMatter.map { $0?.session } == ["ses-01", "ses-01"])
        #expect(review.greyMatter[1]?.file == anat + "sub-pml_ses-01_label-GM_probseg.nii.gz")
        #expect(review.ventricles.allSatisfy { $0 == nil })
        #expect(review.visits[0].features[.largestLesionCorticalContact] == .flag(true))
        // Labels in storage order: the subcortical lesion starts at k = 8, before the other two.
        #expect(review.imageFeatures[0].lesions.map(\.corticalContact) == [true, false, false])

        try grid.writeMask(ReviewCase.greyMatterBoxes, to: anat + "sub-pml_ses-01_acq-2_label-GM_probseg.nii.gz")
        #expect {
            try PatientReview.patient(root, pipeline: Self.pipeline, rules: rules, reader: NIfTIReader())
        } throws: { error in
            (error as? ScanError)?.problem.hasPrefix("matches features.grey_matter[1] (*_label-GM_probseg) together with ") == true
        }
    }
}
