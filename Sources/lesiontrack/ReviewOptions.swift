import ArgumentParser
import LesionIO
import LesionStudy

/// The rules-file flag shared by `patient` and `explain`.
struct ReviewOptions: ParsableArguments {
    @Option(help: "The review rules file (YAML). Default: the built-in rules (lesiontrack pipeline show rules).")
    var rules: String?

    func loadRules() throws(ScanError) -> RulesFile { try RulesFile.load(rules) }
}
