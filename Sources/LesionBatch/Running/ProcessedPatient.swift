import LesionIO
import LesionStudy

/// One participant after its sessions were labelled and compared: what a classifier reads.
public struct ProcessedPatient: Sendable {
    /// The participant's BIDS folder: sessions in time order and `sub-<id>_sessions.tsv`.
    public let folder: PatientFolder
    /// The visits compared on the baseline grid: the ledger, the counts, how each file was read.
    public let run: LongitudinalRun
    /// The participant's row of the study's `participants.tsv` (column → value; missing values
    /// and a missing table give no entry).
    public let participantColumns: [String: String]
    /// Sessions left out because one of their files was refused (each has an error row).
    public let excludedSessions: [String]
    /// What the classifier measured of every visit of `run` while it was labelled
    /// (`PatientClassifying.measurement(of:)`), or the first error measuring threw; nil when the
    /// classifier measures nothing.
    public let measured: Result<ReviewMeasurement, ScanError>?

    public init(
        folder: PatientFolder, run: LongitudinalRun, participantColumns: [String: String], excludedSessions: [String],
        measured: Result<ReviewMeasurement, ScanError>? = nil
    ) {
        self.folder = folder
        self.run = run
        self.participantColumns = participantColumns
        self.excludedSessions = excludedSessions
        self.measured = measured
    }
}
