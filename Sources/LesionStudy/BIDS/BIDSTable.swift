import LesionIO

/// A BIDS tabular file (`.tsv`): a header row of column names, then one row per record.
///
/// Fields are separated by tabs; `n/a` (and an empty field) is a missing value, read as nil.
/// Line ends may be LF or CRLF; blank lines are skipped. A row with a different number of fields
/// than the header is refused with its line number.
///
/// The file must be UTF-8; a leading UTF-8 byte-order mark is dropped (spreadsheets write one),
/// a UTF-16 or UTF-32 one is refused, and so is a table with no header row (an empty or BOM-only
/// file), so a table is never silently read as having no columns.
public struct BIDSTable: Sendable {
    public let path: String
    public let columns: [String]
    /// Values by row, then column; nil where missing.
    public let rows: [[String?]]
    /// The line number in the file (from 1) of each row, for error messages.
    public let lines: [Int]

    public static func read(_ path: String) throws(ScanError) -> BIDSTable {
        let bytes = try FileSystem.read(path)
        return try BIDSTable(path: path, text: try text(of: bytes, path: path))
    }

    /// `bytes` as UTF-8 text without a leading byte-order mark, or an error saying what it is.
    public static func text(of bytes: [UInt8], path: String) throws(ScanError) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw ScanError(path, "UTF-16 or UTF-32 text (byte-order mark): save the table as UTF-8")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = body.makeIterator()
            var offset = 0
            decoding: while true {
                switch parser.parseScalar(from: &iterator) {
                case .valid(let scalar): offset += scalar.count
                case .emptyInput, .error: break decoding
                }
            }
            throw ScanError(path, "not UTF-8 text (invalid byte at offset \(offset)): save the table as UTF-8")
        }
        return text
    }

    public init(path: String, text: String) throws(ScanError) {
        self.path = path
        var header: [String]?
        var rows: [[String?]] = []
        var lines: [Int] = []
        let body = text.unicodeScalars.first == "\u{FEFF}" ? Substring(text.unicodeScalars.dropFirst()) : Substring(text)
        // Swift reads CRLF as one Character, a newline like LF.
        for (n, line) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let columns = header else {
                header = fields
                var seen = Set<String>(minimumCapacity: fields.count)
                if let repeated = fields.first(where: { !seen.insert($0).inserted }) {
                    throw ScanError(path, "line \(n + 1): column \"\(repeated)\" appears twice in the header")
                }
                continue
            }
            guard fields.count == columns.count else {
                throw ScanError(path, "line \(n + 1): \(fields.count) fields where the header has \(columns.count) columns")
            }
            rows.append(fields.map { $0 == "n/a" || $0.isEmpty ? nil : $0 })
            lines.append(n + 1)
        }
        guard let header else { throw ScanError(path, "empty table: no header row") }
        self.columns = header
        self.rows = rows
        self.lines = lines
    }

    /// The value in `column` of row `row`; nil when there is no such column or row.
    public func value(_ column: String, row: Int) -> String? {
        guard let c = columns.firstIndex(of: column), rows.indices.contains(row), rows[row].indices.contains(c) else {
            return nil
        }
        return rows[row][c]
    }

    /// The index of the first row whose `column` holds `value`.
    public func rowIndex(where column: String, is value: String) -> Int? {
        guard let c = columns.firstIndex(of: column) else { return nil }
        return rows.firstIndex { $0[c] == value }
    }
}
