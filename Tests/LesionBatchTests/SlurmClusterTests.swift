import Foundation
import GRDB
import LesionBatch
import LesionEngines
import Testing
import TestSupport

/// Runs only where a Slurm cluster answers: CI's "Slurm" step starts one (.ci/slurm-start) and
/// sets LESIONTRACK_SLURM=1 and SLURM_CONF.
@Suite(
    "lesiontrack slurm on a real cluster: the example study as a job array, merged",
    .serialized, .enabled(if: ProcessInfo.processInfo.environment["LESIONTRACK_SLURM"] == "1"))
struct SlurmClusterTests {
    /// The longest wait for one submission's jobs.
    static let timeout: Duration = .seconds(600)

    @Test("four array tasks and the merge job: the database, exports and report of one local run")
    func arrayEqualsLocalRun() throws {
        let (root, folder, study) = try Self.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try BatchSupport.run(study, folder + "/local").status == 1)
        let out = folder + "/cluster out"
        let submitted = try Self.submit(study, out, shards: 4)
        let array = try #require(submitted.array), merge = submitted.merge
        let tasks = try Self.wait(for: array)
        #expect(tasks.compactMap(\.arrayTasks).sorted() == ["0", "1", "2", "3"])
        // The task holding sub-03's broken scan exits 1, as its run does: FAILED, yet done.
        #expect(tasks.filter { $0.state == "COMPLETED" }.count == 3 && tasks.filter { $0.state == "FAILED" }.count == 1)
        #expect(try Self.wait(for: merge).map(\.state) == ["COMPLETED"])
        try Self.expectEqualResults(out, folder + "/local")
        #expect(FileManager.default.fileExists(atPath: out + "/slurm/logs/shard_\(array)_3.log"))
        #expect(FileManager.default.fileExists(atPath: out + "/slurm/logs/merge_\(merge).log"))
        let status = try CommandRunner.run(["status", out, "--require-done"])
        #expect(status.status == 0)
        let rows = status.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            rows.prefix(5).map { $0.split(separator: "\t").prefix(2).joined(separator: " ") } == [
                "shard state", "1/4 done", "2/4 done", "3/4 done", "4/4 done",
            ])
        let errorRow =
            "\(Shard.shardIndex(of: "sub-03", count: 4))/4\tsub-03\tses-02\theader\tderivatives/segmenter/sub-03/ses-02/anat/sub-03_ses-02_label-T2lesion_mask.nii.gz\t"
        #expect(rows.filter { $0.hasPrefix(errorRow) }.count == 1, "\(status.stdout)")
    }

    @Test("a task killed while it runs: the merge job names its shard and fails; a resubmission runs that shard alone")
    func killedTaskResubmitted() throws {
        let (root, folder, study) = try Self.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try BatchSupport.run(study, folder + "/local").status == 1)
        let out = folder + "/cluster out"
        // Held, so shard 2's database can be locked before its task starts.
        let first = try Self.submit(study, out, shards: 3, extra: ["--sbatch-arg=--hold"])
        let array = try #require(first.array)
        let blocker = try DatabaseQueue(path: out + "/slurm/shard-2-of-3/lesiontrack.sqlite", configuration: Self.unsafeTransactions)
        try blocker.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
        try Self.scontrol(["release", array])
        try Self.scontrol(["release", first.merge])
        // Task 1 (shard 2/3) now waits on the locked database: cancel it while it runs.
        let deadline = ContinuousClock.now + Self.timeout
        while try !Slurm.states(of: array).contains(where: { $0.arrayTasks == "1" && $0.state == "RUNNING" }) {
            #expect(ContinuousClock.now < deadline)
            if ContinuousClock.now >= deadline { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Thread.sleep(forTimeInterval: 1)
        try Slurm.cancel("\(array)_1")
        let tasks = try Self.wait(for: array)
        try blocker.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try blocker.close()
        #expect(tasks.first { $0.arrayTasks == "1" }?.state == "CANCELLED")
        #expect(try Self.wait(for: first.merge).map(\.state) == ["FAILED"])
        let mergeLog = try String(contentsOfFile: out + "/slurm/logs/merge_\(first.merge).log", encoding: .utf8)
        #expect(mergeLog.contains("shard 2/3 (failed) did not complete"), "\(mergeLog)")
        #expect(!FileManager.default.fileExists(atPath: out + "/lesiontrack.sqlite"))
        let status = try CommandRunner.run(["status", out])
        #expect(status.stdout.hasPrefix("shard\tstate\tparticipants\terrors\n1/3\tdone\t"))
        #expect(status.stdout.contains("\n2/3\tfailed\t0\t0\n"))
        let runsBefore = try [1, 3].map { try Self.runs(out, shard: $0) }

        let second = try Self.submit(study, out, shards: 3)
        #expect(second.printed.hasPrefix("array job \(second.array ?? "?") (--array=1)\n"))
        let rerun = try Self.wait(for: try #require(second.array))
        #expect(rerun.map(\.arrayTasks) == ["1"])
        #expect(try Self.wait(for: second.merge).map(\.state) == ["COMPLETED"])
        #expect(try [1, 3].map { try Self.runs(out, shard: $0) } == runsBefore)
        #expect(try Self.runs(out, shard: 2) == ["run participant completed 2/3"])
        try Self.expectEqualResults(out, folder + "/local")
    }

    // MARK: Helpers

    /// The example study in a folder whose path holds a space and a single quote, inside a new
    /// temporary folder `root` that the caller removes.
    static func studyCopy() throws -> (root: String, folder: String, study: String) {
        let root = try Fixtures.temporaryDirectory()
        let folder = root + "/it's a cluster run"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("study"), toPath: folder + "/study")
        return (root, folder, folder + "/study")
    }

    /// `lesiontrack slurm STUDY OUT participant --shards N --submit`; the job IDs it printed.
    static func submit(
        _ study: String, _ out: String, shards: Int, extra: [String] = []
    ) throws -> (
        array: String?, merge: String, printed: String
    ) {
        let result = try CommandRunner.run(
            ["slurm", study, out, "participant", "--shards", String(shards), "--pipeline", BatchSupport.pipeline, "--submit"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let words = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        func id(after name: String) -> String? {
            guard let at = words.indices.first(where: { words[$0] == name && $0 + 2 < words.count && words[$0 + 1] == "job" }) else {
                return nil
            }
            return words[at + 2]
        }
        return (id(after: "array"), try #require(id(after: "merge")), result.stdout)
    }

    /// Waits (at most `timeout`) until every record of job `id` has finished; returns them.
    static func wait(for id: String) throws -> [Slurm.JobState] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let states = try Slurm.states(of: id)
            if states.allSatisfy(\.isFinished) { return states.sorted { ($0.arrayTasks ?? "") < ($1.arrayTasks ?? "") } }
            guard ContinuousClock.now < deadline else {
                Issue.record("job \(id) still running after \(timeout): \(states)")
                return states
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
    }

    static func scontrol(_ arguments: [String]) throws {
        let outcome = try ChildProcess.run([try Slurm.locate(.scontrol)] + arguments, standardError: .capture)
        #expect(outcome.status == 0, "scontrol \(arguments): \(outcome.standardError)")
    }

    /// A shard's runs: command, status and shard.
    static func runs(_ out: String, shard: Int) throws -> [String] {
        let queue = try DatabaseQueue(path: out + "/slurm/shard-\(shard)-of-3/lesiontrack.sqlite")
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT command, status, shard FROM runs ORDER BY id").map { row in
                "\(row["command"] as String) \(row["status"] as String) \(row["shard"] as String? ?? "-")"
            }
        }
    }

    static var unsafeTransactions: Configuration {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        return configuration
    }

    /// The merged folder against one local run, as the shard merge test compares them.
    static func expectEqualResults(_ merged: String, _ local: String) throws {
        #expect(try BatchSupport.canonicalDump(merged) == BatchSupport.canonicalDump(local))
        #expect(try BatchSupport.exports(merged) == BatchSupport.exports(local))
        let report = try BatchSupport.reportFiles(local)
        #expect(report.count > 5)
        #expect(try BatchSupport.reportFiles(merged) == report)
    }
}
