import Foundation
import LesionIO
import LesionKernels
import LesionReview
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

/// The safety suite of the review: one generated patient per situation in `ReviewCase+Safety`,
/// each held to the answer its doc comment states from the literature and the safety policy of
/// `Pipelines/rules.yaml` (scores worked out by hand from the rules' weights).
@Suite("Review safety: PML is never explained away, urgency is never lost, old lesions never alarm")
struct ReviewSafetyTests {
    static let pipeline = PipelineFile(path: "built-in", sha256: "", pipeline: .standard)

    func review(_ patient: ReviewCase) throws -> PatientReview {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try patient.write(into: root)
        let rules = try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml")
        return try PatientReview.patient(root, pipeline: Self.pipeline, rules: rules, reader: NIfTIReader()).review
    }

    func scores(_ d: VisitDecision) -> [Double] { ReviewClass.hypotheses.map { d.score($0) } }
    func fired(_ d: VisitDecision) -> [String] { d.fired.map(\.rule.id.text) }

    @Test("early small PML: a 1 cm juxtacortical lesion with punctate foci 9 weeks after stopping is suspected PML")
    func earlyPML() throws {
        let d = try review(.earlyPML()).visits[0].decision
        #expect(d.reviewClass == .suspectedPMLIRIS && d.urgentReview && d.gate.isOpen)
        #expect(d.reason == .urgentReview([RuleID("pml-imaging-pattern")!]) && scores(d) == [-1, 2, 2, 7])
        #expect(fired(d).contains("new-cortical-involvement") && fired(d).contains("new-punctate-foci"))
        #expect(!fired(d).contains("large-active-lesion"))
    }

    @Test("foci under the 3 mm reading threshold are not counted as lesions, but the review sees them")
    func tinyFoci() throws {
        let v = try review(.earlyPMLTinyFoci).visits[0]
        #expect(v.features.number(.newOrEnlargingT2) == 1 && v.features.number(.newPunctateFoci) == 2)
        #expect(v.features.number(.newOrEnlargingT2Grouped) == 1)
        #expect(v.decision.reviewClass == .suspectedPMLIRIS && v.decision.urgentReview)
        #expect(v.decision.reason == .urgentReview([RuleID("pml-imaging-pattern")!]))
        // With the floor off the specks are lesions, and still foci.
        var off = Self.pipeline.pipeline
        off.floor.minimumReaderLengthMM = 0
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReviewCase.earlyPMLTinyFoci.write(into: root)
        let rules = try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml")
        let plain = try PatientReview.patient(
            root, pipeline: PipelineFile(path: "built-in", sha256: "", pipeline: off), rules: rules, reader: NIfTIReader()
        ).review.visits[0]
        #expect(plain.features.number(.newOrEnlargingT2) == 3 && plain.features.number(.newPunctateFoci) == 2)
        #expect(plain.features.number(.newOrEnlargingT2Grouped) == 1 && plain.decision.reviewClass == .suspectedPMLIRIS)
    }

    @Test("early small PML with a negative CSF PCR: still suspected; addressed only by an ultrasensitive PCR and a DWI read")
    func earlyPMLNegativePCR() throws {
        let plain = try review(.earlyPML(csf: ["csf_jcv_pcr": "negative", "csf_jcv_pcr_ultrasensitive": "no", "dwi_read": "not_done"]))
        let d = plain.visits[0].decision
        #expect(d.reviewClass == .suspectedPMLIRIS && d.urgentReview && d.gate.isOpen && !d.gate.pmlAddressed)
        #expect(!fired(d).contains("csf-jcv-negative-ultrasensitive"))
        let addressed = try review(
            .earlyPML(csf: ["csf_jcv_pcr": "negative", "csf_jcv_pcr_ultrasensitive": "yes", "dwi_read": "no_pml_pattern"]))
        let e = addressed.visits[0].decision
        #expect(e.gate.pmlPossible && e.gate.pmlAddressed && !e.gate.isOpen)
        // The imaging pattern still flags the visit: a negative PCR does not exclude small PML.
        #expect(e.reviewClass == .suspectedPMLIRIS && e.urgentReview && scores(e) == [-1, 2, 2, 6])
    }

    @Test("PML on treatment: new juxtacortical lesion on 4-weekly infusions is suspected PML, urgent")
    func pmlOnTreatment() throws {
        let d = try review(.pmlOnTreatment).visits[0].decision
        #expect(d.reviewClass == .suspectedPMLIRIS && d.urgentReview && d.gate.isOpen && scores(d) == [1, 0, -1, 5])
        #expect(fired(d).contains("activity-on-natalizumab") && !fired(d).contains("activity-after-withdrawal"))
    }

