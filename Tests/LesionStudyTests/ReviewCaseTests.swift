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

    func scores(_ d: VisitDecision) -> [Double] { ReviewClass.hypotheses.map { d.score($0) } }
    func fired(_ d: VisitDecision) -> [String] { d.fired.map(\.rule.id.text) }

    @Test("rebound-like burst 17 weeks after stopping, anti-JCV 0.3: PML not excluded, rebound only the leading alternative")
    func rebound() throws {
        let review = try self.review(.rebound)
        #expect(review.visits.map(\.visit) == [1, 2])
        #expect(review.notReviewed.map(\.reason) == ["first visit: no earlier scan to compare with, and no Gd+ lesion"])
        let stable = review.visits[0].decision, active = review.visits[1].decision
        #expect(stable.reviewClass == .noNewActivity && scores(stable) == [3, 0, 0, 0] && !stable.urgentReview)
        #expect(fired(stable) == ["no-new-t2-activity", "no-gd-lesions"])
        #expect(scores(active) == [-2, 3, 10, 1])
        #expect(
            fired(active) == [
                "new-t2-activity", "gd-lesions-present", "gd-above-pre-ntz-level", "new-t2-above-pre-ntz-level", "many-gd-lesions",
                "activity-after-withdrawal", "rebound-typical-window", "periventricular-new-lesions", "iris-after-stopping",
                "many-infusions",
            ])
        // An anti-JCV index of 0.3 is not negative (below 0.20 is): within 6 months of the last dose PML is possible.
        #expect(active.reviewClass == .indeterminate && active.urgentReview && active.leadingAlternative == .rebound)
        #expect(active.gate.isOpen && active.gate.possible.truth == .yes && !active.gate.pmlAddressed)
        #expect(active.reason.text.hasPrefix("PML not excluded (safety gate open): rebound is the leading alternative"))
        #expect(active.completeness.level == .high)
        let f = review.visits[1].features
        #expect(f.number(.weeksSinceLastInfusion) == 17 && f.number(.daysSinceLastInfusion) == 119 && f[.onNatalizumab] == .flag(false))
        #expect(f.number(.gdLesionsAbovePreNTZ) == 9 && f.number(.newT2AbovePreNTZ) == 8 && f.number(.gdRatioToPreNTZ) == 4)
        #expect(f.number(.newLesionsPeriventricularShare) == 8.0 / 12 && f.number(.newPunctateFoci) == 0)
        #expect(f[.daysSincePlasmaExchange] == .notApplicable && f[.activeCorticalLesions] == nil)
        #expect(review.preTreatment.gdCount == 3 && review.preTreatment.gdSource == "participants.tsv")
        #expect(review.patient.reviewClass == .indeterminate && review.patient.visit == 2 && review.patient.urgentReview)

        // The same patient anti-JCV negative: the gate closes and the scores' rebound stands.
        let negative = try self.review(Self.withColumn(.rebound, "jcv_index", "0.1"))
        let d = negative.visits[1].decision
        #expect(d.reviewClass == .rebound && !d.urgentReview && !d.gate.pmlPossible && scores(d) == [-2, 3, 10, 1])
        #expect(d.reason == .leads(.rebound, score: 10, runnerUp: .reactivation, runnerUpScore: 3, minimumScore: 2, minimumMargin: 2))
        #expect(negative.patient.reviewClass == .rebound && !negative.patient.urgentReview)
    }

    @Test("suspected PML: a growing lesion reaching the cortex with three punctate foci, on natalizumab, JCV 3.2")
    func pml() throws {
        let review = try self.review(.pml)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .suspectedPMLIRIS && d.urgentReview && d.gate.isOpen)
        #expect(d.reason == .urgentReview([RuleID("pml-imaging-pattern")!]))
        #expect(scores(d) == [-1, 0, -1, 9])
        #expect(
            fired(d) == [
                "no-gd-lesions", "new-t2-activity", "activity-on-natalizumab", "new-cortical-involvement", "new-punctate-foci",
                "large-active-lesion", "pml-imaging-pattern", "jcv-index-high", "many-infusions", "prior-immunosuppressant",
            ])
        let f = review.visits[0].features
        let extent: Double = (23.0 * 23 + 23 * 23 + 11 * 11).squareRoot()
        #expect(f.number(.largestActiveExtentMM) == extent && f.number(.activeCorticalLesions) == 1)
        #expect(f.number(.newT2) == 3 && f.number(.enlargingT2) == 1 && f.number(.newPunctateFoci) == 3)
        #expect(f.number(.newOrEnlargingT2Grouped) == 1 && f[.onNatalizumab] == .flag(true))
        #expect(f.missing[.preNTZGdCount]?.hasPrefix("no participants.tsv, and no session is before natalizumab") == true)
        #expect(review.patient.reviewClass == .suspectedPMLIRIS && review.patient.visit == 1 && review.patient.urgentReview)
        // The grown lesion's neighbours are listed as near it; the review counts them as its foci.
        let features = review.imageFeatures[1].lesions
        #expect(features.filter { !$0.nearbyHosts.isEmpty }.count == 3 && features.filter(\.isLarge).count == 1)
    }

    @Test("reactivation-like return 16 weeks after stopping, anti-JCV 0.4: PML not excluded; anti-JCV negative: reactivation")
    func reactivation() throws {
        let review = try self.review(.reactivation)
        let d = review.visits[0].decision
        #expect(scores(d) == [-2, 8, 3, 2])
        #expect(d.reviewClass == .indeterminate && d.urgentReview && d.leadingAlternative == .reactivation)
        let f = review.visits[0].features
        #expect(f[.nextTherapy] == .text("fingolimod") && f.number(.weeksOnNextTherapy) == 4 && f.number(.washoutWeeks) == 12)
        let negative = try self.review(Self.withColumn(.reactivation, "jcv_index", "0.1")).visits[0].decision
        #expect(negative.reviewClass == .reactivation && !negative.urgentReview && scores(negative) == [-2, 8, 3, 2])
        #expect(fired(negative).contains("gd-within-pre-ntz-level") && fired(negative).contains("long-washout"))
    }

    @Test("no new activity: the same lesions on the next therapy, not urgent")
    func stable() throws {
        let review = try self.review(.stable)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .noNewActivity && scores(d) == [3, 0, 0, 0] && !d.urgentReview && !d.gate.pmlPossible)
        #expect(fired(d) == ["no-new-t2-activity", "no-gd-lesions"])
        #expect(review.patient.reviewClass == .noNewActivity && !review.patient.urgentReview)
    }

    @Test("conflicting evidence: a rebound-like burst 45 days after the last infusion in a JCV-positive patient is urgent")
    func conflicting() throws {
        let review = try self.review(.conflicting)
        let d = review.visits[0].decision
        #expect(d.reviewClass == .indeterminate && scores(d) == [-2, 0, 5, 4] && d.urgentReview && d.gate.isOpen)
        #expect(d.reason == .conflict(.rebound, score: 5, runnerUp: .suspectedPMLIRIS, runnerUpScore: 4, minimumMargin: 2))
        #expect(fired(d).contains("activity-on-natalizumab") && fired(d).contains("gd-above-pre-ntz-level"))
        #expect(review.patient.reviewClass == .indeterminate && review.patient.urgentReview)
    }

    @Test("too little data: activity without the pre-natalizumab level is still reviewed and, within 6 months, urgent")
    func thinData() throws {
        let bare = ReviewCase(participant: "sub-bare", sessions: ReviewCase.rebound.sessions, participants: nil)
        let d = try review(bare).visits[1].decision
        #expect(d.reviewClass == .indeterminate && d.urgentReview && d.leadingAlternative == .rebound)
        #expect(
            d.notEvaluated.map(\.rule.id.text) == [
                "gd-above-pre-ntz-level", "gd-within-pre-ntz-level", "new-t2-above-pre-ntz-level", "new-t2-within-pre-ntz-level",
                "activity-after-restart", "new-cortical-involvement", "dwi-pml-pattern",
            ])
    }

    /// A copy of a case with one column of every session row set (or removed, with nil).
    static func withColumn(_ c: ReviewCase, _ column: String, _ value: String?) -> ReviewCase {
        ReviewCase(
            participant: c.participant,
            sessions: c.sessions.map { s in
                var row = s.clinical
                row[column] = value
                return ReviewCase.Session(
                    label: s.label, clinical: row, t2: s.t2, gd: s.gd, greyMatter: s.greyMatter, cortex: s.cortex,
                    ventricles: s.ventricles)
            }, participants: c.participants)
    }

    @Test("sessions with ntz_infusion_count 0 are before natalizumab: not reviewed, the last gives the pre-natalizumab level")
    func preTreatmentSessions() throws {
        let review = try self.review(.beforeNatalizumab)
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
            ReviewCase.Session(label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd)  // no map files
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
        #expect(review.visits[0].features.number(.newLesionsGreyMatterShare) == 0.25)
        // Labels in storage order: the subcortical lesion starts at k = 8, before the other two.
        #expect(review.imageFeatures[0].lesions.map(\.greyMatterContact) == [true, false, false])

        try grid.writeMask(ReviewCase.greyMatterBoxes, to: anat + "sub-pml_ses-01_acq-2_label-GM_probseg.nii.gz")
        #expect {
            try PatientReview.patient(root, pipeline: Self.pipeline, rules: rules, reader: NIfTIReader())
        } throws: { error in
            (error as? ScanError)?.problem.hasPrefix("matches features.grey_matter[1] (*_label-GM_probseg) together with ") == true
        }
    }
}
