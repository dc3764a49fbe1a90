import Foundation
import GRDB
import TestSupport
import Testing

/// One batch holding a scan of each hostile kind, each in a participant of its own, against the
/// same study without them: the run finishes, each bad scan is one error row naming it, and every
/// result of the other participants is the same row for row.
@Suite("a batch with one scan of each hostile kind", .tags(.slow), .fullTierOnly)
struct HostileBatchTests {
    /// A hostile participant: a copy of `sub-05` (three sessions, lesion maps from a segmenter)
    /// with one defect, and the file its error row must name (nil: no error row is expected).
    struct Kind: Sendable {
        let participant: String
        let expectedFile: String?
        let expectedMessage: String?
        let damage: @Sendable (_ study: String, _ participant: String) throws -> Void
    }

    static let kinds: [Kind] = [
        // A header that claims a volume far above the cap (an allocation of terabytes).
        Kind(participant: "sub-91", expectedFile: "sub-91/ses-02/anat/sub-91_ses-02_desc-brain_mask.nii.gz", expectedMessage: nil) {
            study, p in try replace(study, p, "ses-02", "desc-brain_mask.nii.gz", with: Fixtures.path("broken/huge_dims.nii.gz"))
        },
        // A small file whose header extension claims 1 GiB.
        Kind(participant: "sub-92", expectedFile: "sub-92/ses-02/anat/sub-92_ses-02_desc-brain_mask.nii", expectedMessage: "extension") {
            study, p in
            let gz = "\(study)/\(p)/ses-02/anat/\(p)_ses-02_desc-brain_mask.nii.gz"
            try FileManager.default.removeItem(atPath: gz)
            try Data(try extended(claimed: 1 << 30)).write(to: URL(fileURLWithPath: String(gz.dropLast(3))))
        },
        // A 4D brain mask.
        Kind(participant: "sub-93", expectedFile: "sub-93/ses-02/anat/sub-93_ses-02_desc-brain_mask.nii", expectedMessage: "4D") {
            study, p in
            let gz = "\(study)/\(p)/ses-02/anat/\(p)_ses-02_desc-brain_mask.nii.gz"
            var bytes = try gunzip(gz)
            try FileManager.default.removeItem(atPath: gz)
            let voxOffset = Int(Float(bitPattern: bytes[108..<112].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
            bytes[40] = 4
            bytes[48] = 2
            bytes += bytes[voxOffset...]
            try Data(bytes).write(to: URL(fileURLWithPath: String(gz.dropLast(3))))
        },
        // A truncated gzip stream as a segmenter's lesion map.
        Kind(
            participant: "sub-94", expectedFile: "derivatives/segmenter/sub-94/ses-02/anat/sub-94_ses-02_label-T2lesion_probseg.nii.gz",
            expectedMessage: nil
        ) { study, p in
            let path = "\(study)/derivatives/segmenter/\(p)/ses-02/anat/\(p)_ses-02_label-T2lesion_probseg.nii.gz"
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        },
        // An impossible acq_time in the sessions table.
        Kind(participant: "sub-95", expectedFile: "sub-95/sub-95_sessions.tsv", expectedMessage: "2021-13-45") { study, p in
            let path = "\(study)/\(p)/\(p)_sessions.tsv"
            let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "2021-10-19", with: "2021-13-45")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        },
        // A legal 200-character session label: no error, the participant completes.
        Kind(participant: "sub-96", expectedFile: nil, expectedMessage: nil) { study, p in
            let long = "ses-" + String(repeating: "x", count: 196)
            for root in ["\(study)/\(p)", "\(study)/derivatives/segmenter/\(p)"] {
                let old = root + "/ses-03", new = root + "/" + long
                try FileManager.default.moveItem(atPath: old, toPath: new)
                for name in try FileManager.default.contentsOfDirectory(atPath: new + "/anat") {
                    try FileManager.default.moveItem(
                        atPath: new + "/anat/" + name, toPath: new + "/anat/" + name.replacingOccurrences(of: "ses-03", with: long))
                }
            }
            let table = "\(study)/\(p)/\(p)_sessions.tsv"
            let text = try String(contentsOfFile: table, encoding: .utf8).replacingOccurrences(of: "ses-03", with: long)
            try text.write(toFile: table, atomically: true, encoding: .utf8)
        },
    ]

    @Test("each bad scan is one error row naming it; every other participant's rows are those of a clean run")
    func oneOfEachKind() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clean = try BatchSupport.run(study, folder + "/clean", ["--no-report"])
        #expect(clean.status == 1, "the example study has one broken scan of its own")
        for kind in Self.kinds {
            try Self.copyParticipant(study, from: "sub-05", to: kind.participant)
            try kind.damage(study, kind.participant)
        }
        let hostile = try BatchSupport.run(study, folder + "/hostile", ["--no-report"])
        #expect(hostile.status == 1, "\(hostile.stderr)")

        // Every table, restricted to the study's own participants, is the clean run's.
        let own = ["sub-01", "sub-02", "sub-03", "sub-04", "sub-05"]
        func ownRows(_ dump: [String: [String]]) -> [String: [String]] {
            dump.mapValues { rows in rows.filter { row in own.contains { row.contains($0) } } }
        }
        let reference = ownRows(try BatchSupport.canonicalDump(folder + "/clean"))
        #expect(reference["lesions"]?.isEmpty == false)
        #expect(ownRows(try BatchSupport.canonicalDump(folder + "/hostile")) == reference)

        // One error row per hostile scan, naming its file; none for the legal long label.
        let queue = try DatabaseQueue(path: folder + "/hostile/lesiontrack.sqlite")
        let errors = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT participant_id, file, message FROM errors WHERE participant_id >= 'sub-9'")
        }
        for kind in Self.kinds {
            let rows = errors.filter { ($0["participant_id"] as String) == kind.participant }
            if let file = kind.expectedFile {
                #expect(rows.count == 1, "\(kind.participant): \(rows)")
                #expect(rows.first.map { ($0["file"] as String) == file } == true, "\(kind.participant): \(rows)")
                if let message = kind.expectedMessage {
                    #expect(rows.first.map { ($0["message"] as String).contains(message) } == true, "\(kind.participant): \(rows)")
                }
            } else {
                #expect(rows.isEmpty, "\(kind.participant): \(rows)")
            }
        }
        let statuses = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT participant_id, status FROM patients WHERE participant_id >= 'sub-9' ORDER BY 1")
                .map { "\($0["participant_id"] as String) \($0["status"] as String)" }
        }
        // A refused session leaves a partial result; a bad sessions table fails the participant.
        #expect(statuses == ["sub-91 partial", "sub-92 partial", "sub-93 partial", "sub-94 partial", "sub-95 failed", "sub-96 complete"])
    }

    /// Copies a participant's raw and derivatives folders under a new label, renaming its files.
    static func copyParticipant(_ study: String, from source: String, to target: String) throws {
        let manager = FileManager.default
        for root in [study, study + "/derivatives/segmenter"] {
            let from = root + "/" + source, to = root + "/" + target
            guard manager.fileExists(atPath: from) else { continue }
            try manager.copyItem(atPath: from, toPath: to)
            for case let path as String in manager.enumerator(atPath: to)! where path.contains(source) {
                let name = (path as NSString).lastPathComponent
                guard name.contains(source) else { continue }
                let directory = (path as NSString).deletingLastPathComponent
                try manager.moveItem(
                    atPath: to + "/" + path,
                    toPath: to + "/" + (directory.isEmpty ? "" : directory + "/") + name.replacingOccurrences(of: source, with: target))
            }
        }
    }

    static func replace(_ study: String, _ participant: String, _ session: String, _ suffix: String, with file: String) throws {
        let path = "\(study)/\(participant)/\(session)/anat/\(participant)_\(session)_\(suffix)"
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: file, toPath: path)
    }

    static func gunzip(_ path: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    /// `scans/float32.nii` with one header extension claiming `claimed` bytes (16 stored).
    static func extended(claimed: Int32) throws -> [UInt8] {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("scans/float32.nii")))
        var header = [UInt8](original.prefix(348))
        withUnsafeBytes(of: Float(368).bitPattern.littleEndian) { header.replaceSubrange(108..<112, with: $0) }
        var bytes = header + [1, 0, 0, 0]
        withUnsafeBytes(of: claimed.littleEndian) { bytes += $0 }
        bytes += [6, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        bytes += original.dropFirst(352)
        return bytes
    }
}
