import LesionIO
import LesionStudy

/// What every participant's job of one run shares: where to read and write, the pipeline, the
/// reader, the classifier and the memory bound.
struct BatchContext: Sendable {
    let paths: StudyPaths
    let pipeline: PipelineFile
    let reader: NIfTIReader
    let classifier: any PatientClassifying
    /// The study's `participants.tsv`, when present.
    let participants: BIDSTable?
    let budget: MemoryBudget
    /// Where transforms are stored and elastix's share of the cores (cores / jobs).
    var registration = RegistrationContext.standalone

    /// The participant's row of `participants.tsv`, column → value.
    func participantColumns(_ id: String) -> [String: String] {
        guard let table = participants, let row = table.rowIndex(where: "participant_id", is: id) else { return [:] }
        var columns: [String: String] = [:]
        for column in table.columns { if let value = table.value(column, row: row) { columns[column] = value } }
        return columns
    }

    /// A conservative estimate of the bytes a participant's job holds at its peak: for each
    /// baseline-grid voxel, the float64 copies of a resampled or z-scored file, the label maps of
    /// two visits, the ledger's map of recently resolved lesions, the label map of the specks under
    /// the reader's floor and the brain masks, and for raw scans the previous visit's FLAIR, T1w,
    /// ratio and lesions kept for the next visit and its re-acquisition (`bytesPerReferenceVoxel`),
    /// plus the largest input twice over in its stored type (read, then placed).
    static func peakBytes(referenceVoxels: Int, largestInputBytes: Int) -> Int {
        referenceVoxels * bytesPerReferenceVoxel + 2 * largestInputBytes
    }

    /// Bytes per baseline-grid voxel in `peakBytes`. A generated raw patient on a 220 × 250 × 200
    /// grid (int16 scans), its follow-up FLAIR of 5 mm slices re-acquired, peaked at 774 MB
    /// resident (`run --jobs 1`, the program included): 66 bytes per voxel beside twice its largest
    /// input; 80 keeps a margin (an estimate of 924 MB).
    static let bytesPerReferenceVoxel = 80
}
