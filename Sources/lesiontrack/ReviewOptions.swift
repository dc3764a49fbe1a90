import ArgumentParser
import LesionIO
import LesionStudy

/// The rules-file flag shared by `patient` and `explain`.
struct ReviewOptions: ParsableArguments {
    @Option(help: "The review rules file (YAML). Default: Pipelines/rules.yaml of this installation.")
    var rules: String?

    func loadRules() throws(ScanError) -> RulesFile {
        if let rules { return try RulesFile.load(rules) }
        return try RulesFile.load(try RulesFile.locateDefault())
    }
}
