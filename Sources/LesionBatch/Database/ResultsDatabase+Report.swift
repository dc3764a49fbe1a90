import GRDB
import LesionIO
import LesionStudy

extension ResultsDatabase {
    /// The review-page data of the given participants (all when nil), in participant order.
    ///
    /// Therapy dates come from the participant's `sub-<id>_sessions.tsv` in the BIDS folder
    /// recorded for the run that processed the participant; when that table cannot be read the
    /// data says why in `therapyNote`.
    public func reportData(participants: [String]? = nil) throws(ScanError) -> [PatientReportData] {
        let wanted = participants.map(Set.init)
        let stored: [(PatientReportData, String?)] = try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.participant_id, p.status, p.pipeline_file, p.pipeline_sha256, p.tool_version, r.bids_dir
                    FROM patients p LEFT JOIN runs r ON r.id = p.run_id ORDER BY p.participant_id
                    """)
            return try rows.compactMap { row -> (PatientReportData, String?)? in
                let id: String = row["participant_id"]
                guard wanted?.contains(id) ?? true else { return nil }
                return (try Self.data(db, row: row, id: id), row["bids_dir"])
            }
        }
        return stored.map { data, bids in Self.withTherapy(data, bidsDirectory: bids) }
    }

    private static func data(_ db: Database, row: Row, id: String) throws -> PatientReportData {
        let visits = try Self.visits(db, id), ledger = try Self.ledger(db, id), windows = try Self.windows(db, id)
        let labelMaps = try Self.labelMaps(db, id, "T2lesions"), gdMaps = try Self.labelMaps(db, id, "Gdlesions")
        let overall = try Row.fetchOne(
            db,
            sql: """
                SELECT class, urgent_review, scores, missing_data, rules_file, rules_sha256, decision_support
                FROM classifications WHERE participant_id = ? AND session_id IS NULL
                """, arguments: [id])
        let scores =
            try overall.map { o in
                try Row.fetchAll(db, sql: "SELECT key, value FROM json_each(?)", arguments: [o["scores"] as String])
                    .map { (hypothesis: $0["key"] as String, score: $0["value"] as Double) }
            } ?? []
        let missing = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT json_extract(j.value, '$.feature') || ': ' || json_extract(j.value, '$.reason')
                FROM classifications c, json_each(c.missing_data) j WHERE c.participant_id = ? ORDER BY 1
                """, arguments: [id])
        let reasons = try Row.fetchAll(
            db,
            sql: """
                SELECT c.session_id, j.type, j.value AS text, json_extract(c.reasons, j.fullkey || '.id') AS rule,
                       json_extract(c.reasons, j.fullkey || '.description') AS description, json_extract(c.reasons, j.fullkey || '.condition') AS condition,
                       json_extract(c.reasons, j.fullkey || '.weights') AS weights, json_extract(c.reasons, j.fullkey || '.source') AS source
                FROM classifications c, json_each(c.reasons) j WHERE c.participant_id = ?
                ORDER BY c.session_id IS NOT NULL, c.session_id, j.id
                """, arguments: [id]
        ).map { r -> PatientReportData.Reason in
            let isText = (r["type"] as String) == "text"
            let weights =
                try (r["weights"] as String?).map { w in
                    try Row.fetchAll(db, sql: "SELECT key, value FROM json_each(?)", arguments: [w])
                        .map { (hypothesis: $0["key"] as String, weight: $0["value"] as Double) }
                } ?? []
            return PatientReportData.Reason(
                sessionID: r["session_id"], rule: isText ? nil : r["rule"],
                description: isText ? r["text"] : (r["description"] as String?) ?? "", condition: r["condition"],
                weights: weights, source: r["source"])
        }
        let errors = try Self.errorLines(db, id)
        return PatientReportData(
            participantID: id, status: row["status"], className: overall?["class"],
            urgentReview: (overall?["urgent_review"] as Int?) == 1, scores: scores, reasons: reasons,
            missingData: missing, decisionSupport: overall?["decision_support"], rulesFile: overall?["rules_file"],
            rulesSHA256: overall?["rules_sha256"], pipelineFile: row["pipeline_file"],
            pipelineSHA256: row["pipeline_sha256"], toolVersion: row["tool_version"], visits: visits, ledger: ledger,
            labelMaps: labelMaps, gdMaps: gdMaps, therapy: [], therapyNote: nil, errors: errors, windows: windows,
            sessionFiles: try Self.sessionFiles(db, id), registrations: try Self.registrations(db, id))
    }

    /// Session ID → the participant's NIfTI files in it, relative to the study.
    private static func sessionFiles(_ db: Database, _ id: String) throws -> [String: [String]] {
        var files: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT session_id, path FROM scans WHERE participant_id = ? ORDER BY path", arguments: [id])
        {
            files[row["session_id"] as String, default: []].append(row["path"])
        }
        return files
    }

    /// The participant's registrations, moving and fixed image relative to the study.
    private static func registrations(_ db: Database, _ id: String) throws -> [(moving: String, fixed: String)] {
        try Row.fetchAll(
            db, sql: "SELECT moving, fixed FROM registrations WHERE participant_id = ? ORDER BY moving, fixed", arguments: [id]
        ).map { (moving: $0["moving"] as String, fixed: $0["fixed"] as String) }
    }

    private static func visits(_ db: Database, _ id: String) throws -> [PatientReportData.Visit] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT visit, session_id, acq_time, t2_lesions, t2_volume_mm3, new_t2, enlarging_t2, new_or_enlarging_t2,
                       confluent_t2, recurrent_t2, gd_lesions, t2_file, gd_file
                FROM visits WHERE participant_id = ? ORDER BY visit
                """, arguments: [id]
        ).map { v in
            PatientReportData.Visit(
                visit: v["visit"], sessionID: v["session_id"], acquisitionTime: v["acq_time"], t2Lesions: v["t2_lesions"],
                t2VolumeMM3: v["t2_volume_mm3"], newT2: v["new_t2"], enlargingT2: v["enlarging_t2"],
                newOrEnlargingT2: v["new_or_enlarging_t2"], confluentT2: v["confluent_t2"], recurrentT2: v["recurrent_t2"],
                gdLesions: v["gd_lesions"], t2File: v["t2_file"], gdFile: v["gd_file"])
        }
    }

    private static func ledger(_ db: Database, _ id: String) throws -> [PatientReportData.LedgerRow] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT lesion_id, visit, session_id, state, voxels, volume_mm3, previous_volume_mm3, volume_ratio, confluent,
                       active, enhancing, largest_extent_mm, centroid_x_mm, centroid_y_mm, centroid_z_mm
                FROM ledger WHERE participant_id = ? ORDER BY lesion_id, visit
                """, arguments: [id]
        ).map { l in
            PatientReportData.LedgerRow(
                lesionID: l["lesion_id"], visit: l["visit"], sessionID: l["session_id"], state: l["state"],
                voxels: l["voxels"], volumeMM3: l["volume_mm3"], previousVolumeMM3: l["previous_volume_mm3"],
                volumeRatio: l["volume_ratio"], confluent: (l["confluent"] as Int?).map { $0 != 0 },
                active: (l["active"] as Int?).map { $0 != 0 }, enhancing: (l["enhancing"] as Int?).map { $0 != 0 },
                largestExtentMM: l["largest_extent_mm"],
                centroidMM: (l["centroid_x_mm"] as Double?).flatMap { x in
                    (l["centroid_y_mm"] as Double?).flatMap { y in (l["centroid_z_mm"] as Double?).map { z in (x, y, z) } }
                })
        }
    }

    private static func windows(_ db: Database, _ id: String) throws -> [ReviewWindowRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT hypothesis, rule_id, features, event, event_date, from_days, to_days, start_date, end_date
                FROM review_windows WHERE participant_id = ? ORDER BY hypothesis, event, from_days, rule_id
                """, arguments: [id]
        ).map { w in
            ReviewWindowRecord(
                hypothesis: w["hypothesis"], ruleID: w["rule_id"], features: w["features"], event: w["event"],
                eventDate: w["event_date"], fromDays: w["from_days"], toDays: w["to_days"], startDate: w["start_date"],
                endDate: w["end_date"])
        }
    }

    private static func errorLines(_ db: Database, _ id: String) throws -> [String] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT session_id, stage, message FROM errors WHERE participant_id = ? ORDER BY id
                """, arguments: [id]
        ).map { e in
            [(e["session_id"] as String?), (e["stage"] as String), (e["message"] as String)].compactMap { $0 }
                .joined(separator: " · ")
        }
    }

    /// Session ID → the participant's label map of one kind.
    private static func labelMaps(_ db: Database, _ id: String, _ desc: String) throws -> [String: String] {
        var maps: [String: String] = [:]
        for path in try String.fetchAll(
            db,
            sql: "SELECT path FROM outputs WHERE participant_id = ? AND kind = 'label_map' AND path LIKE ?",
            arguments: [id, "%_desc-\(desc)_dseg.nii.gz"])
        {
            if let session = path.split(separator: "/").first(where: { $0.hasPrefix("ses-") }) {
                maps[String(session)] = path
            }
        }
        return maps
    }

    /// `data` with the therapy dates of its sessions table, or a note saying why there are none.
    private static func withTherapy(_ data: PatientReportData, bidsDirectory: String?) -> PatientReportData {
        var marks: [PatientReportData.TherapyMark] = []
        var note: String?
        if let bidsDirectory {
            let path = FileSystem.join(FileSystem.join(bidsDirectory, data.participantID), "\(data.participantID)_sessions.tsv")
            do {
                let table = try BIDSTable.read(path)
                for row in table.rows.indices {
                    for (column, kind) in [
                        ("ntz_last_infusion", PatientReportData.TherapyMark.Kind.infusion),
                        ("plasma_exchange", .plasmaExchange),
                    ] {
                        guard let value = table.value(column, row: row), value.count >= 10 else { continue }
                        let date = String(value.prefix(10))
                        guard Self.isDate(date) else { continue }
                        let mark = PatientReportData.TherapyMark(kind: kind, date: date)
                        if !marks.contains(mark) { marks.append(mark) }
                    }
                }
            } catch {
                note = "therapy dates not shown: \(error.description)"
            }
        } else {
            note = "therapy dates not shown: the run recorded no BIDS folder"
        }
        return PatientReportData(
            participantID: data.participantID, status: data.status, className: data.className,
            urgentReview: data.urgentReview, scores: data.scores,
            reasons: data.reasons, missingData: data.missingData, decisionSupport: data.decisionSupport,
            rulesFile: data.rulesFile, rulesSHA256: data.rulesSHA256, pipelineFile: data.pipelineFile,
            pipelineSHA256: data.pipelineSHA256, toolVersion: data.toolVersion, visits: data.visits, ledger: data.ledger,
            labelMaps: data.labelMaps, gdMaps: data.gdMaps, therapy: marks, therapyNote: note, errors: data.errors,
            windows: data.windows, sessionFiles: data.sessionFiles, registrations: data.registrations,
            bidsDirectory: bidsDirectory)
    }

    private static func isDate(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        return chars.count == 10
            && chars.enumerated().allSatisfy { n, c in
                n == 4 || n == 7 ? c == UInt8(ascii: "-") : (c >= 48 && c <= 57)
            }
    }
}
