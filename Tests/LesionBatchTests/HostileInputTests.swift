import Foundation
import GRDB
import LesionBatch
import LesionIO
import Testing
import TestSupport

/// Tampered databases and hostile tables: each refused cleanly, nothing written or removed
/// outside the output folder, the rest of the batch unaffected.
@Suite("hostile inputs: refused cleanly, contained", .tags(.slow), .fullTierOnly, .serialized)
struct HostileInputTests {
    /// Every entry under `folder`, recursively, relative to it.
    static func tree(_ folder: String) -> Set<String> {
        Set(FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [])
    }

    @Test("a tampered outputs.path (../x, /abs) makes neither run delete nor merge write outside the output folder")
    func tamperedOutputPaths() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        #expect(try BatchSupport.run(study, out, ["--participant-label", "01"]).status == 0)
        let victim = folder + "/victim.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        let queue = try DatabaseQueue(path: out + "/lesiontrack.sqlite")
        try queue.write { db in
            try db.execute(sql: "UPDATE outputs SET path = '../victim.txt' WHERE rowid = (SELECT min(rowid) FROM outputs)")
        }
        try queue.close()

        // merge: refused before anything is written; nothing appears beside the folders.
        let before = Self.tree(folder)
        let merged = try CommandRunner.run(["merge", out, "--into", folder + "/merged"])
        #expect(merged.status != 0 && merged.status < 128)
        #expect(merged.stderr.contains("lesiontrack.sqlite") && merged.stderr.contains("'../victim.txt'"), "\(merged.stderr)")
        #expect(Self.tree(folder).subtracting(before).allSatisfy { $0.hasPrefix("merged") })
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")

        // run (which removes the outputs of dropped or redone participants): the database is
        // refused before anything is removed or processed.
        let run = try BatchSupport.run(study, out, ["--participant-label", "02"])
        #expect(run.status != 0 && run.status < 128)
        #expect(run.stderr.contains("outputs.path") && run.stderr.contains("'../victim.txt'"), "\(run.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")

