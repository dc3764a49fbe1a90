import LesionIO

/// A mapping table for importing many visits at once: one row per DICOM folder, with the
/// participant and session it becomes.
///
/// A TSV with the columns `dicom_dir` (relative to the table's folder, or absolute),
/// `participant_id` (with or without `sub-`; `n/a` for a label derived from the patient ID with
/// the salt) and, optionally, `session_id` (with or without `ses-`; `n/a` or absent for the
/// acquisition date). Read with the study's TSV reader (`BIDSTable`).
public struct ImportMapping: Sendable {
    /// One visit to import.
    public struct Row: Sendable, Equatable {
        public let dicomFolder: String
        public let participant: String?
        public let session: String?
        /// The row's line in the table, for messages.
        public let line: Int
    }

    public let path: String
    public let rows: [Row]

    public static func read(_ path: String) throws(ScanError) -> ImportMapping {
        let table = try BIDSTable.read(path)
        guard table.columns.contains("dicom_dir"), table.columns.contains("participant_id") else {
            throw ScanError(path, "a mapping table needs the columns dicom_dir and participant_id (and optionally session_id)")
        }
        let base = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var rows: [Row] = []
        for (n, line) in table.lines.enumerated() {
            guard let folder = table.value("dicom_dir", row: n) else {
                throw ScanError(path, "line \(line): dicom_dir is empty")
            }
            let participant = try label(table.value("participant_id", row: n), prefix: "sub-", line: line, path: path)
            let session = try label(table.value("session_id", row: n), prefix: "ses-", line: line, path: path)
            rows.append(
                Row(
                    dicomFolder: folder.hasPrefix("/") ? folder : FileSystem.join(base, folder), participant: participant, session: session,
                    line: line))
        }
        return ImportMapping(path: path, rows: rows)
    }

    private static func label(_ value: String?, prefix: String, line: Int, path: String) throws(ScanError) -> String? {
        guard let value else { return nil }
        let bare = value.hasPrefix(prefix) ? String(value.dropFirst(prefix.count)) : value
        guard DICOMImport.isLabel(bare) else {
            throw ScanError(path, "line \(line): \(value) is not a BIDS label (letters and digits, optionally after \(prefix))")
        }
        return bare
    }
}
