import LesionIO

/// What a batch run did and what stands in the database for its participants.
public struct BatchSummary: Sendable {
    /// Participants selected by the labels and shard.
    public let selected: Int
    public let jobs: Int
    public let databasePath: String
    public var processed = 0
    public var unchanged = 0
    /// Participants whose results were removed because their folder is gone.
    public var removed = 0
    public var sessionsUsed = 0
    public var scansRead = 0
    public var voxelsRead = 0
    /// Error rows found by this run.
    public var newErrors = 0
    /// Error rows standing for the selected participants after the run (this run's and those of
    /// unchanged participants).
    public var standingErrors: [ErrorRow] = []
    /// Selected participants with no result at all.
    public var failedParticipants: [String] = []
    public var seconds = 0.0
    /// Seconds per stage, summed over the processed participants.
    public var stageSeconds = StageSeconds()

    init(selected: Int, jobs: Int, databasePath: String) {
        self.selected = selected
        self.jobs = jobs
        self.databasePath = databasePath
    }

    mutating func add(_ outcome: PatientOutcome) {
        processed += 1
        sessionsUsed += outcome.sessionsUsed
        scansRead += outcome.scansRead
        voxelsRead += outcome.voxelsRead
        newErrors += outcome.errors.count
        stageSeconds.add(outcome.stageSeconds)
    }

    public var scansPerSecond: Double { seconds > 0 ? Double(scansRead) / seconds : 0 }
    public var megavoxelsPerSecond: Double { seconds > 0 ? Double(voxelsRead) / 1e6 / seconds : 0 }

    /// The summary as text lines.
    public var text: String {
        var lines = [
            "lesiontrack run: \(selected) participants: \(processed) processed, \(unchanged) unchanged"
                + (removed > 0 ? ", \(removed) removed (folder gone)" : "")
                + "; \(standingErrors.count) error\(standingErrors.count == 1 ? "" : "s")"
                + (failedParticipants.isEmpty
                    ? "" : ", \(failedParticipants.count) participant\(failedParticipants.count == 1 ? "" : "s") without a result"),
            "read \(scansRead) scans (\(Self.format(Double(voxelsRead) / 1e6)) megavoxels) in \(Self.format(seconds)) s with \(jobs) job\(jobs == 1 ? "" : "s"): \(Self.format(scansPerSecond)) scans/s, \(Self.format(megavoxelsPerSecond)) megavoxels/s",
            "database: \(databasePath)",
        ]
        for error in standingErrors { lines.append("failed: \(error.file): \(error.stage.rawValue): \(error.message)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as one JSON object.
    public var json: String {
        let errors = standingErrors.map { e in
            "{\"participant_id\": \(JSON.string(e.participantID)), \"session_id\": \(e.sessionID.map(JSON.string) ?? "null"), \"file\": \(JSON.string(e.file)), \"stage\": \(JSON.string(e.stage.rawValue)), \"message\": \(JSON.string(e.message))}"
        }
        let fields: [(String, String)] = [
            ("event", JSON.string("summary")), ("participants", String(selected)), ("processed", String(processed)),
            ("unchanged", String(unchanged)), ("removed", String(removed)), ("scans_read", String(scansRead)),
            ("megavoxels_read", JSON.number(Double(voxelsRead) / 1e6)), ("seconds", JSON.number(seconds)),
            ("jobs", String(jobs)), ("scans_per_second", JSON.number(scansPerSecond)),
            ("megavoxels_per_second", JSON.number(megavoxelsPerSecond)), ("database", JSON.string(databasePath)),
            ("failed_participants", "[" + failedParticipants.map(JSON.string).joined(separator: ", ") + "]"),
            ("errors", "[" + errors.joined(separator: ", ") + "]"),
            ("sessions_used", String(sessionsUsed)), ("stage_seconds", stageSeconds.json),
        ]
        return "{" + fields.map { "\(JSON.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}\n"
    }

    static func format(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return JSON.number(rounded)
    }
}