    @Test("possible PML-IRIS 6 weeks after stopping with the risk columns missing: urgent, PML not excluded")
    func irisMissingData() throws {
        let d = try review(.irisMissingData).visits[0].decision
        #expect(d.reviewClass == .indeterminate && d.urgentReview && d.gate.isOpen && d.gate.possible.truth == .unknown)
        #expect(scores(d) == [-2, 3, 3, 1])
        #expect(d.gate.text.contains("jcv_index = missing") && d.gate.policy.excludedBy.contains("ultrasensitive"))
    }

    @Test("punctate foci and patchy enhancement around one new lesion count once for rebound")
    func patchy() throws {
        let review = try self.review(.patchy)
        let v = review.visits[0], d = v.decision
        #expect(v.features.number(.newOrEnlargingT2) == 4 && v.features.number(.newPunctateFoci) == 3)
        #expect(v.features.number(.newOrEnlargingT2Grouped) == 1)
        #expect(v.features.number(.gdLesions) == 17 && v.features.number(.gdLesionsGrouped) == 1)
        #expect(!fired(d).contains("many-gd-lesions") && !fired(d).contains("gd-above-pre-ntz-level"))
        #expect(scores(d) == [-4, 7, 1, 4])
        #expect(d.reviewClass == .indeterminate && d.urgentReview && d.leadingAlternative == .reactivation)
    }

    @Test("a PML visit followed by a rebound-like visit: the patient stays suspected PML, urgent")
    func pmlThenRebound() throws {
        let review = try self.review(.pmlThenRebound)
        #expect(review.visits.map(\.visit) == [1, 2])
        #expect(review.visits[0].decision.reviewClass == .suspectedPMLIRIS)
        #expect(review.patient.reviewClass == .suspectedPMLIRIS && review.patient.visit == 1 && review.patient.urgentReview)
    }

    @Test("an old, stable 34 mm plaque at the cortex is no evidence; nor is a 9 mm³ growth with no clinical data")
    func oldPlaque() throws {
        let d = try review(.oldPlaque).visits[0].decision
        #expect(d.reviewClass == .noNewActivity && !d.urgentReview && fired(d) == ["no-new-t2-activity", "no-gd-lesions"])
        let grew = try review(.plaqueGrewALittle)
        let g = grew.visits[0].decision
        #expect(g.reviewClass == .noNewActivity && !g.urgentReview && !g.gate.pmlPossible && fired(g) == ["no-new-t2-activity"])
        #expect(grew.visits[0].features.number(.largestActiveExtentMM) == 0)
        // No treatment recorded at all: the review says so.
        #expect(grew.treatment.hasPrefix("no natalizumab or fingolimod recorded: natalizumab exposure is unknown"))
        #expect(try review(.oldPlaque).treatment == "natalizumab withdrawal, inferred from the natalizumab columns (ntz_*)")
    }

