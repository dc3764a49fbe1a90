import Foundation
import GRDB
import Testing
import TestSupport

/// The review classifier inside a batch run: classes stored per participant and session, with
/// the rules file's hash, and a change of rules redoing the participants.
@Suite("Batch review", .tags(.slow), .fullTierOnly)
struct BatchReviewTests {
    func classes(_ output: String) throws -> [String: String] {
        let queue = try DatabaseQueue(path: output + "/lesiontrack.sqlite")
        return try queue.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT participant_id, session_id, class FROM classifications") {
                let session: String? = row["session_id"]
                result[(row["participant_id"] as String) + "/" + (session ?? "overall")] = row["class"]
            }
            return result
        }
    }

    @Test("each participant and reviewed session gets its class, rules hash and decision-support note")
    func stored() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rules = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"
        let result = try BatchSupport.run(study, folder + "/out", ["--rules", rules, "--quiet"])
        #expect(result.status == 1)  // the broken scan of sub-03
        let stored = try classes(folder + "/out")
        #expect(stored["sub-02/overall"] == "suspected_pml_iris")
        #expect(stored["sub-02/ses-03"] == "suspected_pml_iris")
        #expect(stored["sub-04/overall"] == "no_new_activity")
        // 120 days after the last infusion with an anti-JCV index of 0.5: PML is not excluded.
        #expect(stored["sub-01/overall"] == "indeterminate")
        #expect(stored["sub-03/ses-02"] == nil)  // refused, so not reviewed
        let patient = try CommandRunner.run(["patient", study + "/sub-02", "--rules", rules])
        let review = (try JSONSerialization.jsonObject(with: Data(patient.stdout.utf8)) as! [String: Any])["review"] as! [String: Any]
        #expect((review["patient"] as? [String: Any])?["class"] as? String == stored["sub-02/overall"])
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        let (hashes, notes) = try queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT DISTINCT rules_sha256 FROM classifications"),
                try String.fetchAll(db, sql: "SELECT DISTINCT decision_support FROM classifications")
            )
        }
        #expect(hashes.count == 1 && hashes[0].count == 64)
        #expect(notes.count == 1 && notes[0].contains("not a diagnosis"))
        // Urgency is stored beside the class: every suspected_pml_iris is urgent, and a patient
        // whose visit is urgent is urgent.
        let urgency = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT participant_id, session_id, class, urgent_review FROM classifications").map {
                (
                    ($0["participant_id"] as String) + "/" + (($0["session_id"] as String?) ?? "overall"), $0["class"] as String,
                    $0["urgent_review"] as Int
                )
            }
        }
        #expect(urgency.filter { $0.1 == "suspected_pml_iris" }.allSatisfy { $0.2 == 1 })
        #expect(urgency.first { $0.0 == "sub-01/overall" }?.2 == 1 && urgency.first { $0.0 == "sub-04/overall" }?.2 == 0)
        for (participant, _, urgent) in urgency where participant.hasSuffix("/overall") && participant != "sub-03/overall" {
            let visits = urgency.filter {
                $0.0.hasPrefix(participant.replacingOccurrences(of: "overall", with: "")) && !$0.0.hasSuffix("/overall")
            }
            #expect(urgent == (visits.contains { $0.2 == 1 } ? 1 : 0), "\(participant)")
        }
        // sub-03's ses-02 was left out for its broken scan: what it holds is unknown, so the
        // participant is urgent and at least indeterminate, whatever its reviewed visits say, and
        // its reasons and missing data name the session.
        let sub03 = try queue.read { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT class, urgent_review, reasons, missing_data FROM classifications WHERE participant_id = 'sub-03' AND session_id IS NULL"
            )
        }
        #expect(sub03?["urgent_review"] as Int? == 1)
        #expect(["indeterminate", "reactivation", "rebound", "suspected_pml_iris"].contains(sub03?["class"] as String? ?? ""))
        #expect((sub03?["reasons"] as String?)?.contains("session ses-02 was left out of the run") == true)
        #expect((sub03?["missing_data"] as String?)?.contains("\"feature\": \"session ses-02\"") == true)
        // The cohort index lists every urgent participant before any other.
        let index = try String(contentsOfFile: folder + "/out/report/index.html", encoding: .utf8)
        let rows = index.components(separatedBy: "<h2>Participants, most urgent first</h2>").last!.components(separatedBy: "<tr><td>")
            .dropFirst()
        let flags = rows.map { $0.contains("<td>urgent</td>") }
        #expect(flags.count == 5 && flags == flags.sorted { $0 && !$1 })
        #expect(flags.filter { $0 }.count == urgency.filter { $0.0.hasSuffix("/overall") && $0.2 == 1 }.count)
    }

    @Test("run writes each participant's review table and the review in its JSON, as patient --output-dir does")
    func reviewFiles() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try CommandRunner.run(["run", study, folder + "/out", "participant", "--quiet", "--no-report"])
        #expect(run.status == 1)  // the broken scan of sub-03
        for participant in ["sub-01", "sub-02", "sub-04", "sub-05"] {
            let patient = try CommandRunner.run(["patient", study + "/" + participant, "--output-dir", folder + "/" + participant])
            #expect(patient.status == 0, "\(patient.stderr)")
            let batch = folder + "/out/" + participant + "/" + participant + "_"
            let single = folder + "/" + participant + "/" + participant + "_"
            let table = try String(contentsOfFile: batch + "review.tsv", encoding: .utf8)
            #expect(table.split(separator: "\n").count > 1, "\(participant): only a header")
            let expected = try String(contentsOfFile: single + "review.tsv", encoding: .utf8)
            #expect(table == expected, "\(participant)")
            func review(_ path: String) throws -> NSDictionary? {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["review"] as? NSDictionary
            }
            let stored = try review(batch + "longitudinal.json"), printed = try review(single + "longitudinal.json")
            #expect(stored != nil && stored == printed, "\(participant)")
        }
    }

    @Test("an edited rules file redoes every participant and can change its class")
    func editedRules() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rules = folder + "/rules.yaml"
        try FileManager.default.copyItem(atPath: CommandRunner.repositoryRoot + "/Pipelines/rules.yaml", toPath: rules)
        _ = try BatchSupport.run(study, folder + "/out", ["--rules", rules, "--quiet"])
        let again = try BatchSupport.run(study, folder + "/out", ["--rules", rules])
        #expect(again.stdout.contains("0 processed, 5 unchanged") || again.stderr.contains("0 processed, 5 unchanged"))
        let text = try String(contentsOfFile: rules, encoding: .utf8)
        try (text + "\n# edited\n").write(toFile: rules, atomically: true, encoding: .utf8)
        let edited = try BatchSupport.run(study, folder + "/out", ["--rules", rules])
        #expect(edited.stdout.contains("5 processed, 0 unchanged") || edited.stderr.contains("5 processed, 0 unchanged"))
    }

    @Test("a participant whose follow-up scan is broken is urgent, not a quiet 'no visit to review'")
    func leftOutFollowUp() throws {
        // sub-04 has two sessions; with ses-02's lesion map cut in half only its baseline remains,
        // which is not reviewed (no earlier scan, no Gd+). Expected from the principle that
        // missing data never lowers urgency: indeterminate, urgent, the reason naming ses-02.
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let broken = study + "/derivatives/segmenter/sub-04/ses-02/anat/sub-04_ses-02_label-T2lesion_mask.nii.gz"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: broken))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: broken))
        let rules = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"
        #expect(try BatchSupport.run(study, folder + "/out", ["--rules", rules, "--quiet", "--no-report"]).status == 1)
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        let row = try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT class, urgent_review, reasons FROM classifications WHERE participant_id = 'sub-04' AND session_id IS NULL")
        }
        #expect(row?["class"] as String? == "indeterminate")
        #expect(row?["urgent_review"] as Int? == 1)
        #expect((row?["reasons"] as String?)?.contains("session ses-02 was left out of the run") == true)
        // The participant's review JSON says the same as the database.
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder + "/out/sub-04/sub-04_longitudinal.json"))) as! [String: Any]
        let review = json["review"] as! [String: Any]
        let patient = review["patient"] as! [String: Any]
        #expect(patient["class"] as? String == "indeterminate" && patient["urgent_review"] as? Bool == true)
        let skipped = review["not_reviewed"] as! [[String: Any]]
        #expect(skipped.contains { $0["session_id"] as? String == "ses-02" && $0["visit"] is NSNull })
    }
}
