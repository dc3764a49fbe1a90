import Foundation
import LesionIO
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

/// Tables as careless users and spreadsheets write them: nothing is silently misread.
@Suite("hostile tables: encodings, byte-order marks, wide headers, impossible dates")
struct HostileTableTests {
    func write(_ bytes: [UInt8], _ name: String) throws -> (folder: String, path: String) {
        let folder = try Fixtures.temporaryDirectory()
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test("a UTF-8 byte-order mark is dropped: participants.tsv keeps its first column")
    func utf8ByteOrderMark() throws {
        let (folder, path) = try write([0xEF, 0xBB, 0xBF] + Array("participant_id\tage\nsub-01\t34\n".utf8), "participants.tsv")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let table = try BIDSTable.read(path)
        #expect(table.columns == ["participant_id", "age"])
        #expect(table.rowIndex(where: "participant_id", is: "sub-01") == 0)
        #expect(try BIDSTable(path: "t.tsv", text: "\u{FEFF}a\tb\n1\t2\n").columns == ["a", "b"])
    }

    @Test("a BOM-only or empty table, UTF-16 and invalid UTF-8 are errors naming the file")
    func refusedEncodings() throws {
        for (bytes, problem) in [
            ([0xEF, 0xBB, 0xBF] as [UInt8], "empty table: no header row"),
            ([0xEF, 0xBB, 0xBF, 0x0A, 0x0D, 0x0A], "empty table: no header row"),
            ([], "empty table: no header row"),
            ([0xFF, 0xFE, 0x61, 0x00], "UTF-16 or UTF-32 text (byte-order mark): save the table as UTF-8"),
            (Array("ab\tc".utf8) + [0xE9, 0x0A], "not UTF-8 text (invalid byte at offset 4): save the table as UTF-8"),
        ] {
            let (folder, path) = try write(bytes, "sub-01_sessions.tsv")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            #expect(throws: ScanError(path, problem)) { _ = try BIDSTable.read(path) }
        }
    }

    @Test("a BOM-only sessions.tsv stops discovery with an error instead of being ignored")
    func byteOrderMarkOnlySessions() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for session in ["ses-1", "ses-2"] {
            try makeDirectories("\(root)/sub-a/\(session)/anat")
            try writeText("", to: "\(root)/sub-a/\(session)/anat/sub-a_\(session)_FLAIR.nii.gz")
        }
        try Data([0xEF, 0xBB, 0xBF]).write(to: URL(fileURLWithPath: "\(root)/sub-a/sub-a_sessions.tsv"))
        #expect(throws: ScanError("\(root)/sub-a/sub-a_sessions.tsv", "empty table: no header row")) {
            _ = try PatientFolder.open(root, searchDerivatives: false)
        }
    }

    @Test("a 200,000-column header is read (linear duplicate check); a duplicate among them is named")
    func wideHeader() throws {
        let names = (0..<200_000).map { "c\($0)" }
        let header = names.joined(separator: "\t")
        let row = [String](repeating: "1", count: names.count).joined(separator: "\t")
        let table = try BIDSTable(path: "wide.tsv", text: header + "\n" + row + "\n")
        #expect(table.columns.count == 200_000 && table.rows.count == 1)
        #expect(throws: ScanError("wide.tsv", "line 1: column \"c199998\" appears twice in the header")) {
            _ = try BIDSTable(path: "wide.tsv", text: header + "\tc199998\n")
        }
    }

    @Test("an impossible acq_time (2020-13-45, 2021-02-29, 24:00) is refused naming the file, line and value")
    func impossibleDates() throws {
        for (value, line) in [("2020-13-45", 3), ("2021-02-29", 3), ("2021-05-01T24:00:00", 3)] {
            let root = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            for session in ["ses-a", "ses-b"] {
                try makeDirectories("\(root)/sub-a/\(session)/anat")
                try writeText("", to: "\(root)/sub-a/\(session)/anat/sub-a_\(session)_FLAIR.nii.gz")
            }
            let table = "\(root)/sub-a/sub-a_sessions.tsv"
            try writeText("session_id\tacq_time\nses-a\t2021-05-01\nses-b\t\(value)\n", to: table)
            #expect {
                _ = try PatientFolder.open(root, searchDerivatives: false)
            } throws: { error in
                let e = error as! ScanError
                return e.path == table && e.problem.hasPrefix("line \(line): acq_time \"\(value)\" of ses-b is not an ISO 8601")
            }
        }
    }
}
