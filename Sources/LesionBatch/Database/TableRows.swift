import GRDB

/// Rows of one database table, column by column, as a participant's job produced them.
public struct TableRows: Sendable {
    public let table: String
    public let columns: [String]
    public private(set) var rows: [[DatabaseValue]] = []

    public init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    /// Adds a row; its values follow `columns`.
    public mutating func append(_ values: [(any DatabaseValueConvertible)?]) {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values.map { $0?.databaseValue ?? .null })
    }

    /// Inserts every row.
    func insert(_ db: Database) throws {
        let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        let statement = try db.cachedStatement(sql: sql)
        for row in rows { try statement.execute(arguments: StatementArguments(row)) }
    }
}
