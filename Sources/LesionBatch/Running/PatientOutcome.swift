/// Everything a participant's job produced, ready to be committed in one transaction.
public struct PatientOutcome: Sendable {
    public enum Status: String, Sendable {
        /// Every session was used.
        case complete
        /// Some sessions were left out, each with an error row.
        case partial
        /// No result: the participant could not be processed (see its error rows).
        case failed
    }

    public let participantID: String
    /// The idempotence key: a hash of the tool version, the pipeline, the classifier's rules,
    /// the participant's clinical columns and every input file's content.
    public let inputKey: String
    public let status: Status
    public let sessionsFound: Int
    public let sessionsUsed: Int
    /// Values of the `patients` row beyond the ones above: visit order, reference file and grid.
    public let visitOrder: String?
    public let referenceFile: String?
    public let referenceGridJSON: String?
    /// Rows of `scans`, `visits`, `lesions`, `ledger`, `gd_lesions`, `classifications`, `review_windows`, `outputs`.
    public let tables: [TableRows]
    public let errors: [ErrorRow]
    /// Files read and their voxels, for throughput.
    public let scansRead: Int
    public let voxelsRead: Int
    public let seconds: Double
    /// Where this participant's time went (`database` is added by the run, at commit).
    public let stageSeconds: StageSeconds
    /// Output files written (relative to the output folder).
    public let outputs: [String]
}
