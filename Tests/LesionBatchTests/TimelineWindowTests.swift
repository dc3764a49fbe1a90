import Foundation
import GRDB
import Testing
import TestSupport

/// The timeline's shaded rebound and PML-IRIS windows: derived from the rules file the run used,
/// stored in `review_windows`, placed on the date axis, and following an edit of the rules.
@Suite("Timeline windows", .tags(.slow), .fullTierOnly)
struct TimelineWindowTests {
    /// The attributes of each `<rect class="window" …>` of `page`, with its `<title>` as `title`.
    func windowRects(_ page: String) -> [[String: String]] {
        page.components(separatedBy: "<rect class=\"window\" ").dropFirst().map { rest in
            let tag = rest.prefix { $0 != ">" }
            var attributes: [String: String] = [:]
            for part in tag.components(separatedBy: "\" ") {
                let pair = part.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { attributes[String(pair[0])] = pair[1].replacingOccurrences(of: "\"", with: "") }
            }
            if let title = rest.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first {
                attributes["title"] = title
            }
            return attributes
        }
    }

    /// The x of the dashed therapy line whose title starts with `kind`.
    func therapyX(_ page: String, _ kind: String) -> Double? {
        for part in page.components(separatedBy: "<line class=\"therapy\" x1=\"").dropFirst()
        where part.contains("<title>\(kind)") {
            return Double(part.prefix { $0 != "\"" })
        }
        return nil
    }

