/// What a participant's review page shows, as read from the results database.
///
/// Only BIDS labels, measurements, classes and provenance: nothing from NIfTI header text.
public struct PatientReportData: Sendable {
    /// One visit's counts (`visits` table).
    public struct Visit: Sendable {
        public let visit: Int
        public let sessionID: String
        public let acquisitionTime: String?
        public let t2Lesions: Int
        public let t2VolumeMM3: Double
        public let newT2: Int?
        public let enlargingT2: Int?
        /// New or enlarging activity (`new_or_enlarging_t2`), confluent and recurrent lesions;
        /// nil at the baseline and in results written before these counts existed.
        public let newOrEnlargingT2: Int?
        public let confluentT2: Int?
        public let recurrentT2: Int?
        public let gdLesions: Int?
        /// The T2 input as recorded (the label map lies on its grid).
        public let t2File: String
        /// The Gd input as recorded, relative to the study (the Gd+ label map lies on its grid).
        public var gdFile: String? = nil
    }

    /// One lesion at one visit (`ledger` table).
    public struct LedgerRow: Sendable {
        public let lesionID: Int
        public let visit: Int
        public let sessionID: String
        public let state: String
        public let voxels: Int
        public let volumeMM3: Double
        public let previousVolumeMM3: Double?
        public let volumeRatio: Double?
        /// Adds a confluent region; counts as activity (nil at baseline, when it ended, or before v3).
        public let confluent: Bool?
        public let active: Bool?
        public let enhancing: Bool?
        public let largestExtentMM: Double?
        /// The centroid in world coordinates (RAS+, mm); nil when the lesion ended at this visit.
        public let centroidMM: (x: Double, y: Double, z: Double)?
    }

    /// One rule that fired (an element of `classifications.reasons`), or the participant's
    /// overall reason (`rule` nil).
    public struct Reason: Sendable {
        /// The session reviewed, nil for the participant overall.
        public let sessionID: String?
        /// The rule ID; nil for the overall reason, whose text is `description`.
        public let rule: String?
        public let description: String
        public let condition: String?
        /// Hypothesis → weight the rule adds.
        public let weights: [(hypothesis: String, weight: Double)]
        /// The citation the rules file gives for the rule.
        public let source: String?
    }

    /// A therapy date from the participant's sessions table.
    public struct TherapyMark: Sendable, Equatable {
        public enum Kind: String, Sendable { case infusion = "last natalizumab infusion", plasmaExchange = "plasma exchange" }
        public let kind: Kind
        /// `YYYY-MM-DD`.
        public let date: String
    }

    public let participantID: String
    public let status: String
    /// Nil when the participant was not classified.
    public let className: String?
    /// The participant needs urgent review.
    public let urgentReview: Bool
    /// Hypothesis → score, in stored order.
    public let scores: [(hypothesis: String, score: Double)]
    public let reasons: [Reason]
    public let missingData: [String]
    public let decisionSupport: String?
    public let rulesFile: String?
    public let rulesSHA256: String?
    public let pipelineFile: String
    public let pipelineSHA256: String
    public let toolVersion: String
    public let visits: [Visit]
    public let ledger: [LedgerRow]
    /// Session ID → T2 lesion label map, relative to the output folder.
    public let labelMaps: [String: String]
    /// Session ID → Gd+ lesion label map (on the grid of the visit's Gd input), relative to the
    /// output folder.
    public let gdMaps: [String: String]
    public let therapy: [TherapyMark]
    /// Why therapy dates could not be shown, when they could not.
    public let therapyNote: String?
    /// Error rows of the participant, as one line each.
    public let errors: [String]
    /// The review's time windows (`review_windows`), in rule order.
    public let windows: [ReviewWindowRecord]
    /// Session ID → the NIfTI files found in it (`scans` table), relative to the study.
    public var sessionFiles: [String: [String]] = [:]
    /// The registrations that placed the participant's images on the baseline grid (`registrations`
    /// table), relative to the study.
    public var registrations: [(moving: String, fixed: String)] = []
    /// The BIDS folder recorded by the run that processed the participant, if any.
    public var bidsDirectory: String? = nil
}
