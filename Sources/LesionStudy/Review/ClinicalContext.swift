import LesionIO
import LesionReview

/// A patient's clinical context: each session's row of `sub-<id>_sessions.tsv` and the level of
/// activity before natalizumab from `participants.tsv`.
///
/// Every column is optional. A missing column, a session without a row or an `n/a` value makes
/// the facts missing, with the reason, which lowers the review's confidence; in `plasma_exchange`,
/// `next_therapy` and `next_therapy_start`, `n/a` means "none" (a known absence). A value that is
/// present but malformed — a date that is not ISO 8601, a count that is not a whole number, a
/// word outside its column's set, an infusion or plasma exchange dated after the scan — is
/// refused with one error naming the table, the column and the session.
public struct ClinicalContext: Sendable {
    /// `sub-<id>_sessions.tsv`, nil when the folder has none.
    public let sessionsTable: String?
    /// `participants.tsv` of the study root, nil when absent.
    public let participantsTable: String?
    /// Each session's record, by session label.
    public let records: [String: ClinicalRecord]
    /// `pre_ntz_gd_count` of the participant's row, and why it is missing.
    public let participantsGdCount: Int?
    public let gdMissing: String
    /// `pre_ntz_t2_new_count`, and why it is missing.
    public let participantsT2NewCount: Int?
    public let t2NewMissing: String
    /// Columns the tables lack, or the tables themselves (`sub-01_sessions.tsv: jcv_index`).
    public let missingColumns: [String]

    public static let participantsColumns = ["pre_ntz_gd_count", "pre_ntz_t2_new_count"]

    public static func read(_ folder: PatientFolder) throws(ScanError) -> ClinicalContext {
        let sessionsName = folder.participantID + "_sessions.tsv"
        let table = folder.sessionsTable
        var missingColumns: [String] = []
        if let table {
            for column in ClinicalColumn.allCases where !table.columns.contains(column.rawValue) {
                missingColumns.append("\(sessionsName): \(column.rawValue)")
            }
        } else {
            missingColumns.append("\(sessionsName) (no such table)")
        }
        var records: [String: ClinicalRecord] = [:]
        for session in folder.sessions {
            records[session.label] = try record(session.label, table: table, name: sessionsName)
        }

        let participantsPath = FileSystem.join(folder.studyRoot, "participants.tsv")
        var participants: BIDSTable?
        if FileSystem.kind(participantsPath) == .file { participants = try BIDSTable.read(participantsPath) }
        var counts: [String: Int] = [:]
        var reasons: [String: String] = [:]
        for column in participantsColumns {
            guard let participants else {
                reasons[column] = "no participants.tsv"
                continue
            }
            guard participants.columns.contains(column) else {
                reasons[column] = "no column \(column) in participants.tsv"
                missingColumns.append("participants.tsv: \(column)")
                continue
            }
            guard let row = participants.rowIndex(where: "participant_id", is: folder.participantID) else {
                reasons[column] = "no row for \(folder.participantID) in participants.tsv"
                continue
            }
            guard let text = participants.value(column, row: row) else {
                reasons[column] = "n/a for \(folder.participantID) in participants.tsv"
                continue
            }
            guard let value = Int(text), value >= 0 else {
                throw ScanError(
                    participantsPath, "\(column) \"\(text)\" of \(folder.participantID) is not a whole number of lesions (0 or more)")
            }
            counts[column] = value
        }
        if participants == nil { missingColumns.append("participants.tsv (no such table)") }
        return ClinicalContext(
            sessionsTable: table?.path, participantsTable: participants?.path, records: records,
            participantsGdCount: counts["pre_ntz_gd_count"], gdMissing: reasons["pre_ntz_gd_count"] ?? "",
            participantsT2NewCount: counts["pre_ntz_t2_new_count"], t2NewMissing: reasons["pre_ntz_t2_new_count"] ?? "",
            missingColumns: missingColumns)
    }

    private static func record(_ label: String, table: BIDSTable?, name: String) throws(ScanError) -> ClinicalRecord {
        var record = ClinicalRecord()
        guard let table else {
            for column in ClinicalColumn.allCases { record.missing[column] = "no \(name)" }
            return record
        }
        guard let row = table.rowIndex(where: "session_id", is: label) else {
            for column in ClinicalColumn.allCases { record.missing[column] = "no row for \(label) in \(name)" }
            return record
        }
        func fail(_ column: ClinicalColumn, _ text: String, _ expected: String) -> ScanError {
            ScanError(table.path, "\(column.rawValue) \"\(text)\" of \(label) is not \(expected)")
        }
        for column in ClinicalColumn.allCases {
            guard table.columns.contains(column.rawValue) else {
                record.missing[column] = "no column \(column.rawValue) in \(name)"
                continue
            }
            guard let text = table.value(column.rawValue, row: row) else {
                if column.naMeansNone {
                    record.absent.insert(column)
                } else {
                    record.missing[column] = "n/a for \(label) in \(name)"
                }
                continue
            }
            switch column.kind {
            case .date:
                guard let time = ISODateTime(text) else { throw fail(column, text, "an ISO 8601 date (2024-03-05 or 2024-03-05T10:30:00)") }
                record.set(column, date: time)
            case .count:
                guard let n = Int(text), n >= 0 else { throw fail(column, text, "a whole number of infusions (0 or more)") }
                record.set(column, number: Double(n))
            case .number:
                guard let x = Double(text), x.isFinite, x >= 0 else { throw fail(column, text, "an index (a number, 0 or more)") }
                record.set(column, number: x)
            case .word(let words):
                guard words.contains(text) else {
                    throw fail(column, text, words == ["yes", "no"] ? "yes or no" : "one of \(words.joined(separator: ", "))")
                }
                record.set(column, word: text)
            case .text:
                record.set(column, word: text)
            }
        }
        // Each row describes the situation at its scan: what it records happened before it.
        if let scan = record.acquisitionTime {
            for column in [ClinicalColumn.lastInfusion, .plasmaExchange, .natalizumabRestart] {
                if let time = record.date(column), time > scan {
                    throw ScanError(
                        table.path,
                        "\(column.rawValue) \(time) of \(label) is after its acq_time \(scan): each row describes the situation at its scan (the last one before it)"
                    )
                }
            }
        }
        return record
    }
}
