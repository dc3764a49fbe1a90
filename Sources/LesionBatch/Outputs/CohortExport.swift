import GRDB
import LesionIO
import LesionScan
import LesionStudy

/// The cohort tables written from a results database: one row per lesion per visit, one per
/// visit, one per participant, one per dated review time window.
///
/// CSV and TSV give `cohort_lesions`, `cohort_visits`, `cohort_patients` and `cohort_windows`
/// (`.csv` or `.tsv`), each with a JSON sidecar `cohort_<table>.json` describing its columns and
/// provenance; JSON gives one `cohort.json` holding the provenance and the four tables as arrays
/// of objects. Participants are in natural order of their labels; rows within a participant by
/// lesion ID then visit, by visit, or by window start. Missing values are `n/a` in tables, `null` in JSON. Every file is
/// written atomically.
public struct CohortExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case tsv
        case json
    }

    /// A table of the export: its name, columns with their meaning, and the query of one
    /// participant's rows.
    struct Table {
        let name: String
        let columns: [(name: String, kind: Kind, meaning: String)]
        let sql: String

        enum Kind {
            case text
            case number
            case boolean
            /// A JSON array of lesion IDs: comma-separated in tables.
            case ids
        }
    }

    public let database: ResultsDatabase

    public init(_ database: ResultsDatabase) { self.database = database }

    /// Writes the tables into `folder` (created if missing) for the given participants (all when
    /// nil); returns the paths written.
    @discardableResult
    public func write(into folder: String, format: Format, participants wanted: [String]? = nil) throws(ScanError) -> [String] {
        try FileSystem.makeDirectory(folder)
        var ids = try database.participants().sorted(by: NaturalOrder.precedes)
        if let wanted { ids = ids.filter(Set(wanted).contains) }
        let provenance = try provenanceFields()
        switch format {
        case .json:
            let path = FileSystem.join(folder, "cohort.json")
            try TextOutput.file(path) { (out: TextOutput) throws(ScanError) in
                try out.write("{\n")
                for (key, value) in provenance { try out.write("  \(JSON.string(key)): \(value),\n") }
                for (n, table) in Self.tables.enumerated() {
                    try out.write("  \(JSON.string(table.name)): [")
                    var first = true
                    try rows(table, ids) { (values: [DatabaseValue]) throws(ScanError) in
                        let fields = zip(table.columns, values).map { "\(JSON.string($0.name)): \(Self.json($1, $0.kind))" }
                        try out.write((first ? "\n    {" : ",\n    {") + fields.joined(separator: ", ") + "}")
                        first = false
                    }
                    try out.write((first ? "]" : "\n  ]") + (n == Self.tables.count - 1 ? "\n" : ",\n"))
                }
                try out.write("}\n")
            }
            return [path]
        case .csv, .tsv:
            let table = format == .csv ? TableFormat.csv : TableFormat.tsv
            var written: [String] = []
            for t in Self.tables {
                let path = FileSystem.join(folder, "cohort_\(t.name).\(format.rawValue)")
                try TextOutput.file(path) { (out: TextOutput) throws(ScanError) in
                    try out.write(table.row(t.columns.map(\.name)))
                    try rows(t, ids) { (values: [DatabaseValue]) throws(ScanError) in
                        try out.write(table.row(zip(t.columns, values).map { Self.text($1, $0.kind) }))
                    }
                }
                let sidecar = FileSystem.join(folder, "cohort_\(t.name).json")
                try TextOutput.file(sidecar) { (out: TextOutput) throws(ScanError) in
                    var fields = provenance
                    fields.append(
                        (
                            "columns",
                            "{"
                                + t.columns.map { "\n    \(JSON.string($0.name)): {\"Description\": \(JSON.string($0.meaning))}" }.joined(
                                    separator: ",") + "\n  }"
                        ))
                    try out.write("{\n" + fields.map { "  \(JSON.string($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n")
                }
                written += [path, sidecar]
            }
            return written
        }
    }

    /// Tool, version, and each pipeline file (path and SHA-256) behind the stored results.
    private func provenanceFields() throws(ScanError) -> [(String, String)] {
        let pipelines = try database.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT DISTINCT pipeline_file, pipeline_sha256, tool_version FROM patients ORDER BY pipeline_sha256, pipeline_file, tool_version"
            )
        }
        let list = pipelines.map { row in
            "{\"file\": \(JSON.string(row["pipeline_file"])), \"sha256\": \(JSON.string(row["pipeline_sha256"])), \"tool_version\": \(JSON.string(row["tool_version"]))}"
        }
        return [
            ("tool", JSON.string("lesiontrack")), ("version", JSON.string(LesionTrackVersion.current)),
            ("pipelines", "[" + list.joined(separator: ", ") + "]"),
            ("decision_support", JSON.string(Self.decisionSupport)),
        ]
    }

    static let decisionSupport = "Lesion counts for review by a neurologist or neuroradiologist: decision support, not a diagnosis."

    private func rows(_ table: Table, _ ids: [String], _ body: ([DatabaseValue]) throws(ScanError) -> Void) throws(ScanError) {
        for id in ids {
            let rows = try database.read { db in try Row.fetchAll(db, sql: table.sql, arguments: [id]) }
            for row in rows { try body(Array(row.databaseValues)) }
        }
    }

    static func text(_ value: DatabaseValue, _ kind: Table.Kind) -> String {
        switch value.storage {
        case .null: return "n/a"
        case .int64(let n):
            return kind == .boolean ? (n != 0 ? "true" : "false") : String(n)
        case .double(let x): return TableFormat.number(x)
        case .string(let s):
            guard kind == .ids else { return s }
            let inner = s.dropFirst().dropLast().split(separator: ",").map { $0.trimmingSpaces }
            return inner.isEmpty ? "n/a" : inner.joined(separator: ",")
        case .blob: return "n/a"
        }
    }

    static func json(_ value: DatabaseValue, _ kind: Table.Kind) -> String {
        switch value.storage {
        case .null: return "null"
        case .int64(let n): return kind == .boolean ? (n != 0 ? "true" : "false") : String(n)
        case .double(let x): return JSON.number(x)
        case .string(let s): return kind == .ids ? s : JSON.string(s)
        case .blob: return "null"
        }
    }

    static let tables: [Table] = [
        Table(
            name: "patients",
            columns: [
                ("participant_id", .text, "the participant, sub-<id>"),
                ("status", .text, "complete (every session used), partial (sessions left out, see errors) or failed (no result)"),
                ("sessions_found", .number, "sessions found in the study"),
                ("sessions_used", .number, "sessions compared (visits)"),
                ("errors", .number, "error rows of the participant"),
                ("baseline_session", .text, "the first visit's session_id"),
                ("last_session", .text, "the last visit's session_id"),
                ("baseline_t2_lesions", .number, "T2 lesions at the baseline"),
                ("last_t2_lesions", .number, "T2 lesions at the last visit"),
                ("last_t2_volume_mm3", .number, "T2 lesion volume at the last visit, mm³"),
                ("new_t2", .number, "new T2 lesions over all follow-up visits"),
                ("enlarging_t2", .number, "enlarging T2 lesions over all follow-up visits"),
                (
                    "new_or_enlarging_t2", .number,
                    "new or enlarging T2 activity over all follow-up visits (new_or_enlarging_t2 of the visits)"
                ),
                ("confluent_t2", .number, "lesions that added a confluent region, over all follow-up visits"),
                ("recurrent_t2", .number, "lesions that reappeared where one resolved lately, over all follow-up visits"),
                ("gd_lesions", .number, "Gd+ lesions over all visits with a Gd source"),
                ("visits_with_gd", .number, "visits with a Gd source"),
                ("ledger_lesions", .number, "how many lesions (lesion IDs) the participant's ledger holds, over all visits"),
                ("class", .text, "the participant's review class, when a classifier ran"),
                ("urgent_review", .text, "true when the participant needs urgent review (any visit does), when a classifier ran"),
                ("pipeline_file", .text, "the pipeline file of the run that produced the result"),
                ("pipeline_sha256", .text, "its SHA-256"),
                ("tool_version", .text, "the LesionTrack version that produced the result"),
            ],
            sql: """
                SELECT p.participant_id, p.status, p.sessions_found, p.sessions_used,
                       (SELECT COUNT(*) FROM errors e WHERE e.participant_id = p.participant_id),
                       (SELECT session_id FROM visits v WHERE v.participant_id = p.participant_id ORDER BY visit LIMIT 1),
                       (SELECT session_id FROM visits v WHERE v.participant_id = p.participant_id ORDER BY visit DESC LIMIT 1),
                       (SELECT t2_lesions FROM visits v WHERE v.participant_id = p.participant_id ORDER BY visit LIMIT 1),
                       (SELECT t2_lesions FROM visits v WHERE v.participant_id = p.participant_id ORDER BY visit DESC LIMIT 1),
                       (SELECT t2_volume_mm3 FROM visits v WHERE v.participant_id = p.participant_id ORDER BY visit DESC LIMIT 1),
                       (SELECT SUM(new_t2) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT SUM(enlarging_t2) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT SUM(new_or_enlarging_t2) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT SUM(confluent_t2) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT SUM(recurrent_t2) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT SUM(gd_lesions) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT COUNT(gd_lesions) FROM visits v WHERE v.participant_id = p.participant_id),
                       (SELECT COUNT(*) FROM lesions l WHERE l.participant_id = p.participant_id),
                       (SELECT class FROM classifications c WHERE c.participant_id = p.participant_id AND c.session_id IS NULL),
                       (SELECT CASE urgent_review WHEN 1 THEN 'true' ELSE 'false' END FROM classifications c
                        WHERE c.participant_id = p.participant_id AND c.session_id IS NULL),
                       p.pipeline_file, p.pipeline_sha256, p.tool_version
                FROM patients p WHERE p.participant_id = ?
                """),
        Table(
            name: "visits",
            columns: [
                ("participant_id", .text, "the participant"),
                ("visit", .number, "1 for the baseline, then in time order"),
                ("session_id", .text, "ses-<label>"),
                ("acq_time", .text, "from sub-<id>_sessions.tsv"),
                ("grid", .text, "how the visit's T2 file fits the baseline grid: reference, same or resampled"),
                ("t2_lesions", .number, "T2 lesions after the size floor"),
                ("t2_volume_mm3", .number, "their volume, mm³"),
                ("new_t2", .number, "new since the previous visit"),
                ("enlarging_t2", .number, "enlarging since the previous visit (grown by the enlarging rule, or confluent)"),
                ("new_or_enlarging_t2", .number, "new + enlarging + active_merged_split_t2 + active_recurrent_t2"),
                ("stable_t2", .number, "stable"),
                ("shrinking_t2", .number, "shrinking"),
                ("merged_t2", .number, "merged"),
                ("split_t2", .number, "split"),
                ("resolved_t2", .number, "previous lesions that resolved"),
                ("absorbed_t2", .number, "previous lesions absorbed by a merge"),
                ("recurrent_t2", .number, "reappeared where a lesion resolved lately: not new"),
                ("confluent_t2", .number, "lesions adding a connected region of new voxels >= min_confluent_volume_mm3"),
                ("active_merged_split_t2", .number, "merged or split lesions counted as activity (confluent or grown)"),
                ("active_recurrent_t2", .number, "recurrent lesions counted as activity (confluent or grown)"),
                ("gd_lesions", .number, "Gd+ lesions (n/a without a Gd source)"),
                ("enhancing_t2", .number, "T2 lesions touching a Gd+ lesion"),
                ("t2_file", .text, "the T2 file, relative to the study folder"),
                ("gd_file", .text, "the Gd file, relative to the study folder"),
                ("t2_field_coverage", .number, "share of the baseline's brain inside the T2 series' field of view"),
                ("t2_voxel_mm", .number, "the T2 series' coarsest voxel dimension, mm"),
                ("gd_field_coverage", .number, "share of the baseline's brain inside the Gd series' field of view"),
                ("gd_voxel_mm", .number, "the Gd series' coarsest voxel dimension, mm"),
                ("class", .text, "the visit's review class, when a classifier ran"),
                ("urgent_review", .text, "true when the visit needs urgent review, when a classifier ran"),
            ],
            sql: """
                SELECT v.participant_id, v.visit, v.session_id, v.acq_time, v.grid, v.t2_lesions, v.t2_volume_mm3,
                       v.new_t2, v.enlarging_t2, v.new_or_enlarging_t2, v.stable_t2, v.shrinking_t2, v.merged_t2,
                       v.split_t2, v.resolved_t2, v.absorbed_t2, v.recurrent_t2, v.confluent_t2, v.active_merged_split_t2,
                       v.active_recurrent_t2, v.gd_lesions, v.enhancing_t2, v.t2_file, v.gd_file, v.t2_field_coverage,
                       v.t2_voxel_mm, v.gd_field_coverage, v.gd_voxel_mm,
                       (SELECT class FROM classifications c WHERE c.participant_id = v.participant_id AND c.session_id = v.session_id),
                       (SELECT CASE urgent_review WHEN 1 THEN 'true' ELSE 'false' END FROM classifications c
                        WHERE c.participant_id = v.participant_id AND c.session_id = v.session_id)
                FROM visits v WHERE v.participant_id = ? ORDER BY v.visit
                """),
        Table(
            name: "lesions",
            columns: [
                ("participant_id", .text, "the participant"),
                ("lesion_id", .number, "the lesion's ID in the participant's ledger"),
                ("visit", .number, "the visit"),
                ("session_id", .text, "ses-<label>"),
                ("state", .text, "baseline, new, stable, enlarging, shrinking, merged, split, recurrent, resolved or absorbed"),
                ("label", .number, "its label in the visit's T2 labelling (n/a when it ended)"),
                ("voxels", .number, "voxels on the baseline grid"),
                ("volume_mm3", .number, "volume, mm³"),
                ("previous_volume_mm3", .number, "its previous-visit partners together (recurrent: when last present), mm³"),
                ("volume_ratio", .number, "volume_mm3 / previous_volume_mm3"),
                ("previous_ids", .ids, "IDs of its previous-visit partners (recurrent: the resolved lesions it overlaps)"),
                ("merged_into", .ids, "for absorbed: the IDs it merged into"),
                ("split_from", .number, "for a split fragment with a fresh ID: its parent's ID"),
                ("confluent", .boolean, "adds a connected region of new voxels >= min_confluent_volume_mm3 (n/a at baseline)"),
                ("active", .boolean, "counts in new_or_enlarging_t2 (n/a at baseline and when it ended)"),
                ("largest_added_region_mm3", .number, "its largest connected region of new voxels, mm³"),
                ("absent_visits", .number, "for recurrent: the visits it was absent"),
                ("enhancing", .boolean, "touches a Gd+ lesion (n/a without a Gd source)"),
                ("centroid_x_mm", .number, "centroid, world x (RAS+), mm"),
                ("centroid_y_mm", .number, "centroid, world y, mm"),
                ("centroid_z_mm", .number, "centroid, world z, mm"),
                ("largest_extent_mm", .number, "Feret diameter, mm"),
            ],
            sql: """
                SELECT participant_id, lesion_id, visit, session_id, state, label, voxels, volume_mm3,
                       previous_volume_mm3, volume_ratio, previous_ids, merged_into, split_from, confluent, active,
                       largest_added_region_mm3, absent_visits, enhancing, centroid_x_mm, centroid_y_mm, centroid_z_mm, largest_extent_mm
                FROM ledger WHERE participant_id = ? ORDER BY lesion_id, visit
                """),
        Table(
            name: "windows",
            columns: [
                ("participant_id", .text, "the participant"),
                ("hypothesis", .text, "rebound or suspected_pml_iris: the class the window's rule supports"),
                ("rule_id", .text, "the rule of the rules file that defines the window"),
                ("features", .text, "the time features the rule bounds"),
                ("event", .text, "last_infusion or plasma_exchange: what the window counts from"),
                ("event_date", .text, "the participant's latest such date in the sessions table"),
                ("from_days", .number, "the window's first day after the event"),
                ("to_days", .number, "its last day after the event"),
                ("start_date", .text, "event_date + from_days"),
                ("end_date", .text, "event_date + to_days"),
            ],
            sql: """
                SELECT participant_id, hypothesis, rule_id, features, event, event_date, from_days, to_days,
                       start_date, end_date
                FROM review_windows WHERE participant_id = ? ORDER BY start_date, end_date, hypothesis, rule_id, event
                """),
    ]
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
