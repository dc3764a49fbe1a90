import LesionIO

/// A BIDS tabular file (`.tsv`): a header row of column names, then one row per record.
///
/// Fields are separated by tabs; `n/a` (and an empty field) is a missing value, read as nil.
/// Line ends may be LF or CRLF; blank lines are skipped. A row with a different number of fields
/// than the header is refused with its line number.
public struct BIDSTable: Sendable {
    public let path: String
    public let columns: [String]
    /// Values by row, then column; nil where missing.
    public let rows: [[String?]]

    public static func read(_ path: String) throws(ScanError) -> BIDSTable {
        let bytes = try FileSystem.read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScanError(path, "not UTF-8 text")
        }
        return try BIDSTable(path: path, text: text)
    }

    public init(path: String, text: String) throws(ScanError) {
        self.path = path
        var header: [String]?
        var rows: [[String?]] = []
        // Swift reads CRLF as one Character, a newline like LF.
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let columns = header else {
                header = fields
                if let repeated = fields.first(where: { name in fields.filter { $0 == name }.count > 1 }) {
                    throw ScanError(path, "line \(n + 1): column \"\(repeated)\" appears twice in the header")
                }
                continue
            }
            guard fields.count == columns.count else {
                throw ScanError(path, "line \(n + 1): \(fields.count) fields where the header has \(columns.count) columns")
            }
            rows.append(fields.map { $0 == "n/a" || $0.isEmpty ? nil : $0 })
        }
        guard let header else { throw ScanError(path, "empty table: no header row") }
        self.columns = header
        self.rows = rows
    }

    /// The value in `column` of row `row`; nil when missing or when there is no such column.
    public func value(_ column: String, row: Int) -> String? {
        guard let c = columns.firstIndex(of: column) else { return nil }
        return rows[row][c]
    }

    /// The index of the first row whose `column` holds `value`.
    public func rowIndex(where column: String, is value: String) -> Int? {
        guard let c = columns.firstIndex(of: column) else { return nil }
        return rows.firstIndex { $0[c] == value }
    }
}
