import Foundation
import LesionIO
import LesionReview
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("Clinical context: sessions.tsv and participants.tsv, missing columns, refusals")
struct ClinicalContextTests {
    /// `ReviewCase.stable` with the rows of some sessions (by default the second) changed.
    func context(
        _ change: (inout [String: String]) -> Void, participants: [String: String]? = ["pre_ntz_gd_count": "1"],
        sessions changed: [Int] = [1]
    ) throws -> ClinicalContext {
        var sessions = ReviewCase.stable.sessions
        for n in changed {
            var row = sessions[n].clinical
            change(&row)
            sessions[n] = ReviewCase.Session(label: sessions[n].label, clinical: row, t2: sessions[n].t2, gd: sessions[n].gd)
        }
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReviewCase(participant: "sub-01", sessions: sessions, participants: participants).write(into: root)
        return try ClinicalContext.read(try PatientFolder.open(root, searchDerivatives: true))
    }

    /// The refusal's problem, with the table named by its file name.
    func refusal(_ change: (inout [String: String]) -> Void, participants: [String: String]? = nil) -> String? {
        do {
            _ = try context(change, participants: participants)
            return nil
        } catch let error as ScanError {
            return error.path.split(separator: "/").last.map(String.init)! + ": " + error.problem
        } catch {
            return "\(error)"
        }
    }

    /// The treatment-course columns added with the safety gate, in table order.
    static let courseColumns = [
        "withdrawn_therapy", "ntz_status", "ntz_dosing", "ntz_stop", "ntz_restart", "fingolimod_stop", "plasma_exchange_reason",
        "csf_jcv_pcr_ultrasensitive", "dwi_read",
    ]

    static func missing(_ columns: [String]) -> [String] { columns.map { "sub-01_sessions.tsv: \($0)" } }

    @Test("values are read; n/a means none for plasma exchange and next therapy, missing elsewhere")
    func values() throws {
        let c = try context { row in
            row["plasma_exchange"] = "2020-06-20"
            row["jcv_index"] = "n/a"
        }
        let record = try #require(c.records["ses-02"])
        #expect(record.acquisitionTime == ISODateTime("2020-07-10") && record.lastInfusion == ISODateTime("2020-03-01"))
        #expect(record.plasmaExchange == ISODateTime("2020-06-20") && record.infusionCount == 52)
        #expect(record.nextTherapy == "ocrelizumab" && record.csfJCVPCR == .notDone && record.priorImmunosuppressant == false)
        #expect(record.jcvIndex == nil && record.missing[.jcvIndex] == "n/a for ses-02 in sub-01_sessions.tsv")
        let first = try #require(c.records["ses-01"])
        // The table predates the treatment-course columns: they are missing (unknown), and listed.
        #expect(first.absent == [.plasmaExchange, .nextTherapy, .nextTherapyStart])
        #expect(Set(first.missing.keys.map(\.rawValue)) == Set(Self.courseColumns))
        #expect(c.participantsGdCount == 1 && c.participantsT2NewCount == nil)
        #expect(c.t2NewMissing == "no column pre_ntz_t2_new_count in participants.tsv")
        #expect(c.missingColumns == Self.missing(Self.courseColumns) + ["participants.tsv: pre_ntz_t2_new_count"])
    }

