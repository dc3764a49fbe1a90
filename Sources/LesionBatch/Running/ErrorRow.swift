/// A problem with one input of a participant, stored as an error row: the file, the stage that
/// found it and the message. The run goes on without that file's session (or participant).
public struct ErrorRow: Sendable, Equatable {
    /// Where in a participant's processing a problem was found.
    public enum Stage: String, Sendable, CaseIterable {
        /// Listing the participant's folders and tables; paths outside the study.
        case discover
        /// Reading a file's bytes for its content hash.
        case hash
        /// Choosing each session's files by the pipeline's patterns.
        case select
        /// Checking a scan's NIfTI header.
        case header
        /// Reading voxels, placing visits on the baseline grid, labelling, comparing.
        case longitudinal
        /// The classifier.
        case classify
    }

    public let participantID: String
    /// `ses-<label>`, or nil for a problem of the whole participant.
    public let sessionID: String?
    /// The file (or folder), relative to the study root when inside it.
    public let file: String
    public let stage: Stage
    public let message: String

    public init(participantID: String, sessionID: String?, file: String, stage: Stage, message: String) {
        self.participantID = participantID
        self.sessionID = sessionID
        self.file = file
        self.stage = stage
        self.message = message
    }
}
