import Foundation
import TestSupport
import Testing

/// Every output of a run of the example study against a manifest recorded in the repository: a
/// change meant to change no behaviour (a refactor) must leave each byte as it was.
///
/// The manifest (`Tests/Golden/manifest.py`, Python's standard library only) lists each table of
/// the results database without the columns that differ between runs, each export in every
/// format, and each file the run wrote (label maps, tables, review files, the report), with the
/// SHA-256 of its content. The run reads its pipeline and rules files by relative paths from a
/// copy, so the manifest depends on no folder of the machine. `LESIONTRACK_RECORD=1` rewrites it
/// after a deliberate change of outputs; review its diff.
@Suite("Golden outputs of the example study", .tags(.slow), .fullTierOnly)
struct GoldenOutputTests {
    static let manifestPath = CommandRunner.repositoryRoot + "/Fixtures/expected/example-study-outputs.txt"

    @Test("database, exports, label maps and report equal the recorded manifest")
    func manifest() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manager = FileManager.default
        try manager.copyItem(atPath: Fixtures.path("study"), toPath: folder + "/study")
        try manager.createDirectory(atPath: folder + "/pipelines", withIntermediateDirectories: true)
        for name in ["default.yaml", "rules.yaml"] {
            try manager.copyItem(atPath: CommandRunner.repositoryRoot + "/Pipelines/" + name, toPath: folder + "/pipelines/" + name)
        }
        let run = try CommandRunner.run(
            [
                "run", "study", "out", "participant", "--pipeline", "pipelines/default.yaml", "--rules", "pipelines/rules.yaml",
                "--jobs", "2", "--quiet",
            ], in: folder)
        #expect(run.status == 1, "the example study has one broken scan: \(run.stderr)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CommandRunner.repositoryRoot + "/Tests/Golden/manifest.py", "out", CommandRunner.binary]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        if ProcessInfo.processInfo.environment["LESIONTRACK_RECORD"] == "1" {
            try text.write(toFile: Self.manifestPath, atomically: true, encoding: .utf8)
        }
        let actual = text.split(separator: "\n").map(String.init)
        let expected = try String(contentsOfFile: Self.manifestPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(actual.count > 100)
        #expect(Set(actual).subtracting(expected).sorted() == [], "outputs that differ from the manifest")
        #expect(Set(expected).subtracting(actual).sorted() == [], "manifest entries not produced")
    }
}
