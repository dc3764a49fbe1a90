/// A participant's review classes: one for the participant overall and one per follow-up
/// session, each with its scores, reasons and the data that was missing.
public struct PatientClassification: Sendable, Equatable {
    /// The result for the participant overall (`session_id` NULL in the database).
    public let overall: ClassificationRecord
    /// Results per session, by `session_id` (`ses-<label>`).
    public let sessions: [(sessionID: String, record: ClassificationRecord)]

    public init(overall: ClassificationRecord, sessions: [(sessionID: String, record: ClassificationRecord)]) {
        self.overall = overall
        self.sessions = sessions
    }

    public static func == (a: PatientClassification, b: PatientClassification) -> Bool {
        a.overall == b.overall && a.sessions.map(\.sessionID) == b.sessions.map(\.sessionID)
            && a.sessions.map(\.record) == b.sessions.map(\.record)
    }
}

/// One classification as stored: the class, and JSON texts for what supports it.
public struct ClassificationRecord: Sendable, Equatable {
    /// The class name, for example `no_new_activity`.
    public let className: String
    /// A JSON object: hypothesis → score.
    public let scoresJSON: String
    /// A JSON array: every rule that fired, with its inputs, threshold and source.
    public let reasonsJSON: String
    /// A JSON array: the inputs that were missing.
    public let missingDataJSON: String
    /// The rules file and the SHA-256 of its bytes.
    public let rulesFile: String
    public let rulesSHA256: String
    /// The statement that the result supports a clinician's review and is not a diagnosis.
    public let decisionSupport: String

    public init(
        className: String, scoresJSON: String, reasonsJSON: String, missingDataJSON: String, rulesFile: String,
        rulesSHA256: String, decisionSupport: String
    ) {
        self.className = className
        self.scoresJSON = scoresJSON
        self.reasonsJSON = reasonsJSON
        self.missingDataJSON = missingDataJSON
        self.rulesFile = rulesFile
        self.rulesSHA256 = rulesSHA256
        self.decisionSupport = decisionSupport
    }
}
