import GRDB
import LesionIO
import LesionScan

/// The results database of an output folder: `OUTPUT_DIR/lesiontrack.sqlite`, SQLite through GRDB.
///
/// Each participant's result is committed in one transaction that first removes the
/// participant's previous rows, so a reader (or a run killed at any moment) sees either the old
/// result or the new one, never a mix. SQLite's journal makes a commit durable before it returns.
public final class ResultsDatabase: Sendable {
    public static let fileName = "lesiontrack.sqlite"

    public let path: String
    let queue: DatabaseQueue

    /// Opens (or creates) the database and brings its schema up to date.
    public init(path: String, create: Bool = true) throws(ScanError) {
        self.path = path
        if !create && FileSystem.kind(path) != .file {
            throw ScanError(path, "no results database here: run `lesiontrack run BIDS_DIR OUTPUT_DIR participant` first")
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = ResultsSchema.migrator
            let applied = try queue.read { try migrator.appliedIdentifiers($0) }
            if let unknown = applied.first(where: { !ResultsSchema.knownMigrations.contains($0) }) {
                throw ScanError(
                    path,
                    "written by a newer LesionTrack (schema migration \(unknown) is unknown to \(LesionTrackVersion.current)): use that version"
                )
            }
            try migrator.migrate(queue)
        } catch let error as ScanError {
            throw error
        } catch {
            throw Self.failure(path, error)
        }
    }

    /// The database of an output folder.
    public convenience init(outputFolder: String, create: Bool = true) throws(ScanError) {
        try self.init(path: FileSystem.join(outputFolder, Self.fileName), create: create)
    }

    /// Runs a write transaction, turning database errors into output errors naming the file.
    func write<T>(_ body: (Database) throws -> T) throws(ScanError) -> T {
        do {
            return try queue.write(body)
        } catch let error as ScanError {
            throw error
        } catch {
            throw Self.failure(path, error)
        }
    }

    /// Runs a read, turning database errors into errors naming the file.
    func read<T>(_ body: (Database) throws -> T) throws(ScanError) -> T {
        do {
            return try queue.read(body)
        } catch let error as ScanError {
            throw error
        } catch {
            throw ScanError(path, "cannot read the results database: \(error)")
        }
    }

    static func failure(_ path: String, _ error: any Error) -> ScanError {
        if let error = error as? DatabaseError {
            return ScanError(path, "results database: \(error.message ?? error.description)", kind: .output)
        }
        return ScanError(path, "results database: \(error)", kind: .output)
    }

    // MARK: Runs

    /// The facts of a run recorded when it starts.
    public struct RunFacts: Sendable {
        public var command: String
        public var bidsDirectory: String?
        public var pipelineFile: String?
        public var pipelineSHA256: String?
        public var pipelineName: String?
        public var parametersJSON: String?
        public var participantLabels: [String]?
        public var shard: String?
        public var jobs: Int?

        public init(command: String) { self.command = command }
    }

