import LesionIO

/// The study's tables an import keeps current: `participants.tsv` (the participant's row) and
/// `sub-<id>/sub-<id>_sessions.tsv` (the visit's row with its `acq_time`), and the study's
/// `dataset_description.json` when it has none.
///
/// Existing columns, rows and values are kept; a missing row is appended, a missing column is
/// added with `n/a` in the other rows, and only the visit's `acq_time` is replaced. Each file is
/// written atomically, and only when its bytes change, so a repeated import changes nothing.
enum StudyTables {
    /// Adds or updates `key`'s row in the table at `path` with `values` (column → value).
    /// Returns whether the file changed.
    @discardableResult
    static func upsert(_ path: String, keyColumn: String, key: String, values: [(String, String)]) throws(ScanError) -> Bool {
        var columns = [keyColumn] + values.map(\.0)
        var rows: [[String?]] = []
        var old: [UInt8]?
        if FileSystem.kind(path) == .file {
            let bytes = try FileSystem.read(path)
            old = bytes
            let table = try BIDSTable(path: path, text: try BIDSTable.text(of: bytes, path: path))
            guard table.columns.contains(keyColumn) else {
                throw ScanError(path, "has no \(keyColumn) column: the import cannot add its row")
            }
            columns = table.columns
            rows = table.rows
            for (column, _) in values where !columns.contains(column) {
                columns.append(column)
                rows = rows.map { $0 + [nil] }
            }
        }
        let keyIndex = columns.firstIndex(of: keyColumn)!
        var row: [String?]
        let existing = rows.firstIndex { $0[keyIndex] == key }
        row = existing.map { rows[$0] } ?? [String?](repeating: nil, count: columns.count)
        row[keyIndex] = key
        for (column, value) in values { row[columns.firstIndex(of: column)!] = value }
        if let existing { rows[existing] = row } else { rows.append(row) }
        let text =
            TableFormat.tsv.row(columns) + rows.map { TableFormat.tsv.row($0.map { $0 ?? "n/a" }) }.joined()
        let bytes = Array(text.utf8)
        if let old, old == bytes { return false }
        try AtomicFile.write(bytes, to: path)
        return true
    }

    /// Writes a raw-dataset `dataset_description.json` into the study when it has none.
    static func describe(study: String) throws(ScanError) -> Bool {
        let path = FileSystem.join(study, "dataset_description.json")
        guard FileSystem.kind(path) == .missing else { return false }
        let text = """
            {
              "Name": "LesionTrack import",
              "BIDSVersion": "1.9.0",
              "DatasetType": "raw",
              "GeneratedBy": [{"Name": "lesiontrack import", "Description": "DICOM converted with dcm2niix"}]
            }

            """
        try AtomicFile.write(Array(text.utf8), to: path)
        return true
    }
}
