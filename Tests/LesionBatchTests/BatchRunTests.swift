import Foundation
import GRDB
import LesionBatch
import LesionIO
import Testing
import TestSupport

@Suite("lesiontrack run: results, idempotence, shards, interruptions", .tags(.slow), .fullTierOnly, .serialized)
struct BatchRunTests {
    @Test("the broken scan gives one error row and every other result; exit status 1")
    func brokenScan() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try BatchSupport.run(study, folder + "/out", ["--log-format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let summary = try BatchSupport.summary(result.stdout)
        #expect(summary["processed"] as? Int == 5)
        let errors = summary["errors"] as! [[String: Any]]
        #expect(errors.count == 1)
        #expect(errors.first?["file"] as? String == "derivatives/segmenter/sub-03/ses-02/anat/sub-03_ses-02_label-T2lesion_mask.nii.gz")
        #expect(errors.first?["session_id"] as? String == "ses-02")
        let dump = try BatchSupport.canonicalDump(folder + "/out")
        let statuses = dump["patients"]!.map {
            $0.split(separator: " ").filter { $0.hasPrefix("participant_id=") || $0.hasPrefix("status=") || $0.hasPrefix("sessions_used=") }
                .joined(separator: " ")
        }
        #expect(
            statuses == [
                "participant_id=\"sub-01\" status=\"complete\" sessions_used=3",
                "participant_id=\"sub-02\" status=\"complete\" sessions_used=4",
                "participant_id=\"sub-03\" status=\"partial\" sessions_used=2",
                "participant_id=\"sub-04\" status=\"complete\" sessions_used=2",
                "participant_id=\"sub-05\" status=\"complete\" sessions_used=3",
            ])
        #expect(dump["visits"]!.count == 14)
        // Hand counts of the example study (Fixtures/README.md).
        _ = try BatchSupport.exports(folder + "/out")
        let visits = try String(contentsOfFile: folder + "/out/export-tsv/cohort_visits.tsv", encoding: .utf8)
        let rows = visits.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        func value(_ participant: String, _ visit: String, _ column: String) -> String {
            rows.first { $0[0] == participant && $0[1] == visit }![header.firstIndex(of: column)!]
        }
        #expect(
            value("sub-01", "2", "new_t2") == "1" && value("sub-01", "2", "gd_lesions") == "1"
                && value("sub-01", "2", "enhancing_t2") == "1")
        #expect(value("sub-01", "3", "enlarging_t2") == "1")
        #expect(value("sub-02", "3", "grid") == "resampled" && value("sub-02", "3", "resolved_t2") == "1")
        #expect(value("sub-02", "4", "new_t2") == "1")
        #expect(value("sub-03", "2", "session_id") == "ses-03" && value("sub-03", "2", "new_t2") == "2")
        #expect(value("sub-05", "3", "merged_t2") == "1" && value("sub-05", "3", "absorbed_t2") == "1")
        #expect(value("sub-04", "2", "stable_t2") == "2")
        // cohort_patients.ledger_lesions counts the lesion IDs of each participant's ledger.
        let patients = try String(contentsOfFile: folder + "/out/export-tsv/cohort_patients.tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let ledgerColumn = try #require(patients[0].firstIndex(of: "ledger_lesions"))
        #expect(!patients[0].contains("lesion_ids"))
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        for row in patients.dropFirst() {
            let ids = try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT lesion_id) FROM ledger WHERE participant_id = ?", arguments: [row[0]])
            }
            #expect(row[ledgerColumn] == String(ids ?? 0), "\(row[0])")
        }
        // sub-02's windows, dated from its last infusion (2020-08-20) and plasma exchange (2020-09-10).
        let windows = try String(contentsOfFile: folder + "/out/export-tsv/cohort_windows.tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let columns = ["participant_id", "hypothesis", "rule_id", "event", "from_days", "to_days", "start_date", "end_date"]
            .map { windows[0].firstIndex(of: $0)! }
        let sub02 = windows.dropFirst().filter { $0[0] == "sub-02" }.map { row in columns.map { row[$0] }.joined(separator: " ") }
        #expect(
            sub02 == [
                "sub-02 suspected_pml_iris iris-after-stopping last_infusion 0 183 2020-08-20 2021-02-19",
                "sub-02 suspected_pml_iris iris-after-plasma-exchange plasma_exchange 0 183 2020-09-10 2021-03-12",
                "sub-02 rebound rebound-typical-window last_infusion 84 210 2020-11-12 2021-03-18",
            ])
    }

    @Test("one job or two, one run or three shards merged: the same database content and exports")
    func jobsAndShards() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try BatchSupport.run(study, folder + "/one", ["--jobs", "1"]).status == 1)
        #expect(try BatchSupport.run(study, folder + "/two", ["--jobs", "2"]).status == 1)
        let reference = try BatchSupport.canonicalDump(folder + "/one")
        #expect(try BatchSupport.canonicalDump(folder + "/two") == reference)
        let exports = try BatchSupport.exports(folder + "/one")
        #expect(try BatchSupport.exports(folder + "/two") == exports)

        var shardCounts: [Int] = []
        for i in 1...3 {
            let result = try BatchSupport.run(study, folder + "/shard\(i)", ["--shard", "\(i)/3", "--log-format", "json"])
            shardCounts.append(try BatchSupport.summary(result.stdout)["participants"] as! Int)
        }
        #expect(shardCounts.reduce(0, +) == 5)
        let merged = try CommandRunner.run([
            "merge", folder + "/shard1", folder + "/shard2", folder + "/shard3", "--into", folder + "/merged",
        ])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try BatchSupport.canonicalDump(folder + "/merged") == reference)
        #expect(try BatchSupport.exports(folder + "/merged") == exports)
        // The merged folder's report is the one a single run writes: every page, every participant.
        let report = try BatchSupport.reportFiles(folder + "/one")
        #expect(report.count > 5)
        #expect(try BatchSupport.reportFiles(folder + "/merged") == report)
        // Merging again changes nothing; a conflicting result is refused.
        #expect(try CommandRunner.run(["merge", folder + "/shard1", "--into", folder + "/merged"]).status == 0)
        #expect(try BatchSupport.canonicalDump(folder + "/merged") == reference)
        try Data([0x1f]).write(to: URL(fileURLWithPath: study + "/sub-04/ses-02/anat/sub-04_ses-02_desc-brain_mask.nii.gz"))
        let changed = try BatchSupport.run(study, folder + "/changed", ["--participant-label", "04"])
        #expect(changed.status == 1)
        let conflict = try CommandRunner.run(["merge", folder + "/changed", "--into", folder + "/merged"])
        #expect(conflict.status == 65 && conflict.stderr.contains("sub-04") && conflict.stderr.contains("input keys differ"))
    }

    @Test("a second run does no work; a changed input redoes its participant only")
    func idempotent() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        _ = try BatchSupport.run(study, out)
        let before = try BatchSupport.canonicalDump(out)
        let label = out + "/sub-01/ses-01/anat/sub-01_ses-01_desc-T2lesions_dseg.nii.gz"
        let written = try FileManager.default.attributesOfItem(atPath: label)[.modificationDate] as! Date
        let again = try BatchSupport.run(study, out, ["--log-format", "json"])
        let summary = try BatchSupport.summary(of: again)
        #expect(summary["processed"] as? Int == 0 && summary["unchanged"] as? Int == 5 && summary["scans_read"] as? Int == 0)
        #expect(again.status == 1, "the standing error still counts")
        #expect(try BatchSupport.canonicalDump(out) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: label)[.modificationDate] as! Date == written)

        // sub-01's second session now shows its first: that participant is redone.
        let t2 = "/derivatives/segmenter/sub-01/ses-0%d/anat/sub-01_ses-0%d_label-T2lesion_mask.nii.gz"
        try FileManager.default.removeItem(atPath: study + String(format: t2, 2, 2))
        try FileManager.default.copyItem(atPath: study + String(format: t2, 1, 1), toPath: study + String(format: t2, 2, 2))
        let redo = try BatchSupport.summary(of: try BatchSupport.run(study, out, ["--log-format", "json"]))
        #expect(redo["processed"] as? Int == 1 && redo["unchanged"] as? Int == 4)
        // An edited pipeline redoes everyone.
        let edited = folder + "/edited.yaml"
        try (String(contentsOfFile: BatchSupport.pipeline, encoding: .utf8) + "\n# edited\n").write(
            toFile: edited, atomically: true, encoding: .utf8)
        let all = try CommandRunner.run(["run", study, out, "participant", "--pipeline", edited, "--log-format", "json"])
        #expect(try BatchSupport.summary(of: all)["processed"] as? Int == 5)
    }

    @Test("killed mid-run (SIGKILL) and run again: the same results as one uninterrupted run")
    func killAndResume() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let benchmark = BatchBenchmark(study: Fixtures.path("study"), work: folder, targetScans: 150, jobs: [1])
        let (study, _, participants) = try benchmark.prepare()
        #expect(try BatchSupport.run(study, folder + "/whole", ["--jobs", "2", "--quiet"]).status == 1)
        let reference = try BatchSupport.canonicalDump(folder + "/whole")

        let out = folder + "/killed"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = ["run", study, out, "participant", "--pipeline", BatchSupport.pipeline, "--jobs", "2", "--quiet"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        var committed = 0
        let deadline = Date().addingTimeInterval(60)
        while committed < 2 && process.isRunning && Date() < deadline {
            usleep(2_000)
            committed =
                (try? DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
                    try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM patients") ?? 0
                }) ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        let done = try DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM patients") ?? 0
        }
        #expect(done < participants)
        // Nothing half-written under a final name: every label map reads, every JSON parses.
        let files = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }
        for file in files where !file.hasSuffix(".partial") && !file.contains(".sqlite") {
            if file.hasSuffix(".nii.gz") { _ = try NIfTIReader().read(out + "/" + file) }
            if file.hasSuffix(".json") {
                _ = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/" + file)))
            }
        }

        let resumed = try BatchSupport.run(study, out, ["--jobs", "1", "--log-format", "json"])
        let summary = try BatchSupport.summary(resumed.stdout)
        #expect(summary["unchanged"] as? Int == done)
        #expect(summary["processed"] as? Int == participants - done)
        #expect(try BatchSupport.canonicalDump(out) == reference)
        #expect(try BatchSupport.exports(out) == BatchSupport.exports(folder + "/whole"))
        let statuses = try DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
            try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id")
        }
        #expect(statuses == ["interrupted", "completed"])
        let leftovers = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test("paths out of the study are refused; labels are checked")
    func containment() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outside = folder + "/elsewhere.nii.gz"
        let mask = study + "/sub-04/ses-02/anat/sub-04_ses-02_desc-brain_mask.nii.gz"
        try FileManager.default.moveItem(atPath: mask, toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: mask, withDestinationPath: outside)
        let result = try BatchSupport.run(study, folder + "/out", ["--participant-label", "sub-04", "--log-format", "json"])
        let errors = try BatchSupport.summary(result.stdout)["errors"] as! [[String: Any]]
        #expect(errors.count == 1)
        #expect((errors.first?["message"] as? String)?.contains("outside the study folder") == true)
        #expect(errors.first?["stage"] as? String == "discover")
        let bad = try BatchSupport.run(study, folder + "/out", ["--participant-label", "../sub-01"])
        #expect(bad.status == 64)
        let missing = try BatchSupport.run(study, folder + "/out", ["--participant-label", "07"])
        #expect(missing.status == 65 && missing.stderr.contains("sub-07"))
    }
}