    @Test("missing columns and tables are listed, each fact with its reason")
    func missing() throws {
        let c = try context(
            { row in
                row["csf_jcv_pcr"] = nil
                row["next_therapy"] = nil
            }, participants: nil, sessions: [0, 1])
        #expect(
            c.missingColumns
                == Self.missing(
                    ClinicalColumn.allCases.map(\.rawValue).filter {
                        Self.courseColumns.contains($0) || $0 == "csf_jcv_pcr" || $0 == "next_therapy"
                    })
                + ["participants.tsv (no such table)"])
        #expect(c.records["ses-02"]?.missing[.csfJCVPCR] == "no column csf_jcv_pcr in sub-01_sessions.tsv")
        // Without the column, next_therapy is missing, not none: absence is only known from an n/a.
        #expect(c.records["ses-01"]?.missing[.nextTherapy] == "no column next_therapy in sub-01_sessions.tsv")
        #expect(c.records["ses-01"]?.absent == [.plasmaExchange, .nextTherapyStart])
        #expect(c.records["ses-01"]?.missing[.natalizumabStatus] == "no column ntz_status in sub-01_sessions.tsv")
        #expect(c.gdMissing == "no participants.tsv" && c.participantsTable == nil)
    }

    @Test(
        "a malformed value is refused naming the table, the column and the session",
        arguments: [
            (
                "ntz_infusion_count", "many",
                "sub-01_sessions.tsv: ntz_infusion_count \"many\" of ses-02 is not a whole number of infusions (0 or more)"
            ),
            (
                "ntz_infusion_count", "-3",
                "sub-01_sessions.tsv: ntz_infusion_count \"-3\" of ses-02 is not a whole number of infusions (0 or more)"
            ),
            (
                "ntz_last_infusion", "2020-13-01",
                "sub-01_sessions.tsv: ntz_last_infusion \"2020-13-01\" of ses-02 is not an ISO 8601 date (2024-03-05 or 2024-03-05T10:30:00)"
            ),
            (
                "plasma_exchange", "01/06/2020",
                "sub-01_sessions.tsv: plasma_exchange \"01/06/2020\" of ses-02 is not an ISO 8601 date (2024-03-05 or 2024-03-05T10:30:00)"
            ),
            ("jcv_index", "high", "sub-01_sessions.tsv: jcv_index \"high\" of ses-02 is not an index (a number, 0 or more)"),
            ("csf_jcv_pcr", "weak", "sub-01_sessions.tsv: csf_jcv_pcr \"weak\" of ses-02 is not one of positive, negative, not_done"),
            ("prior_immunosuppressant", "true", "sub-01_sessions.tsv: prior_immunosuppressant \"true\" of ses-02 is not yes or no"),
            (
                "ntz_last_infusion", "2020-08-01",
                "sub-01_sessions.tsv: ntz_last_infusion 2020-08-01 of ses-02 is after its acq_time 2020-07-10: each row describes the situation at its scan (the last one before it)"
            ),
            (
                "plasma_exchange", "2020-07-11",
                "sub-01_sessions.tsv: plasma_exchange 2020-07-11 of ses-02 is after its acq_time 2020-07-10: each row describes the situation at its scan (the last one before it)"
            ),
        ])
    func refusals(column: String, value: String, message: String) {
        #expect(refusal { $0[column] = value } == message)
    }

    @Test("participants.tsv counts must be whole numbers")
    func participantsRefusal() {
        #expect(
            refusal({ _ in }, participants: ["pre_ntz_gd_count": "some"])
                == "participants.tsv: pre_ntz_gd_count \"some\" of sub-01 is not a whole number of lesions (0 or more)")
    }
}

@Suite("The sessions table's BIDS sidecar")
struct SessionsSidecarTests {
    @Test("Documentation/sessions.json is the sidecar of every clinical column, word for word")
    func committedSidecar() throws {
        let path = CommandRunner.repositoryRoot + "/Documentation/sessions.json"
        // LESIONTRACK_RECORD=1 rewrites the file from the code; review the diff.
        if ProcessInfo.processInfo.environment["LESIONTRACK_RECORD"] == "1" { try writeText(SessionsSidecar.json, to: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == SessionsSidecar.json)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(SessionsSidecar.json.utf8)) as? [String: [String: Any]])
        #expect(Set(doc.keys) == Set(ClinicalColumn.allCases.map(\.rawValue)))
        #expect((doc["ntz_status"]?["Levels"] as? [String: String])?.keys.sorted() == ["never", "on", "restarted", "stopped"])
        #expect(doc["ntz_last_infusion"]?["Units"] as? String == "ISO 8601 date or date-time")
        #expect((doc["jcv_index"]?["Description"] as? String)?.hasSuffix("n/a means unknown, never negative.") == true)
        #expect((doc["plasma_exchange"]?["Description"] as? String)?.hasSuffix("n/a means none.") == true)
    }
}