    /// Marks runs that never finished (their process was killed) as `interrupted`.
    func markInterruptedRuns() throws(ScanError) {
        try write { db in
            try db.execute(sql: "UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        }
    }

    /// Marks run `id` interrupted (SIGINT or SIGTERM); returns the participants it committed.
    func markInterrupted(_ id: Int64) throws(ScanError) -> Int {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = 'interrupted' WHERE id = ?", arguments: [Timestamp.now(), id])
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM patients WHERE run_id = ?", arguments: [id]) ?? 0
        }
    }

    /// Records a starting run and returns its ID.
    func beginRun(_ facts: RunFacts) throws(ScanError) -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (command, tool_version, bids_dir, pipeline_file, pipeline_sha256, pipeline_name,
                                      parameters, participant_labels, shard, jobs, started_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
                    """,
                arguments: [
                    facts.command, LesionTrackVersion.current, facts.bidsDirectory, facts.pipelineFile,
                    facts.pipelineSHA256, facts.pipelineName, facts.parametersJSON,
                    facts.participantLabels.map { "[" + $0.map(JSON.string).joined(separator: ", ") + "]" },
                    facts.shard, facts.jobs, Timestamp.now(),
                ])
            return db.lastInsertedRowID
        }
    }

    /// Records how a run ended.
    func finishRun(_ id: Int64, status: String, processed: Int, unchanged: Int, scansRead: Int, errors: Int) throws(ScanError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE runs SET finished_at = ?, status = ?, participants_processed = ?, participants_unchanged = ?,
                                    scans_read = ?, errors = ? WHERE id = ?
                    """,
                arguments: [Timestamp.now(), status, processed, unchanged, scansRead, errors, id])
        }
    }

    // MARK: Participants

    /// The stored input key of each participant.
    func storedKeys() throws(ScanError) -> [String: String] {
        try read { db in
            var keys: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT participant_id, input_key FROM patients") {
                keys[row["participant_id"]] = row["input_key"]
            }
            return keys
        }
    }

    /// Replaces a participant's result with `outcome` in one transaction; returns the output files
    /// of the previous result that the new one no longer has (the caller removes them).
    func commit(_ outcome: PatientOutcome, runID: Int64) throws(ScanError) -> [String] {
        try write { db in
            let previous = try String.fetchAll(
                db, sql: "SELECT path FROM outputs WHERE participant_id = ?", arguments: [outcome.participantID])
            try db.execute(sql: "DELETE FROM patients WHERE participant_id = ?", arguments: [outcome.participantID])
            try db.execute(
                sql: """
                    INSERT INTO patients (participant_id, run_id, input_key, status, sessions_found, sessions_used,
                                          visit_order, reference_file, reference_grid, pipeline_file, pipeline_sha256,
                                          tool_version, processed_at, seconds)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT pipeline_file FROM runs WHERE id = ?),
                            (SELECT pipeline_sha256 FROM runs WHERE id = ?), ?, ?, ?)
                    """,
                arguments: [
                    outcome.participantID, runID, outcome.inputKey, outcome.status.rawValue, outcome.sessionsFound,
                    outcome.sessionsUsed, outcome.visitOrder, outcome.referenceFile, outcome.referenceGridJSON, runID,
                    runID, LesionTrackVersion.current, Timestamp.now(), outcome.seconds,
                ])
            for table in outcome.tables { try table.insert(db) }
            for error in outcome.errors {
                try db.execute(
                    sql: "INSERT INTO errors (run_id, participant_id, session_id, file, stage, message) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [runID, error.participantID, error.sessionID, error.file, error.stage.rawValue, error.message])
            }
            let kept = Set(outcome.outputs)
            return previous.filter { !kept.contains($0) }
        }
    }

    /// Refuses a database whose `outputs` table names a file outside `folder` (a tampered or
    /// foreign database), before anything is written or removed.
    func checkOutputPaths(in folder: String) throws(ScanError) {
        let files = try read { db in try String.fetchAll(db, sql: "SELECT path FROM outputs ORDER BY path") }
        for file in files { _ = try ContainedPath.resolve(file, in: folder, source: path + " (outputs.path)") }
    }

    /// Removes participants' results; returns their output files (the caller removes them).
    func remove(participants: [String]) throws(ScanError) -> [String] {
        try write { db in
            var files: [String] = []
            for id in participants {
                files += try String.fetchAll(db, sql: "SELECT path FROM outputs WHERE participant_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM patients WHERE participant_id = ?", arguments: [id])
            }
            return files
        }
    }

    /// Error rows of the given participants (all when nil), as stored.
    public func errors(of participants: [String]? = nil) throws(ScanError) -> [ErrorRow] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT participant_id, session_id, file, stage, message FROM errors ORDER BY participant_id, id")
            let wanted = participants.map(Set.init)
            return rows.compactMap { row -> ErrorRow? in
                let id: String = row["participant_id"]
                guard wanted?.contains(id) ?? true else { return nil }
                return ErrorRow(
                    participantID: id, sessionID: row["session_id"], file: row["file"],
                    stage: ErrorRow.Stage(rawValue: row["stage"]) ?? .longitudinal, message: row["message"])
            }
        }
    }

    /// The participant IDs with a stored result (or failure).
    public func participants() throws(ScanError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT participant_id FROM patients ORDER BY participant_id") }
    }

    /// Those of `participants` whose stored status is `failed`.
    func failedParticipants(among participants: [String]) throws(ScanError) -> [String] {
        let wanted = Set(participants)
        return try read { db in
            try String.fetchAll(db, sql: "SELECT participant_id FROM patients WHERE status = 'failed' ORDER BY participant_id")
        }.filter { wanted.contains($0) }
    }
}
