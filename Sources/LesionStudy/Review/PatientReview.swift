import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionReview

/// A patient's review: the image features of every visit, the clinical context, and the class of
/// each follow-up visit and of the patient, with the reasons.
///
/// Reviewed are every visit but the scans before natalizumab (`PreTreatmentLevel.beforeTreatment`,
/// which give the pre-natalizumab level instead) and a first visit without Gd+ lesions (it has no
/// earlier scan to compare with and no activity to review). A first or only scan with Gd+ lesions
/// is reviewed: Gd+ activity is never left silent.
public struct PatientReview: Sendable {
    /// One reviewed visit.
    public struct Visit: Sendable {
        /// 0-based index of the visit.
        public let visit: Int
        public let features: VisitFeatures
        public let decision: VisitDecision
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
    /// The withdrawn therapy as the sessions table records or implies it, in one sentence; says so
    /// when nothing is recorded, since the PML gate then treats natalizumab exposure as unknown.
    public let treatment: String
    public let preTreatment: PreTreatmentLevel
    /// The rule that grows a lesion contiguously (the pipeline's enlarging rule).
    public let growth: ContiguousGrowth
    /// Every visit's image features, in visit order.
    public let imageFeatures: [VisitImageFeatures]
    /// Every visit's cortex, grey-matter and ventricle maps (nil: none).
    public let cortex: [Anatomy?]
    public let greyMatter: [Anatomy?]
    public let ventricles: [Anatomy?]
    /// The reviewed visits, in visit order.
    public let visits: [Visit]
    /// Visits not reviewed, with the reason, in visit order.
    public let notReviewed: [(visit: Int, reason: String)]
    /// Sessions left out of the run (refused in a batch run), not reviewed; they make the patient
    /// urgent and at least indeterminate (`PatientDecision.coveringLeftOut`).
    public let leftOut: [String]
    /// The most urgent of the reviewed visits, covering the sessions left out.
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
        cortex: [Anatomy?], greyMatter: [Anatomy?], ventricles: [Anatomy?], leftOut: [String] = []
    ) {
        let ledger = run.ledger
        let labels = run.visits.map { $0.inputs.session ?? "" }
        func record(_ n: Int) -> ClinicalRecord { clinical.records[labels[n]] ?? ClinicalRecord() }
        let growth = ContiguousGrowth(rule: ledger.rule, voxelVolumeMM3: ledger.geometry.voxelVolumeMM3)
        let infusionCounts = run.visits.indices.map { record($0).infusionCount }
        let beforeTreatment = PreTreatmentLevel.beforeTreatment(infusionCounts)
        let firstTreated = infusionCounts.firstIndex { ($0 ?? 0) > 0 } ?? 0
        var firstSeen: [LesionID: Int] = [:]
        for row in ledger.rows where firstSeen[row.id] == nil { firstSeen[row.id] = row.visit }
        let sinceTreatment = Set(firstSeen.filter { $0.value > firstTreated }.keys)
        let (gx, gy, gz) = ledger.geometry.spacingMM
        let gridVoxelMM = max(gx, gy, gz)
        func acquisition(_ n: Int) -> VisitAcquisition {
            let record = run.visits[n]
            let t2 = SeriesAcquisition(
                file: record.inputs.t2File, coverage: record.t2Fit.coverage,
                coarsestVoxelMM: max(record.t2CoarsestVoxelMM, gridVoxelMM))
            var gd: SeriesAcquisition?
            if let file = record.inputs.gdFile, let fit = record.gdFit {
                gd = SeriesAcquisition(
                    file: file, coverage: fit.coverage, coarsestVoxelMM: max(record.gdCoarsestVoxelMM ?? 0, gridVoxelMM),
                    checkFile: record.gdCheckedOnT2 ? record.inputs.t2File : nil,
                    checkVoxelMM: record.gdCheckedOnT2 ? record.t2CoarsestVoxelMM : nil)
            }
            return VisitAcquisition(t2: t2, gd: gd)
        }
        let acquisitions = run.visits.indices.map(acquisition)
        let preTreatment = PreTreatmentLevel.resolve(
            participantsGd: clinical.participantsGdCount, gdMissing: clinical.gdMissing,
            participantsT2New: clinical.participantsT2NewCount, t2NewMissing: clinical.t2NewMissing,
            participantsSource: "participants.tsv",
            sessions: run.visits.indices.map { (labels[$0], record($0).infusionCount, ledger.counts[$0]) },
            bounds: acquisitions.map { series in
                (rules.ruleSet.features.lowerBoundLimitation(of: series.t2), rules.ruleSet.features.lowerBoundLimitation(of: series.gd))
            })
        var visits: [Visit] = []
        var notReviewed: [(visit: Int, reason: String)] = []
        for n in run.visits.indices {
            if beforeTreatment[n] {
                notReviewed.append((n, "before natalizumab (ntz_infusion_count 0): it gives the pre-natalizumab level"))
                continue
            }
            if n == 0 && (ledger.counts[0].gdLesions ?? 0) == 0 {
                let gd = ledger.counts[0].gdLesions == nil ? "no Gd source" : "no Gd+ lesion"
                notReviewed.append((n, "first visit: no earlier scan to compare with, and \(gd)"))
                continue
            }
            let inputs = VisitReviewInputs(
                visit: n, counts: ledger.counts[n], entries: ledger.entries(atVisit: n), image: imageFeatures[n],
                clinical: record(n), preTreatment: preTreatment, growth: growth, sinceTreatment: sinceTreatment,
                parameters: rules.ruleSet.features, acquisition: acquisitions[n])
            let features = inputs.features()
            visits.append(Visit(visit: n, features: features, decision: Classifier.decide(features, rules: rules.ruleSet)))
        }
        self.rules = rules
        self.clinical = clinical
        self.treatment = Self.treatment(run.visits.indices.map(record))
        self.preTreatment = preTreatment
        self.growth = growth
        self.imageFeatures = imageFeatures
        self.cortex = cortex
        self.greyMatter = greyMatter
        self.ventricles = ventricles
        self.visits = visits
        self.notReviewed = notReviewed
        self.patient = PatientDecision.combine(
            visits.map { ($0.visit, $0.decision) },
            noVisitReason: "no visit to review: the first visit has no Gd+ lesion and no later visit was compared with it"
        ).coveringLeftOut(leftOut)
        self.leftOut = leftOut
    }

    static func treatment(_ records: [ClinicalRecord]) -> String {
        let recorded = records.compactMap(\.withdrawnTherapy)
        if let therapy = recorded.last {
            return "\(therapy.rawValue) withdrawal (withdrawn_therapy)"
                + (therapy == .fingolimod ? ": not a natalizumab patient unless natalizumab is recorded too" : "")
        }
        let inferred = records.compactMap(\.impliedWithdrawnTherapy)
        if let therapy = inferred.last {
            return "\(therapy.rawValue) withdrawal, inferred from the "
                + (therapy == .natalizumab ? "natalizumab columns (ntz_*)" : "fingolimod_stop column")
        }
        return
            "no natalizumab or fingolimod recorded: natalizumab exposure is unknown, so PML stays possible wherever activity is new (record ntz_status never to close it)"
    }
}
