import GRDB
import LesionIO

/// `lesiontrack merge OUT_A OUT_B … --into OUT`: output folders of shard runs combined into one,
/// as one run over all their participants would have written it.
///
/// Each participant's rows (its result or failure, scans, visits, lesions, ledger, Gd+ lesions,
/// classifications, review windows, errors, outputs) and output files are copied into OUT; the runs that
/// produced them are copied too, under new IDs. A participant present in several sources (or
/// already in OUT) must have the same input key everywhere, and is then taken once; different
/// keys mean different inputs, pipelines or versions, and the merge is refused before anything
/// is written. Files are copied atomically and checked against the SHA-256 their database
/// recorded. Each participant is committed in its own transaction after its files are in place,
/// so an interrupted merge can simply be run again.
public enum ResultsMerger {
    /// Tables copied per participant, in an order that satisfies the foreign keys.
    static let participantTables = [
        "patients", "scans", "visits", "lesions", "ledger", "gd_lesions", "classifications", "review_windows", "registrations", "errors",
        "outputs",
    ]

    /// Merges `sources` into `destination`; returns the number of participants copied.
    @discardableResult
    public static func merge(_ sources: [String], into destination: String) throws(ScanError) -> Int {
        try FileSystem.makeDirectory(destination)
        let lock = try RunLock(outputFolder: destination)
        defer { withExtendedLifetime(lock) {} }
        let target = try ResultsDatabase(outputFolder: destination)
        let realTarget = StudyPaths.realPath(destination)
        var keys = try target.storedKeys()
        var origin: [String: String] = Dictionary(uniqueKeysWithValues: keys.keys.map { ($0, destination) })
        var plan: [(source: String, database: ResultsDatabase, participants: [String])] = []
        for source in sources {
            guard FileSystem.kind(source) == .directory else { throw ScanError(source, "no such output folder") }
            if StudyPaths.realPath(source) == realTarget { continue }
            let database = try ResultsDatabase(outputFolder: source, create: false)
            try database.checkOutputPaths(in: source)
            var copied: [String] = []
            for (id, key) in try database.storedKeys().sorted(by: { $0.key < $1.key }) {
                if let existing = keys[id] {
                    guard existing == key else {
                        throw ScanError(
                            source,
                            "\(id) was processed from different inputs, pipeline or version here and in \(origin[id]!) (input keys differ): merge refused; run that participant again in one folder"
                        )
                    }
                    continue
                }
                keys[id] = key
                origin[id] = source
                copied.append(id)
            }
            plan.append((source, database, copied))
        }

        var bidsDirectories: Set<String> = []
        for (_, database, _) in plan {
            if let folder = try bidsDirectory(of: database) { bidsDirectories.insert(folder) }
        }
        try DerivativesFolder.writeDescription(destination, sources: bidsDirectories.count == 1 ? Array(bidsDirectories) : [])
        var runFacts = ResultsDatabase.RunFacts(command: "merge " + sources.joined(separator: " "))
        runFacts.bidsDirectory = bidsDirectories.count == 1 ? bidsDirectories.first : nil
        try target.markInterruptedRuns()
        let mergeRun = try target.beginRun(runFacts)
        var total = 0
        for (source, database, participants) in plan {
            var runIDs: [Int64: Int64] = [:]
            for id in participants {
                try copyFiles(of: id, from: source, database: database, to: destination)
                let rows = try database.read { db in
                    try participantTables.map { table in
                        (table, try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE participant_id = ?", arguments: [id]))
                    }
                }
                let runs = try database.read { db in
                    try Row.fetchAll(
                        db,
                        sql:
                            "SELECT * FROM runs WHERE id IN (SELECT run_id FROM patients WHERE participant_id = ? UNION SELECT run_id FROM errors WHERE participant_id = ?)",
                        arguments: [id, id])
                }
                try target.write { db in
                    for run in runs {
                        let old: Int64 = run["id"]
                        guard runIDs[old] == nil else { continue }
                        try insert(run, into: "runs", db, skipping: ["id"], replacing: [:])
                        runIDs[old] = db.lastInsertedRowID
                    }
                    for (table, tableRows) in rows {
                        for row in tableRows {
                            var replacing: [String: DatabaseValue] = [:]
                            if let old: Int64 = row["run_id"] { replacing["run_id"] = runIDs[old]?.databaseValue ?? .null }
                            try insert(row, into: table, db, skipping: table == "errors" ? ["id"] : [], replacing: replacing)
                        }
                    }
                }
                total += 1
            }
        }
        try target.finishRun(mergeRun, status: "completed", processed: total, unchanged: 0, scansRead: 0, errors: 0)
        return total
    }

    private static func bidsDirectory(of database: ResultsDatabase) throws(ScanError) -> String? {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT bids_dir FROM runs WHERE bids_dir IS NOT NULL ORDER BY id DESC LIMIT 1")
        }
    }

    private static func insert(
        _ row: Row, into table: String, _ db: Database, skipping: Set<String>, replacing: [String: DatabaseValue]
    ) throws {
        let columns = row.columnNames.filter { !skipping.contains($0) }
        let values = columns.map { replacing[$0] ?? row[$0] as DatabaseValue }
        try db.execute(
            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
            arguments: StatementArguments(values))
    }

    /// Copies a participant's output files, checking each against its recorded hash.
    private static func copyFiles(of id: String, from source: String, database: ResultsDatabase, to destination: String) throws(ScanError) {
        let files = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT path, sha256 FROM outputs WHERE participant_id = ? ORDER BY path", arguments: [id])
        }
        for file in files {
            let relative: String = file["path"], recorded: String = file["sha256"]
            let from = try ContainedPath.resolve(relative, in: source, source: database.path + " (outputs.path)")
            _ = try ContainedPath.resolve(relative, in: destination, source: database.path + " (outputs.path)")
            var folder = destination
            for part in relative.split(separator: "/").dropLast() {
                folder = FileSystem.join(folder, String(part))
                try FileSystem.makeDirectory(folder)
            }
            try VerifiedCopy.copy(
                from, to: try ContainedPath.resolve(relative, in: destination, source: database.path + " (outputs.path)"),
                sha256: recorded)
        }
    }
}
