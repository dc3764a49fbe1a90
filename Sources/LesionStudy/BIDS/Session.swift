/// One session (visit) of a patient's BIDS folder and the NIfTI files found for it.
public struct Session: Sendable, Equatable {
    /// The session label with its prefix, as in `session_id`: `ses-01`.
    public let label: String
    /// `acq_time` from `sub-<id>_sessions.tsv`; nil when the table has no such column.
    public let acquisitionTime: String?
    /// The session's raw folder, `…/sub-<id>/ses-<label>`, for messages.
    public let folder: String
    /// NIfTI files from the raw `anat/` folder and each derivatives `anat/` folder, by path.
    public let files: [String]

    public init(label: String, acquisitionTime: String?, folder: String, files: [String]) {
        self.label = label
        self.acquisitionTime = acquisitionTime
        self.folder = folder
        self.files = files
    }
}
