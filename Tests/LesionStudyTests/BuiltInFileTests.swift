import Foundation
import LesionIO
import LesionStudy
import Testing
import TestSupport

@Suite("Built-in files: Pipelines/ compiled into the program, byte for byte")
struct BuiltInFileTests {
    func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: CommandRunner.repositoryRoot + "/Pipelines/" + name)))
    }

    @Test("the built-in bytes are those of Pipelines/default.yaml and Pipelines/rules.yaml")
    func sameBytes() throws {
        #expect(BuiltInFile.all.map(\.name) == ["default.yaml", "rules.yaml"])
        for file in BuiltInFile.all {
            let expected = try bytes(file.name)
            #expect(file.bytes == expected, "\(file.name)")
        }
    }

    @Test("the built-in pipeline and rules load as the files do, recorded as built-in:NAME with the file's SHA-256")
    func loaded() throws {
        let pipeline = try PipelineFile.load(nil as String?)
        #expect(pipeline.path == "built-in:default.yaml")
        let pipelineBytes = try bytes("default.yaml"), rulesBytes = try bytes("rules.yaml")
        #expect(pipeline.sha256 == SHA256.hex(pipelineBytes))
        #expect(pipeline.pipeline == Pipeline.standard)
        let rules = try RulesFile.load(nil as String?)
        let file = try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml")
        #expect(rules.path == "built-in:rules.yaml")
        #expect(rules.sha256 == file.sha256 && rules.sha256 == SHA256.hex(rulesBytes))
        #expect(rules.ruleSet == file.ruleSet)
    }
}
