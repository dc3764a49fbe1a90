import Foundation
import GRDB
import Testing
import TestSupport

/// Helpers of the batch tests: a copy of the example study, runs of the built binary, and the
/// database in a canonical form.
enum BatchSupport {
    /// A fresh copy of `Fixtures/study` in a new temporary folder; returns (folder, study).
    static func studyCopy() throws -> (folder: String, study: String) {
        let folder = try Fixtures.temporaryDirectory()
        let study = folder + "/study"
        try FileManager.default.copyItem(atPath: Fixtures.path("study"), toPath: study)
        return (folder, study)
    }

    static let pipeline = CommandRunner.repositoryRoot + "/Pipelines/default.yaml"

    /// `lesiontrack run STUDY OUT participant ARGS --pipeline default.yaml`.
    static func run(_ study: String, _ output: String, _ arguments: [String] = []) throws -> CommandRunner.Result {
        try CommandRunner.run(["run", study, output, "participant", "--pipeline", pipeline] + arguments)
    }

    /// Every table but `runs`, rows sorted, without the columns that differ between runs of the
    /// same results (run IDs, error row IDs, times).
    static func canonicalDump(_ output: String) throws -> [String: [String]] {
        let queue = try DatabaseQueue(path: output + "/lesiontrack.sqlite")
        let volatile: Set<String> = ["run_id", "id", "processed_at", "seconds"]
        return try queue.read { db in
            var dump: [String: [String]] = [:]
            for table in [
                "patients", "scans", "visits", "lesions", "ledger", "gd_lesions", "classifications", "review_windows", "registrations",
                "errors", "outputs",
            ] {
                dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in
                    row.columnNames.filter { !volatile.contains($0) }.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " ")
                }.sorted()
            }
            return dump
        }
    }

    /// The export of an output folder in every format, file name → content.
    static func exports(_ output: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for format in ["csv", "tsv", "json"] {
            let folder = output + "/export-" + format
            let result = try CommandRunner.run(["export", output, "--format", format, "--to", folder])
            precondition(result.status == 0, result.stderr)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                files[format + "/" + name] = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            }
        }
        return files
    }

    /// Every file of an output folder's review report, by path below `report/`, with its bytes.
    static func reportFiles(_ output: String) throws -> [String: Data] {
        let root = output + "/report"
        var files: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: root)! {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
            }
        }
        return files
    }

    /// A value of a one-line JSON summary.
    static func summary(_ stdout: String) throws -> [String: Any] {
        let line = stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    /// The summary of a run with `--log-format json`; when its last line is not one, the run's
    /// exit status and standard error are recorded with the failure, so a crash names its cause.
    static func summary(of result: CommandRunner.Result) throws -> [String: Any] {
        do {
            return try summary(result.stdout)
        } catch {
            Issue.record("no JSON summary on standard output (exit status \(result.status)); standard error:\n\(result.stderr)")
            throw error
        }
    }
}
