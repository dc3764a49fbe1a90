import GRDB
import LesionIO

/// Where one shard of a cluster run stands, read from its folder `OUTPUT_DIR/slurm/shard-I-of-N`
/// and nothing else (no scheduler is asked).
///
/// - `running`: a process holds the folder's run lock (`.lesiontrack.lock`, flock(2)).
/// - `done`: its last run finished (`completed`), error rows or not.
/// - `failed`: its database exists, but its last run did not finish (killed, interrupted, stopped
///   by an output error) or never began.
/// - `not started`: no database in the folder.
public struct ShardStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case done
        case running
        case failed
        case notStarted = "not started"
    }

    public let shard: Shard
    public let state: State
    /// Participants with a stored result (or failure) in the shard's database.
    public let participants: Int
    /// The shard's error rows.
    public let errors: [ErrorRow]

    public init(shard: Shard, state: State, participants: Int, errors: [ErrorRow]) {
        self.shard = shard
        self.state = state
        self.participants = participants
        self.errors = errors
    }

    /// The status of every shard of `count` in `outputFolder`, in shard order.
    public static func read(outputFolder: String, count: Int) throws(ScanError) -> [ShardStatus] {
        var statuses: [ShardStatus] = []
        for index in 1...count {
            let folder = FileSystem.join(FileSystem.join(outputFolder, "slurm"), SlurmSettings.shardFolderName(index, of: count))
            statuses.append(try read(folder: folder, shard: Shard("\(index)/\(count)")!))
        }
        return statuses
    }

    /// N of the shard folders `OUTPUT_DIR/slurm/shard-I-of-N`; refused when there are none or
    /// when several N are present.
    public static func shardCount(outputFolder: String) throws(ScanError) -> Int {
        let slurm = FileSystem.join(outputFolder, "slurm")
        guard FileSystem.kind(slurm) == .directory else {
            throw ScanError(outputFolder, "no slurm/ folder here: write the scripts with `lesiontrack slurm` first")
        }
        var counts: Set<Int> = []
        for name in try FileSystem.list(slurm) where name.hasPrefix("shard-") {
            let parts = name.dropFirst("shard-".count).split(separator: "-")
            if parts.count == 3, parts[1] == "of", let n = Int(parts[2]) { counts.insert(n) }
        }
        guard counts.count == 1, let count = counts.first else {
            throw ScanError(
                slurm,
                counts.isEmpty
                    ? "no shard folders (shard-I-of-N) here"
                    : "shard folders of \(counts.sorted().map(String.init).joined(separator: ", ")) shards: say which with --shards")
        }
        return count
    }

    static func read(folder: String, shard: Shard) throws(ScanError) -> ShardStatus {
        let lockHeld = isLocked(FileSystem.join(folder, ".lesiontrack.lock"))
        let path = FileSystem.join(folder, ResultsDatabase.fileName)
        guard FileSystem.kind(path) == .file else {
            return ShardStatus(shard: shard, state: lockHeld ? .running : .notStarted, participants: 0, errors: [])
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                guard try db.tableExists("runs") else {
                    return ShardStatus(shard: shard, state: lockHeld ? .running : .failed, participants: 0, errors: [])
                }
                let last = try Row.fetchOne(db, sql: "SELECT status, shard FROM runs WHERE command LIKE 'run %' ORDER BY id DESC LIMIT 1")
                let state: State
                if lockHeld {
                    state = .running
                } else if let last, last["status"] as String == "completed", last["shard"] as String? == shard.description {
                    state = .done
                } else {
                    state = .failed
                }
                let participants = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM patients") ?? 0
                let errors = try Row.fetchAll(
                    db,
                    sql: "SELECT participant_id, session_id, file, stage, message FROM errors ORDER BY participant_id, session_id, file, id"
                ).map { row in
                    ErrorRow(
                        participantID: row["participant_id"], sessionID: row["session_id"], file: row["file"],
                        stage: ErrorRow.Stage(rawValue: row["stage"]) ?? .longitudinal, message: row["message"])
                }
                return ShardStatus(shard: shard, state: state, participants: participants, errors: errors)
            }
        } catch {
            throw ScanError(path, "cannot read the shard's results database: \(error)")
        }
    }

    /// True when another process holds the flock(2) lock of `path` (a run or merge writing there).
    static func isLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // A shared lock conflicts only with the exclusive one a run holds; released at close.
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }
}