    @Test("fingolimod withdrawal: 20 new enhancing lesions are reviewed as rebound after fingolimod, not left silent")
    func fingolimod() throws {
        let review = try self.review(.fingolimod)
        #expect(review.visits.map(\.visit) == [1])
        let v = review.visits[0], d = v.decision
        #expect(v.features[.withdrawnTherapy] == .text("fingolimod") && v.features.number(.weeksSinceWithdrawal) == 13)
        #expect(d.reviewClass == .rebound && !d.urgentReview && !d.gate.pmlPossible && scores(d) == [-2, 2, 9, 0])
        #expect(fired(d).contains("fingolimod-withdrawal") && !fired(d).contains("iris-after-stopping"))
        #expect(review.preTreatment.gdCount == 2)
        #expect(
            review.treatment == "fingolimod withdrawal (withdrawn_therapy): not a natalizumab patient unless natalizumab is recorded too")
    }

    @Test("a single scan with 15 Gd+ lesions is reviewed: PML not excluded without the anti-JCV index, rebound with a negative one")
    func singleScan() throws {
        let unknown = try review(.singleScan(jcv: nil))
        #expect(unknown.visits.map(\.visit) == [0])
        let d = unknown.visits[0].decision
        #expect(d.reviewClass == .indeterminate && d.urgentReview && d.leadingAlternative == .rebound && scores(d) == [-2, 2, 5, 2])
        let negative = try review(.singleScan(jcv: "0.1")).visits[0].decision
        #expect(negative.reviewClass == .rebound && !negative.urgentReview)
    }

    @Test("70 Gd+ lesions with no recorded pre-natalizumab level: rebound by the absolute count")
    func seventy() throws {
        let review = try self.review(.seventyLesions)
        let d = review.visits[0].decision
        #expect(review.preTreatment.gdCount == nil && review.visits[0].features.number(.gdLesionsGrouped) == 70)
        #expect(d.reviewClass == .rebound && !d.urgentReview && scores(d) == [-2, 3, 6, 2] && fired(d).contains("many-gd-lesions"))
    }

    @Test("no gadolinium: new T2 lesions at the pre-treatment level are reactivation")
    func noGadolinium() throws {
        let d = try review(.noGadolinium).visits[0].decision
        #expect(d.reviewClass == .reactivation && !d.urgentReview && scores(d) == [0, 4, 2, 2])
        #expect(fired(d).contains("new-t2-within-pre-ntz-level"))
    }

    @Test("tapering: timing runs from the last tapering infusion")
    func tapering() throws {
        let v = try review(.tapering).visits[0]
        #expect(v.decision.reviewClass == .noNewActivity && !v.decision.urgentReview)
        #expect(v.features.number(.weeksSinceWithdrawal) == 8 && v.features[.onNatalizumab] == .flag(false))
    }

    @Test("natalizumab restarted during rebound is reported, and the activity after it is not taken for on-treatment calm")
    func restart() throws {
        let review = try self.review(.restart)
        #expect(review.visits.map { $0.decision.reviewClass } == [.rebound, .rebound])
        let after = review.visits[1]
        #expect(after.features[.ntzRestarted] == .flag(true) && after.features[.onNatalizumab] == .flag(true))
        #expect(fired(after.decision).contains("activity-after-restart") && fired(after.decision).contains("activity-on-natalizumab"))
        #expect(scores(review.visits[0].decision) == [-2, 2, 9, 2] && scores(after.decision) == [-2, 1, 5, 2])
    }

    /// Every case in which PML is possible at some visit.
    static let pmlPossible: [ReviewCase] = [
        .rebound, .reactivation, .conflicting, .pml, .earlyPML(), .pmlOnTreatment, .irisMissingData, .patchy, .singleScan(jcv: nil),
    ]

    /// The variants of a case with a clinical column removed, every clinical column but the scan
    /// dates removed, participants.tsv removed, or an anatomical map removed or added.
    static func variants(_ c: ReviewCase) -> [(String, ReviewCase)] {
        var out: [(String, ReviewCase)] = []
        let columns = ClinicalColumn.allCases.map(\.rawValue).filter { $0 != "acq_time" }
        for column in columns where c.sessions.contains(where: { $0.clinical[column] != nil }) {
            out.append(("no \(column)", ReviewCaseTests.withColumn(c, column, nil)))
        }
        var bare = c
        for column in columns { bare = ReviewCaseTests.withColumn(bare, column, nil) }
        out.append(("no clinical columns", bare))
        out.append(("no participants.tsv", ReviewCase(participant: c.participant, sessions: c.sessions, participants: nil)))
        func maps(_ name: String, _ change: (ReviewCase.Session) -> ReviewCase.Session) {
            out.append((name, ReviewCase(participant: c.participant, sessions: c.sessions.map(change), participants: c.participants)))
        }
        maps("no cortex") {
            .init(label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd, greyMatter: $0.greyMatter, ventricles: $0.ventricles)
        }
        maps("no grey matter") {
            .init(label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd, cortex: $0.cortex, ventricles: $0.ventricles)
        }
        maps("no ventricles") {
            .init(label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd, greyMatter: $0.greyMatter, cortex: $0.cortex)
        }
        maps("ventricles added") {
            .init(
                label: $0.label, clinical: $0.clinical, t2: $0.t2, gd: $0.gd, greyMatter: $0.greyMatter, cortex: $0.cortex, ventricles: true
            )
        }
        return out
    }

    @Test("missing columns and maps never lower urgency where PML is possible", arguments: 0..<9)
    func urgencyNeverDrops(_ n: Int) throws {
        let original = Self.pmlPossible[n]
        let base = try review(original)
        let open = base.visits.filter(\.decision.gate.isOpen).map(\.visit)
        #expect(!open.isEmpty, "\(original.participant): PML is possible at some visit")
        #expect(base.patient.urgentReview)
        for (name, variant) in Self.variants(original) {
            let r = try review(variant)
            for visit in open {
                guard let d = r.visits.first(where: { $0.visit == visit })?.decision else {
                    Issue.record("\(original.participant), \(name): visit \(visit + 1) not reviewed")
                    continue
                }
                #expect(d.urgentReview, "\(original.participant), \(name): visit \(visit + 1) lost its urgency")
                #expect(
                    d.reviewClass == .suspectedPMLIRIS || d.reviewClass == .indeterminate,
                    "\(original.participant), \(name): visit \(visit + 1) is \(d.reviewClass.rawValue)")
            }
            #expect(r.patient.urgentReview, "\(original.participant), \(name): the patient lost its urgency")
        }
    }

    /// Reviews the patient folder already written under `root`.
    func review(root: String) throws -> (run: LongitudinalRun, review: PatientReview) {
        let rules = try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml")
        return try PatientReview.patient(root, pipeline: Self.pipeline, rules: rules, reader: NIfTIReader())
    }

    /// Expected, from the safety principle (missing data never lowers urgency) and the guidelines'
    /// whole-brain coverage and slices of at most 3 mm (CMSC 2016; MAGNIMS-CMSC-NAIMS 2021): the
    /// rebound case's ses-02 (on natalizumab, anti-JCV 0.3, nothing new) is no_new_activity, not
    /// urgent, when its FLAIR lesion map covers the brain at 1 mm. With the map one slice short
    /// (23 of 24 slices: 95.8 % of the baseline's field, no brain mask) or every map on 4 mm voxels,
    /// "nothing new" is unknown: new_or_enlarging_t2 and new_activity are missing, no_new_activity
    /// cannot be reached (scores: no-gd-lesions alone, 1 < min_score 2), and the safety gate, which
    /// reads new_activity, stays open: indeterminate with urgent review.
    @Test("a follow-up map short of the brain, or on 4 mm voxels, that finds nothing new: unknown, not no activity, and urgent")
    func limitedFollowUp() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReviewCase.rebound.write(into: root)
        let anat = root + "/derivatives/segmenter/sub-rebound/ses-02/anat/sub-rebound_ses-02_label-T2lesion_mask.nii.gz"
        let whole = try review(root: root)
        let plain = try #require(whole.review.visits.first { $0.visit == 1 })
        #expect(plain.decision.reviewClass == .noNewActivity && !plain.decision.urgentReview && !plain.decision.gate.isOpen)
        #expect(whole.run.visits[1].t2CoarsestVoxelMM == 1 && whole.run.visits[1].t2Fit.coverage == 1)

        let shortGrid = SyntheticGrid(size: GridSize(64, 64, 23), originMM: (-32, -32, -12))
        try shortGrid.writeMask(ReviewCase.oldLesions, to: anat)
        let short = try review(root: root)
        let cut = try #require(short.review.visits.first { $0.visit == 1 })
        #expect(abs(short.run.visits[1].t2Fit.coverage - 23.0 / 24) < 1e-12)
        #expect(cut.decision.reviewClass == .indeterminate && cut.decision.urgentReview && cut.decision.gate.isOpen)
        #expect(cut.features[.newOrEnlargingT2] == nil && cut.features[.newActivity] == nil && cut.features.number(.gdLesions) == 0)
        #expect(cut.features.missing[.newOrEnlargingT2]?.hasPrefix("none found, but it covers 95.8 % of the baseline's brain") == true)
        #expect(cut.decision.reason == .tooLittleEvidence(.noNewActivity, score: 1, minimumScore: 2))

        // Every session's maps on 4 mm voxels (the baseline grid too): the same.
        let coarse = SyntheticGrid(size: GridSize(16, 16, 6), spacingMM: 4, originMM: (-32, -32, -12))
        func quarter(_ boxes: [VoxelBox]) -> [VoxelBox] {
            boxes.map { b in
                VoxelBox(
                    lower: VoxelIndex(b.lower.i / 4, b.lower.j / 4, b.lower.k / 4),
                    upper: VoxelIndex(b.upper.i / 4, b.upper.j / 4, b.upper.k / 4))
            }
        }
        for session in ReviewCase.rebound.sessions {
            let stem = root + "/derivatives/segmenter/sub-rebound/\(session.label)/anat/sub-rebound_\(session.label)"
            try coarse.writeMask(quarter(session.t2), to: stem + "_label-T2lesion_mask.nii.gz")
            if let gd = session.gd { try coarse.writeMask(quarter(gd), to: stem + "_label-Gdlesion_mask.nii.gz") }
        }
        let thick = try review(root: root)
        let four = try #require(thick.review.visits.first { $0.visit == 1 })
        #expect(thick.run.visits[1].t2CoarsestVoxelMM == 4 && thick.run.visits[1].t2Fit.coverage == 1)
        #expect(four.decision.reviewClass == .indeterminate && four.decision.urgentReview && four.decision.gate.isOpen)
        #expect(four.features[.newOrEnlargingT2] == nil && four.features[.gdLesions] == nil && four.features[.newActivity] == nil)
        #expect(four.features.missing[.newOrEnlargingT2]?.contains("are 4 mm thick, over features.zero_counts.max_voxel_mm 3") == true)
    }

    /// Expected, from the safety principle (missing data never lowers urgency) and reactivation as
    /// a return to the level before the withdrawn therapy, rebound as activity above it (Prosperini
    /// et al., Ther Adv Neurol Disord 2019): the reactivation case, anti-JCV negative (0.1), is
    /// reactivation (scores [-2, 8, 3, 2]) when its ses-02 maps cover the brain at 1 mm: 2 new T2
    /// lesions and 1 Gd+ lesion, within the 3 and 2 before natalizumab. With those maps one slice
    /// short (95.8 % of the field), the counts are only lower bounds, so "no more than before"
    /// cannot be settled: gd-within-pre-ntz-level and new-t2-within-pre-ntz-level are not
    /// evaluated (reactivation 8 − 2 − 2 = 4, rebound 3 + 1 + 1 = 5), and the visit is
    /// indeterminate, rebound and reactivation in conflict (a margin of 1, under min_margin 2),
    /// not reactivation. The gate stays closed (anti-JCV negative), so not urgent.
    @Test("counts from a follow-up map short of the brain are lower bounds: 'within the level before natalizumab' is not settled")
    func lowerBoundsDoNotSettleReactivation() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let patient = ReviewCaseTests.withColumn(.reactivation, "jcv_index", "0.1")
        try patient.write(into: root)
        let whole = try review(root: root)
        let plain = try #require(whole.review.visits.first { $0.visit == 1 })
        #expect(plain.decision.reviewClass == .reactivation && scores(plain.decision) == [-2, 8, 3, 2])
        #expect(fired(plain.decision).contains("gd-within-pre-ntz-level") && fired(plain.decision).contains("new-t2-within-pre-ntz-level"))
        #expect(plain.features.lowerBounds.isEmpty)

        let stem = root + "/derivatives/segmenter/sub-reactivation/ses-02/anat/sub-reactivation_ses-02"
        let shortGrid = SyntheticGrid(size: GridSize(64, 64, 23), originMM: (-32, -32, -12))
        let session = patient.sessions[1]
        try shortGrid.writeMask(session.t2, to: stem + "_label-T2lesion_mask.nii.gz")
        try shortGrid.writeMask(session.gd!, to: stem + "_label-Gdlesion_mask.nii.gz")
        let short = try review(root: root)
        let cut = try #require(short.review.visits.first { $0.visit == 1 })
        let f = cut.features, d = cut.decision
        #expect(f.number(.newOrEnlargingT2) == 2 && f.number(.gdLesions) == 1 && f.number(.gdLesionsAbovePreNTZ) == -1)
        #expect(f.lowerBounds[.gdLesionsAbovePreNTZ]?.hasPrefix("it covers 95.8 % of the baseline's brain") == true)
        #expect(
            f.lowerBounds[.newT2AbovePreNTZ]?.hasSuffix(
                "(sub-reactivation_ses-02_label-T2lesion_mask.nii.gz): more lesions there could be missed") == true)
        #expect(scores(d) == [-2, 4, 5, 2])
        #expect(d.reason == .conflict(.rebound, score: 5, runnerUp: .reactivation, runnerUpScore: 4, minimumMargin: 2))
        #expect(d.reviewClass == .indeterminate && !d.urgentReview && !d.gate.isOpen)
        let within = try #require(d.notEvaluated.first { $0.rule.id.text == "gd-within-pre-ntz-level" })
        #expect(within.missing.isEmpty && within.lowerBounds == [.gdLesionsGrouped, .gdLesionsAbovePreNTZ])
        #expect(d.notEvaluated.contains { $0.rule.id.text == "new-t2-within-pre-ntz-level" })
        // What the lower bounds still settle: activity was found, so no "no new activity".
        #expect(fired(d).contains("gd-lesions-present") && !d.notEvaluated.contains { $0.rule.id.text == "no-new-t2-activity" })
        let text = ReviewReport(run: short.run, review: short.review).explanation
        #expect(text.contains("gd-within-pre-ntz-level: only lower bounds of gd_lesions_grouped, gd_lesions_above_pre_ntz"))
        #expect(text.contains("    gd_lesions_above_pre_ntz: at least -1: it covers 95.8 % of the baseline's brain"))
    }

    /// Expected before the code: the level before natalizumab comes from ses-01, whose maps are one
    /// slice short of the brain (95.8 % of the field), so the level is only a lower bound: Gd+ at
    /// least 1, new T2 at least 1. At ses-03 (1 Gd+, 2 new T2), the excess over it is only an upper
    /// bound: `gd_lesions_above_pre_ntz` at most 0 still settles "within the level"
    /// (gd-within-pre-ntz-level fires, as with whole maps), but `new_t2_above_pre_ntz` at most 1
    /// settles neither "above" nor "within": new-t2-above-pre-ntz-level no longer fires (rebound 1
    /// less) and both new-T2 level rules are unevaluated. The gate is open (anti-JCV 0.4): urgent,
    /// as before.
    @Test("a level before natalizumab from maps short of the brain is a lower bound: 'above the level' is not settled by it")
    func boundedLevelBeforeNatalizumab() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReviewCase.beforeNatalizumab.write(into: root)
        let whole = try review(root: root)
        let plain = try #require(whole.review.visits.first { $0.visit == 3 })
        #expect(whole.review.preTreatment.gdBound == nil && plain.features.upperBounds.isEmpty)
        #expect(fired(plain.decision).contains("new-t2-above-pre-ntz-level"))

        let stem = root + "/derivatives/segmenter/sub-before/ses-01/anat/sub-before_ses-01"
        let shortGrid = SyntheticGrid(size: GridSize(64, 64, 23), originMM: (-32, -32, -12))
        let session = ReviewCase.beforeNatalizumab.sessions[1]
        try shortGrid.writeMask(session.t2, to: stem + "_label-T2lesion_mask.nii.gz")
        try shortGrid.writeMask(session.gd!, to: stem + "_label-Gdlesion_mask.nii.gz")
        let short = try review(root: root)
        let pre = short.review.preTreatment
        #expect(pre.gdCount == 1 && pre.t2NewCount == 1)
        #expect(pre.gdBound?.hasPrefix("it covers 95.8 % of the baseline's brain") == true)
        #expect(pre.t2NewBound?.hasSuffix("(sub-before_ses-01_label-T2lesion_mask.nii.gz): more lesions there could be missed") == true)
        let cut = try #require(short.review.visits.first { $0.visit == 3 })
        let f = cut.features, d = cut.decision
        #expect(f.number(.gdLesionsAbovePreNTZ) == 0 && f.number(.newT2AbovePreNTZ) == 1)
        #expect(Set(f.upperBounds.keys) == [.gdLesionsAbovePreNTZ, .gdRatioToPreNTZ, .newT2AbovePreNTZ])
        #expect(Set(f.lowerBounds.keys) == [.preNTZGdCount, .preNTZT2NewCount])
        #expect(fired(d).contains("gd-within-pre-ntz-level") && !fired(d).contains("new-t2-above-pre-ntz-level"))
        let above = try #require(d.notEvaluated.first { $0.rule.id.text == "new-t2-above-pre-ntz-level" })
        #expect(above.missing.isEmpty && above.upperBounds == [.newT2AbovePreNTZ])
        #expect(d.notEvaluated.contains { $0.rule.id.text == "new-t2-within-pre-ntz-level" })
        #expect(d.score(.rebound) == plain.decision.score(.rebound) - 1)
        #expect(d.score(.reactivation) == plain.decision.score(.reactivation))
        #expect(d.urgentReview && d.gate.isOpen)
        let text = ReviewReport(run: short.run, review: short.review).explanation
        #expect(text.contains("pre-natalizumab level: Gd+ at least 1 (ses-01 (ntz_infusion_count 0); it covers 95.8 %"))
        #expect(text.contains("new-t2-above-pre-ntz-level: only upper bounds of new_t2_above_pre_ntz"))
        #expect(text.contains("    new_t2_above_pre_ntz: at most 1: the level before natalizumab is only a lower bound: it covers 95.8 %"))
    }
}
