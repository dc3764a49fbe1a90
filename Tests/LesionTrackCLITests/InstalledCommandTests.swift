import Foundation
import LesionIO
import LesionStudy
import Testing
import TestSupport

/// The program copied out of the build folder and run from elsewhere, as an installed command
/// is: the default pipeline and rules are built in, `pipeline show|export` writes them out.
@Suite("The lesiontrack command installed alone", .tags(.slow), .fullTierOnly)
struct InstalledCommandTests {
    static let root = CommandRunner.repositoryRoot

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A copy of the built binary alone in `FOLDER/bin`, and an empty working folder `FOLDER/work`.
    func installedCopy() throws -> (folder: String, program: String, work: String) {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/work", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandRunner.binary, toPath: folder + "/bin/lesiontrack")
        return (folder, folder + "/bin/lesiontrack", folder + "/work")
    }

    @Test("patient and explain run with no Pipelines/ folder near the program or the working folder")
    func builtInDefaults() throws {
        let (folder, program, work) = try installedCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let study = Self.root + "/Fixtures/longitudinal"
        let installed = try CommandRunner.run(["patient", study, "--format", "tsv"], in: work, program: program)
        #expect(installed.status == 0 && installed.stderr.isEmpty, "\(installed.stderr)")
        let pipelineSHA = SHA256.hex(Array(try bytes(Self.root + "/Pipelines/default.yaml")))
        let rulesSHA = SHA256.hex(Array(try bytes(Self.root + "/Pipelines/rules.yaml")))
        #expect(installed.stdout.contains("# pipeline built-in:default.yaml sha256 \(pipelineSHA)\n"))
        #expect(installed.stdout.contains("# rules built-in:rules.yaml sha256 \(rulesSHA)\n"))
        // The same counts and review as with the files named on the command line.
        let named = try CommandRunner.run([
            "patient", study, "--format", "tsv", "--pipeline", "Pipelines/default.yaml", "--rules", "Pipelines/rules.yaml",
        ])
        #expect(named.status == 0)
        #expect(
            named.stdout.replacingOccurrences(of: " Pipelines/", with: " built-in:") == installed.stdout)
        let explain = try CommandRunner.run(["explain", study], in: work, program: program)
        #expect(explain.status == 0 && explain.stdout.contains("rules built-in:rules.yaml sha256 \(rulesSHA)"), "\(explain.stderr)")
    }

    @Test("pipeline show prints the built-in files byte for byte; export writes them and will not overwrite without --force")
    func showAndExport() throws {
        let (folder, program, work) = try installedCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (arguments, file) in [([], "default.yaml"), (["default"], "default.yaml"), (["rules"], "rules.yaml")] {
            let shown = try CommandRunner.run(["pipeline", "show"] + arguments, in: work, program: program)
            let expected = try bytes(Self.root + "/Pipelines/" + file)
            #expect(shown.status == 0 && Data(shown.stdout.utf8) == expected, "\(file)")
        }
        let exported = try CommandRunner.run(["pipeline", "export", "edit"], in: work, program: program)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout == "edit/default.yaml\nedit/rules.yaml\n")
        for file in ["default.yaml", "rules.yaml"] {
            let written = try bytes(work + "/edit/" + file), expected = try bytes(Self.root + "/Pipelines/" + file)
            #expect(written == expected)
        }
        let again = try CommandRunner.run(["pipeline", "export", "edit"], in: work, program: program)
        #expect(again.status == 73 && again.stderr == "lesiontrack: edit/default.yaml: already exists: pass --force to replace it\n")
        #expect(try CommandRunner.run(["pipeline", "export", "edit", "--force"], in: work, program: program).status == 0)
        let unknown = try CommandRunner.run(["pipeline", "show", "maps-only"], in: work, program: program)
        #expect(unknown.status == 64)
    }
}