    @Test(
        "sub-02's page shades the three windows of rules.yaml where the dates put them; editing a window in a copied rules file moves its edge; sub-03 without a last infusion says why it has none"
    )
    func shading() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rules = folder + "/rules.yaml"
        try FileManager.default.copyItem(atPath: CommandRunner.repositoryRoot + "/Pipelines/rules.yaml", toPath: rules)
        let output = folder + "/out"
        _ = try BatchSupport.run(study, output, ["--rules", rules, "--quiet"])
        let page = try String(contentsOfFile: output + "/report/sub-02.html", encoding: .utf8)
        let rects = windowRects(page)
        #expect(
            rects.map { $0["data-rule"] ?? "" } == [
                "rebound-typical-window", "iris-after-stopping", "iris-after-plasma-exchange",
            ])
        #expect(rects.map { $0["data-hypothesis"] ?? "" } == ["rebound", "suspected_pml_iris", "suspected_pml_iris"])
        #expect(Set(rects.map { $0["fill"] ?? "" }).count == 2, "one colour per hypothesis")
        #expect(rects.allSatisfy { ($0["title"] ?? "").contains("rule " + ($0["data-rule"] ?? "?")) })
        #expect(rects[0]["title"]?.contains("2020-11-12 to 2021-03-18") == true)
        #expect(page.contains(">rebound window</text>") && page.contains(">PML-IRIS window</text>"))
        // The plasma-exchange window starts on the day of the exchange, at its dashed line; the
        // stopping window is 0…183 days after the last infusion, so it starts at the infusion's
        // line and is 183 days wide (dates fix the pixels per day).
        let plasma = try #require(therapyX(page, "plasma exchange"))
        let infusion = try #require(therapyX(page, "last natalizumab infusion 2020-08-20"))
        let x = rects.map { Double($0["x"] ?? "") ?? .nan }, width = rects.map { Double($0["width"] ?? "") ?? .nan }
        #expect(abs(x[2] - plasma) < 0.11)
        let pixelsPerDay = (plasma - infusion) / 21  // 2020-08-20 to 2020-09-10
        #expect(abs(x[1] - infusion) < 0.2)
        #expect(abs(width[1] - 183 * pixelsPerDay) < 0.2)
        #expect(abs(width[0] - 126 * pixelsPerDay) < 0.2)

        let queue = try DatabaseQueue(path: output + "/lesiontrack.sqlite")
        let stored = try queue.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT rule_id || ' ' || start_date || ' ' || end_date FROM review_windows WHERE participant_id = 'sub-02' ORDER BY rule_id"
            )
        }
        #expect(
            stored == [
                "iris-after-plasma-exchange 2020-09-10 2021-03-12", "iris-after-stopping 2020-08-20 2021-02-19",
                "rebound-typical-window 2020-11-12 2021-03-18",
            ])

        let sub03 = try String(contentsOfFile: output + "/report/sub-03.html", encoding: .utf8)
        #expect(windowRects(sub03).isEmpty)
        #expect(
            sub03.contains(
                "No rebound or PML-IRIS time windows shaded: no last natalizumab infusion date (ntz_last_infusion) in sub-03_sessions.tsv"))

        // Widen the rebound window to 34 weeks in the copy: the band grows by 4 weeks, nothing else moves.
        let text = try String(contentsOfFile: rules, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "weeks_since_withdrawal <= 30", with: "weeks_since_withdrawal <= 34")
        #expect(edited != text)
        try edited.write(toFile: rules, atomically: true, encoding: .utf8)
        _ = try BatchSupport.run(study, output, ["--rules", rules, "--quiet"])
        let after = windowRects(try String(contentsOfFile: output + "/report/sub-02.html", encoding: .utf8))
        #expect(after.count == 3)
        let widthAfter = after.map { Double($0["width"] ?? "") ?? .nan }
        #expect(abs(widthAfter[0] - 154 * pixelsPerDay) < 0.2, "\(widthAfter[0]) px for 154 days")
        #expect(abs(widthAfter[1] - width[1]) < 0.01 && abs(widthAfter[2] - width[2]) < 0.01)
        #expect(after[0]["title"]?.contains("2020-11-12 to 2021-04-15") == true)
    }

    @Test(
        "a database written before windows were stored (schema v1) is upgraded to the current schema when opened; its pages say none is stored until the participants are run again"
    )
    func upgrade() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out"
        _ = try BatchSupport.run(study, output, ["--quiet", "--no-report"])
        let path = output + "/lesiontrack.sqlite"
        // Back to v1: no table, no migration record, input keys from before the classifier stored windows.
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql:
                    "DROP TABLE review_windows; DROP TABLE registrations; DELETE FROM grdb_migrations WHERE identifier IN ('v2', 'v3', 'v4', 'v5')"
            )
            for column in [
                "recurrent_t2", "confluent_t2", "active_merged_split_t2", "active_recurrent_t2", "t2_field_coverage", "t2_voxel_mm",
                "gd_field_coverage", "gd_voxel_mm",
            ] {
                try db.execute(sql: "ALTER TABLE visits DROP COLUMN \(column)")
            }
            for column in ["confluent", "active", "largest_added_region_mm3", "absent_visits"] {
                try db.execute(sql: "ALTER TABLE ledger DROP COLUMN \(column)")
            }
            try db.execute(sql: "ALTER TABLE classifications DROP COLUMN urgent_review")
            try db.execute(sql: "UPDATE patients SET input_key = 'written by v1'")
        }
        #expect(try CommandRunner.run(["report", output]).status == 0)
        let migrations = try DatabaseQueue(path: path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_windows") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(confluent_t2) + COUNT(recurrent_t2) + COUNT(t2_voxel_mm) FROM visits") ?? -1
            )
        }
        #expect(migrations.0 == ["v1", "v2", "v3", "v4", "v5"] && migrations.1 == 0 && migrations.2 == 0)
        let page = try String(contentsOfFile: output + "/report/sub-02.html", encoding: .utf8)
        #expect(windowRects(page).isEmpty)
        #expect(page.contains("or the results were written before windows were stored (run the participant again)"))
        let again = try BatchSupport.run(study, output, ["--quiet"])
        #expect(again.status == 1)  // sub-03's broken scan
        #expect(windowRects(try String(contentsOfFile: output + "/report/sub-02.html", encoding: .utf8)).count == 3)
        // Run again, its visits say what their series could show.
        let unknown = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM visits WHERE participant_id = 'sub-02' AND (t2_voxel_mm IS NULL OR t2_field_coverage IS NULL)")
        }
        #expect(unknown == 0)
    }
}
