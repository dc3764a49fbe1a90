import LesionIO
import LesionReview
import LesionStudy

/// The review classifier of `patient` and `explain`, run on each participant of a batch.
///
/// The participant's sessions that were compared (refused ones left out) are reviewed with the
/// rules file: their image features are measured in the batch's own pass over the visits
/// (`measurement(of:)`) and the decision is made from those and the batch's comparison, so no
/// visit is labelled twice. Each reviewed session gets a record and so does the participant
/// overall. Its identity is the rules file's SHA-256, so editing the rules redoes every
/// participant. The rules' time windows are dated from the participant's therapy dates and
/// stored beside the classes.
public struct ReviewClassifier: PatientClassifying {
    public let rules: RulesFile
    public let reader: NIfTIReader

    public init(rules: RulesFile, reader: NIfTIReader) {
        self.rules = rules
        self.reader = reader
    }

    public var identity: String { "rules sha256 \(rules.sha256); time windows and urgency stored" }

    /// Reads the clinical tables and chooses the anatomy maps of `folder`'s sessions, as
    /// `PatientReview.patient` does before its pass.
    public func measurement(of folder: PatientFolder) throws(ScanError) -> ReviewMeasurement? {
        try ReviewMeasurement(folder, clinical: try ClinicalContext.read(folder), rules: rules, reader: reader)
    }

    public func classify(_ patient: ProcessedPatient) throws(ScanError) -> PatientClassification? {
        guard let measured = patient.measured else {
            throw ScanError(
                patient.folder.subjectFolder, "the review's features were not measured while the visits were labelled",
                kind: .internal)
        }
        let run = patient.run
        let review = try measured.get().review(of: run, leftOut: patient.excludedSessions)
        let report = ReviewReport(run: run, review: review)
        func record(
            _ className: String, urgent: Bool, _ json: (scores: String, fired: String, missing: String)
        ) -> ClassificationRecord {
            ClassificationRecord(
                className: className, urgentReview: urgent, scoresJSON: json.scores, reasonsJSON: json.fired, missingDataJSON: json.missing,
                rulesFile: rules.path, rulesSHA256: rules.sha256, decisionSupport: RulesFile.statement)
        }
        let sessions = review.visits.map { visit in
            (
                sessionID: run.visits[visit.visit].inputs.session ?? "visit-\(visit.visit + 1)",
                record: record(visit.decision.reviewClass.rawValue, urgent: visit.decision.urgentReview, report.recordJSON(visit))
            )
        }
        // A session left out of the run (a refused file, a failed registration check) was not
        // reviewed: the review made the patient urgent and at least indeterminate, naming it.
        let decision = review.patient
        let leading = decision.visit.flatMap { n in review.visits.first { $0.visit == n } }
        // The patient's reason, then the deciding visit's: "PML not excluded" and the leading
        // alternative reach the report page.
        let overallReasons =
            "[" + ([decision.reason] + (leading.map { [$0.decision.reason.text] } ?? [])).map(JSON.string).joined(separator: ", ") + "]"
        let overall = record(
            decision.reviewClass.rawValue, urgent: decision.urgentReview,
            (
                leading.map { report.recordJSON($0).scores } ?? "{}", overallReasons,
                Self.withLeftOut(leading.map { report.recordJSON($0).missing } ?? "[]", patient.excludedSessions)
            ))
        return PatientClassification(
            overall: overall, sessions: sessions, windows: Self.windows(rules, review.clinical), review: review)
    }

    /// `missing` (a JSON array of `{"feature", "reason"}` objects) with one entry per session left
    /// out of the run, so the report's missing data names them.
    static func withLeftOut(_ missing: String, _ sessions: [String]) -> String {
        guard !sessions.isEmpty else { return missing }
        let entries = sessions.map { session in
            LongitudinalReport.object([
                ("feature", JSON.string("session " + session)),
                ("reason", JSON.string("left out of the run (the error rows say why): not reviewed")),
            ])
        }.joined(separator: ", ")
        return missing == "[]" ? "[" + entries + "]" : String(missing.dropLast()) + ", " + entries + "]"
    }

    /// The rules' time windows dated from the latest last infusion and plasma exchange of the
    /// participant's sessions; none without a last-infusion date.
    static func windows(_ rules: RulesFile, _ clinical: ClinicalContext) -> [ReviewWindowRecord] {
        let records = clinical.records.values
        guard let infusion = records.compactMap(\.lastInfusion).max() else { return [] }
        let events: [TimeWindow.Event: ISODateTime] = [
            .lastInfusion: infusion, .plasmaExchange: records.compactMap(\.plasmaExchange).max(),
        ].compactMapValues { $0 }
        return TimeWindow.windows(in: rules.ruleSet).compactMap { window in
            guard let date = events[window.event] else { return nil }
            return ReviewWindowRecord(
                hypothesis: window.hypothesis.rawValue, ruleID: window.rule.text,
                features: window.features.map(\.rawValue).joined(separator: ", "), event: window.event.rawValue,
                eventDate: date.date(addingDays: 0), fromDays: window.fromDays, toDays: window.toDays,
                startDate: date.date(addingDays: window.fromDays), endDate: date.date(addingDays: window.toDays))
        }
    }
}
