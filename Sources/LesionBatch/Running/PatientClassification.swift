import LesionStudy

/// A participant's review classes: one for the participant overall and one per follow-up
/// session, each with its scores, reasons and the data that was missing.
public struct PatientClassification: Sendable, Equatable {
    /// The result for the participant overall (`session_id` NULL in the database).
    public let overall: ClassificationRecord
    /// Results per session, by `session_id` (`ses-<label>`).
    public let sessions: [(sessionID: String, record: ClassificationRecord)]
    /// The time windows of the rules used, dated from the participant's therapy events
    /// (`review_windows` in the database); empty without a last-infusion date.
    public let windows: [ReviewWindowRecord]
    /// The review these classes come from, for the participant's JSON and review table; nil
    /// for a classifier that is not the rules review.
    public let review: PatientReview?

    public init(
        overall: ClassificationRecord, sessions: [(sessionID: String, record: ClassificationRecord)],
        windows: [ReviewWindowRecord] = [], review: PatientReview? = nil
    ) {
        self.overall = overall
        self.sessions = sessions
        self.windows = windows
        self.review = review
    }

    public static func == (a: PatientClassification, b: PatientClassification) -> Bool {
        a.overall == b.overall && a.sessions.map(\.sessionID) == b.sessions.map(\.sessionID)
            && a.sessions.map(\.record) == b.sessions.map(\.record) && a.windows == b.windows
    }
}

/// One rule's time window for one hypothesis, placed on the calendar: `fromDays...toDays` after
/// the participant's `eventDate` (the latest last infusion or plasma exchange of its sessions).
public struct ReviewWindowRecord: Sendable, Equatable {
    /// The hypothesis the rule supports, for example `rebound`.
    public let hypothesis: String
    /// The rule's ID, for example `rebound-typical-window`.
    public let ruleID: String
    /// The time features that bound it, comma-separated, as written in the rule.
    public let features: String
    /// `last_infusion` or `plasma_exchange`.
    public let event: String
    /// `YYYY-MM-DD`.
    public let eventDate: String
    public let fromDays: Double
    public let toDays: Double
    /// `eventDate` + `fromDays` and + `toDays` whole days, `YYYY-MM-DD`.
    public let startDate: String
    public let endDate: String

    public init(
        hypothesis: String, ruleID: String, features: String, event: String, eventDate: String, fromDays: Double,
        toDays: Double, startDate: String, endDate: String
    ) {
        self.hypothesis = hypothesis
        self.ruleID = ruleID
        self.features = features
        self.event = event
        self.eventDate = eventDate
        self.fromDays = fromDays
        self.toDays = toDays
        self.startDate = startDate
        self.endDate = endDate
    }
}

/// One classification as stored: the class, and JSON texts for what supports it.
public struct ClassificationRecord: Sendable, Equatable {
    /// The class name, for example `no_new_activity`.
    public let className: String
    /// The visit (or the participant) needs urgent review.
    public let urgentReview: Bool
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
        className: String, urgentReview: Bool, scoresJSON: String, reasonsJSON: String, missingDataJSON: String, rulesFile: String,
        rulesSHA256: String, decisionSupport: String
    ) {
        self.className = className
        self.urgentReview = urgentReview
        self.scoresJSON = scoresJSON
        self.reasonsJSON = reasonsJSON
        self.missingDataJSON = missingDataJSON
        self.rulesFile = rulesFile
        self.rulesSHA256 = rulesSHA256
        self.decisionSupport = decisionSupport
    }
}
