import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionReview

/// A patient's review: the image features of every visit, the clinical context, and the class of
/// each follow-up visit and of the patient, with the reasons.
///
/// Reviewed are the follow-up visits after natalizumab started: not the baseline (it has no
/// earlier visit to compare with) and not a session whose `ntz_infusion_count` is 0 (a scan before
/// natalizumab, which gives the pre-natalizumab level instead).
public struct PatientReview: Sendable {
    /// One reviewed visit.
    public struct Visit: Sendable {
        /// 0-based index of the visit.
        public let visit: Int
        public let features: TimepointFeatures
        public let decision: TimepointDecision
    }

    /// The maps one visit's contact features used.
    public struct Anatomy: Sendable {
        public let file: String
        /// The session the map belongs to (an earlier one when carried forward).
        public let session: String
        public let fit: GridFit

        init(_ placed: AnatomyMaps.Placed) {
            file = placed.choice.file
            session = placed.choice.session
            fit = placed.fit
        }
    }

    public let rules: RulesFile
    public let clinical: ClinicalContext
    public let preTreatment: PreTreatmentLevel
    /// The rule that grows a lesion contiguously (the pipeline's enlarging rule).
    public let growth: ContiguousGrowth
    /// Every visit's image features, in visit order.
    public let imageFeatures: [VisitImageFeatures]
    /// Every visit's grey-matter and ventricle maps (nil: none).
    public let greyMatter: [Anatomy?]
    public let ventricles: [Anatomy?]
    /// The reviewed visits, in visit order.
    public let visits: [Visit]
    /// Visits not reviewed, with the reason, in visit order.
    public let notReviewed: [(visit: Int, reason: String)]
    public let patient: PatientDecision

    /// Runs `patient DIR` and reviews it: the clinical tables are read first (a malformed one is
    /// refused before any scan is read), then each visit is labelled, compared and measured
    /// (`ReviewMeasurement`) in one pass.
    public static func patient(
        _ directory: String, pipeline: PipelineFile, rules: RulesFile, reader: NIfTIReader
    ) throws(ScanError) -> (run: LongitudinalRun, review: PatientReview) {
        let folder = try PatientFolder.open(directory, searchDerivatives: pipeline.pipeline.searchDerivatives)
        return try patient(folder, inputs: [directory], pipeline: pipeline, rules: rules, reader: reader)
    }

    /// Reviews an opened patient folder.
    public static func patient(
        _ folder: PatientFolder, inputs directories: [String], pipeline: PipelineFile, rules: RulesFile, reader: NIfTIReader
    ) throws(ScanError) -> (run: LongitudinalRun, review: PatientReview) {
        let clinical = try ClinicalContext.read(folder)
        let inputs = try VisitInputs.select(folder, pipeline: pipeline.pipeline)
        var measurement = try ReviewMeasurement(folder, clinical: clinical, rules: rules, reader: reader)
        let run = try LongitudinalRun.run(
            command: "patient", inputs: directories, participantID: folder.participantID,
            visitOrder: folder.sessionOrder, visits: inputs, pipeline: pipeline, reader: reader,
            observe: { (n: Int, lesions: VisitLesions, grid: ReferenceGrid) throws(ScanError) in
                try measurement.observe(n, lesions, grid: grid)
            })
        return (run, measurement.review(of: run))
    }

    /// Classifies the follow-up visits of a run whose image features were measured.
    init(
        run: LongitudinalRun, rules: RulesFile, clinical: ClinicalContext, imageFeatures: [VisitImageFeatures],
        greyMatter: [Anatomy?], ventricles: [Anatomy?]
    ) {
        let ledger = run.ledger
        let labels = run.visits.map { $0.inputs.session ?? "" }
        func record(_ n: Int) -> ClinicalRecord { clinical.records[labels[n]] ?? ClinicalRecord() }
        let preTreatment = PreTreatmentLevel.resolve(
            participantsGd: clinical.participantsGdCount, gdMissing: clinical.gdMissing,
            participantsT2New: clinical.participantsT2NewCount, t2NewMissing: clinical.t2NewMissing,
            participantsSource: "participants.tsv",
            sessions: run.visits.indices.map { (labels[$0], record($0).infusionCount, ledger.counts[$0]) })
        let growth = ContiguousGrowth(rule: ledger.rule, voxelVolumeMM3: ledger.geometry.voxelVolumeMM3)
        var visits: [Visit] = []
        var notReviewed: [(visit: Int, reason: String)] = []
        for n in run.visits.indices {
            if n == 0 {
                notReviewed.append((n, "baseline: no earlier visit to compare with"))
                continue
            }
            if record(n).infusionCount == 0 {
                notReviewed.append((n, "before natalizumab (ntz_infusion_count 0): it gives the pre-natalizumab level"))
                continue
            }
            let inputs = TimepointInputs(
                visit: n, counts: ledger.counts[n], entries: ledger.entries(atVisit: n), image: imageFeatures[n],
                clinical: record(n), preTreatment: preTreatment, growth: growth)
            let features = inputs.features()
            visits.append(Visit(visit: n, features: features, decision: Classifier.decide(features, rules: rules.ruleSet)))
        }
        self.rules = rules
        self.clinical = clinical
        self.preTreatment = preTreatment
        self.growth = growth
        self.imageFeatures = imageFeatures
        self.greyMatter = greyMatter
        self.ventricles = ventricles
        self.visits = visits
        self.notReviewed = notReviewed
        self.patient = PatientDecision.combine(visits.map { ($0.visit, $0.decision) })
    }
}