        // An absolute path is refused the same way.
        let queue2 = try DatabaseQueue(path: out + "/lesiontrack.sqlite")
        try queue2.write { db in
            try db.execute(sql: "UPDATE outputs SET path = ? WHERE path = '../victim.txt'", arguments: [victim])
        }
        try queue2.close()
        let absolute = try CommandRunner.run(["merge", out, "--into", folder + "/merged2"])
        #expect(absolute.status != 0 && absolute.stderr.contains("is absolute"), "\(absolute.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me")
    }

    @Test("ContainedPath refuses .., absolute, empty and symbolic links out of the folder")
    func containedPath() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = folder + "/root"
        try FileManager.default.createDirectory(atPath: root + "/a", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: folder)
        #expect(try ContainedPath.resolve("a/b.nii.gz", in: root, source: "db") == root + "/a/b.nii.gz")
        for bad in ["../x", "a/../../x", "/etc/passwd", "", "link/x", "link"] {
            #expect(throws: ScanError.self, "\(bad)") { try ContainedPath.resolve(bad, in: root, source: "db") }
        }
    }

    @Test("an impossible acq_time is an error row for that participant only; the others are stored")
    func impossibleAcquisitionTime() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let table = study + "/sub-01/sub-01_sessions.tsv"
        let text = try String(contentsOfFile: table, encoding: .utf8)
        try text.replacingOccurrences(of: "ses-02\t2021-05-10", with: "ses-02\t2020-13-45").write(
            toFile: table, atomically: true, encoding: .utf8)
        let result = try BatchSupport.run(study, folder + "/out", ["--participant-label", "01", "02", "--log-format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let errors = try BatchSupport.summary(result.stdout)["errors"] as! [[String: Any]]
        #expect(errors.count == 1)
        let message = errors.first?["message"] as? String ?? ""
        #expect(message.contains("line 3") && message.contains("2020-13-45") && message.contains("ses-02"), "\(errors)")
        #expect((errors.first?["file"] as? String)?.hasSuffix("sub-01_sessions.tsv") == true, "\(errors)")
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        let stored = try queue.read { db in try String.fetchAll(db, sql: "SELECT participant_id FROM visits GROUP BY participant_id") }
        #expect(stored == ["sub-02"])
    }

    @Test("a legal 200-character session label: temporary names stay under 255 bytes and the participant completes")
    func longSessionLabel() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let label = "ses-" + String(repeating: "a", count: 200)
        let fm = FileManager.default
        for base in [study + "/sub-02", study + "/derivatives/segmenter/sub-02"] {
            for file in try fm.contentsOfDirectory(atPath: base + "/ses-04/anat") {
                try fm.moveItem(
                    atPath: base + "/ses-04/anat/" + file,
                    toPath: base + "/ses-04/anat/" + file.replacingOccurrences(of: "ses-04", with: label))
            }
            try fm.moveItem(atPath: base + "/ses-04", toPath: base + "/" + label)
        }
        let table = study + "/sub-02/sub-02_sessions.tsv"
        try String(contentsOfFile: table, encoding: .utf8).replacingOccurrences(of: "ses-04", with: label).write(
            toFile: table, atomically: true, encoding: .utf8)
        let result = try BatchSupport.run(study, folder + "/out", ["--participant-label", "02"])
        #expect(result.status == 0, "\(result.stderr)")
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        let sessions = try queue.read { db in try String.fetchAll(db, sql: "SELECT session_id FROM visits ORDER BY visit") }
        #expect(sessions == ["ses-01", "ses-02", "ses-03", label])
        let name = ".sub-02_\(label)_desc-T2lesions_dseg.nii.gz"
        #expect(AtomicFile.temporaryPath(for: "/d/" + name).utf8.count - 3 <= AtomicFile.maximumNameBytes)
    }

    @Test("a 4D brain mask and an unreadable ses- folder are error rows; the other participant is stored")
    func fourDimensionalMaskAndUnreadableSession() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // sub-02 ses-03: the brain mask as a 4D series of two copies of its volume.
        let gz = study + "/sub-02/ses-03/anat/sub-02_ses-03_desc-brain_mask.nii.gz"
        let nii = String(gz.dropLast(3))
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gunzip.arguments = ["-c", "gzip -dc \"$0\" > \"$1\" && rm \"$0\"", gz, nii]
        try gunzip.run()
        gunzip.waitUntilExit()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: nii)))
        let voxOffset = Int(Float(bitPattern: bytes[108..<112].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        bytes[40] = 4
        bytes[48] = 2
        bytes += bytes[voxOffset...]
        try Data(bytes).write(to: URL(fileURLWithPath: nii))
        // sub-01: a ses- folder that cannot be examined (a symbolic-link loop; root reads any mode).
        try FileManager.default.createSymbolicLink(atPath: study + "/sub-01/ses-09", withDestinationPath: "ses-09")

        let result = try BatchSupport.run(study, folder + "/out", ["--participant-label", "01", "02", "05", "--log-format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let errors = try BatchSupport.summary(result.stdout)["errors"] as! [[String: Any]]
        let messages = errors.map { "\($0["file"] ?? ""): \($0["message"] ?? "")" }
        #expect(errors.count == 2, "\(messages)")
        #expect(messages.contains { $0.contains("sub-02_ses-03_desc-brain_mask.nii") && $0.contains("4D (2 volumes)") }, "\(messages)")
        #expect(messages.contains { $0.contains("sub-01/ses-09") && $0.contains("cannot be read") }, "\(messages)")
        let queue = try DatabaseQueue(path: folder + "/out/lesiontrack.sqlite")
        let complete = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT participant_id FROM patients WHERE status = 'complete' ORDER BY participant_id")
        }
        #expect(complete == ["sub-05"])
    }

    @Test("SIGINT and SIGTERM: a message, exit 130/143, the run row interrupted, committed participants kept")
    func interruptedBySignal() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let benchmark = BatchBenchmark(study: Fixtures.path("study"), work: folder, targetScans: 150, jobs: [1])
        let (study, _, participants) = try benchmark.prepare()
        let out = folder + "/out"
        func count() -> Int {
            (try? DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM patients") ?? 0
            }) ?? 0
        }
        var interrupted = 0
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            let before = count()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
            process.arguments = ["run", study, out, "participant", "--pipeline", BatchSupport.pipeline, "--jobs", "2", "--quiet"]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while count() < before + 1 && process.isRunning && Date() < deadline { usleep(2_000) }
            guard process.isRunning else {
                process.waitUntilExit()
                break
            }
            kill(process.processIdentifier, number)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            interrupted += 1
            #expect(process.terminationReason == .exit && process.terminationStatus == 128 + number, "\(stderr)")
            #expect(stderr.contains("lesiontrack: interrupted (\(name)):") && stderr.contains("committed by this run kept"), "\(stderr)")
            let run = try DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
                try Row.fetchOne($0, sql: "SELECT status, finished_at FROM runs ORDER BY id DESC LIMIT 1")
            }
            #expect(run?["status"] == "interrupted" && (run?["finished_at"] as String?) != nil)
            #expect(count() >= before + 1 && count() < participants)
        }
        #expect(interrupted >= 1)
        let done = count()
        let resumed = try BatchSupport.run(study, out, ["--jobs", "2", "--log-format", "json"])
        let summary = try BatchSupport.summary(resumed.stdout)
        #expect(summary["unchanged"] as? Int == done && summary["processed"] as? Int == participants - done)
        let statuses = try DatabaseQueue(path: out + "/lesiontrack.sqlite").read {
            try String.fetchAll($0, sql: "SELECT status FROM runs ORDER BY id")
        }
        #expect(statuses == [String](repeating: "interrupted", count: interrupted) + ["completed"])
        #expect(!(FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.contains { $0.hasSuffix(".partial") }))
    }

    @Test("a label map with extreme but finite spacing (1e-6 x 1e13 mm): the report is still written")
    func extremeSpacingReport() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let out = folder + "/out"
        #expect(try BatchSupport.run(study, out, ["--participant-label", "05", "--no-report"]).status == 0)
        let map = out + "/sub-05/ses-01/anat/sub-05_ses-01_desc-T2lesions_dseg.nii.gz"
        let nii = folder + "/map.nii"
        func shell(_ script: String, _ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script] + arguments
            try process.run()
            process.waitUntilExit()
        }
        try shell("gzip -dc \"$0\" > \"$1\"", [map, nii])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: nii)))
        #expect(bytes[0] == 92 && bytes[1] == 1, "a little-endian NIfTI-1 file")
        func put(_ value: Float, at offset: Int) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
        }
        for (n, value) in [Float(1e-6), 1e13, 1].enumerated() { put(value, at: 80 + 4 * n) }
        let rows: [[Float]] = [[1e-6, 0, 0, 0], [0, 1e13, 0, 0], [0, 0, 1, 0]]
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() { put(value, at: 280 + 16 * r + 4 * c) }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: nii))
        try shell("gzip -c \"$0\" > \"$1\"", [nii, map])
        #expect(try NIfTIReader().read(map).header.pixdimMM.1 == Double(Float(1e13)))

        let report = try CommandRunner.run(["report", out])
        #expect(report.status == 0, "\(report.stderr)")
        let image = out + "/report/sub-05/ses-01_mosaic.png"
        #expect(FileManager.default.fileExists(atPath: image))
        #expect(FileManager.default.fileExists(atPath: out + "/report/sub-05.html"))
    }
}
