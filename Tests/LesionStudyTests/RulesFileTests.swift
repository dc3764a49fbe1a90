import Foundation
import LesionIO
import LesionReview
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

/// The smallest valid rules file: one rule.
private let minimalRules = """
    rules:
      - id: quiet
        description: nothing new
        when: new_or_enlarging_t2 == 0
        weights: {no_new_activity: 2}
        source: "test"
    """

@Suite("Rules files: the default, edits without rebuilding, and refusals with the line")
struct RulesFileTests {
    static let defaultFile = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"

    func load(_ yaml: String) throws -> RulesFile {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rules.yaml"
        try writeText(yaml, to: path)
        return try RulesFile.load(path)
    }

    /// The error of loading `yaml`, with the temporary path replaced by `FILE`.
    func refusal(_ yaml: String) -> String? {
        do {
            _ = try load(yaml)
            return nil
        } catch let error as ScanError {
            return "FILE: " + error.problem
        } catch {
            return "\(error)"
        }
    }

    @Test("Pipelines/rules.yaml: the built-in parameters and safety gate, 31 rules with kebab-case IDs, each with a source")
    func defaultFile() throws {
        let file = try RulesFile.load(Self.defaultFile)
        #expect(file.ruleSet.features == .standard && file.ruleSet.decision == .standard && file.ruleSet.safety == .standard)
        #expect(file.greyMatter == RulesFile.standardAnatomy.greyMatter && file.ventricles == RulesFile.standardAnatomy.ventricles)
        #expect(file.cortex == RulesFile.standardAnatomy.cortex)
        #expect(file.ruleSet.name == "default" && file.ruleSet.rules.count == 31)
        // No source points to notes a user does not have.
        for file in ["/Pipelines/rules.yaml", "/Pipelines/default.yaml"] + CommandRunner.documentationPages {
            let text = try String(contentsOfFile: CommandRunner.repositoryRoot + file, encoding: .utf8)
            #expect(!text.contains("domain notes"), "\(file)")
        }
        #expect(file.sha256 == SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: Self.defaultFile)))))
        #expect(file.ruleSet.rules.allSatisfy { !$0.source.isEmpty && !$0.description.isEmpty })
        #expect(file.ruleSet.rules.filter(\.urgentReview).map(\.id.text) == ["pml-imaging-pattern", "csf-jcv-positive"])
        // Every hypothesis can be scored, and every feature a rule reads is one the review computes.
        for hypothesis in ReviewClass.hypotheses {
            #expect(file.ruleSet.rules.contains { ($0.weights[hypothesis] ?? 0) > 0 }, "\(hypothesis)")
        }
        let window = try #require(file.ruleSet.rules.first { $0.id.text == "rebound-typical-window" })
        #expect(
            window.condition.description
                == "withdrawn_therapy == natalizumab and on_natalizumab == false and weeks_since_withdrawal >= 12 and weeks_since_withdrawal <= 30 and new_activity == true"
        )
        #expect(window.weights == [.rebound: 1])
    }

    @Test("docs/review.md names every feature and every rule of Pipelines/rules.yaml")
    func documented() throws {
        let readme = try String(contentsOfFile: CommandRunner.repositoryRoot + "/docs/review.md", encoding: .utf8)
        let features = try #require(readme.components(separatedBy: "\n## Features\n").last?.components(separatedBy: "\n## ").first)
        for feature in Feature.allCases { #expect(features.contains("`\(feature.rawValue)`"), "\(feature.rawValue)") }
        let ruleSet = try #require(readme.components(separatedBy: "\n## The rule set\n").last?.components(separatedBy: "\n## ").first)
        for rule in try RulesFile.load(Self.defaultFile).ruleSet.rules {
            #expect(ruleSet.contains("| `\(rule.id.text)` |"), "\(rule.id.text)")
        }
    }

    @Test("sections left out keep the defaults; the rules are read as written")
    func minimal() throws {
        let file = try load(minimalRules)
        #expect(file.ruleSet.features == .standard && file.ruleSet.decision == .standard && file.ruleSet.name == "default")
        #expect(file.ruleSet.rules.map(\.id.text) == ["quiet"])
        let edited = try load(
            """
            name: strict
            features:
              satellites: {max_distance_mm: 8}
              zero_counts: {min_coverage: 1, max_voxel_mm: 1.5}
              grey_matter:
                - kind: mask
                  pattern: "*_dseg-GM"
            decision: {min_margin: 3}
            classes:
              rebound: {requires: [weeks_since_last_infusion]}
            """ + "\n" + minimalRules)
        #expect(edited.ruleSet.name == "strict" && edited.ruleSet.features.satelliteMaximumDistanceMM == 8)
        #expect(edited.ruleSet.features.zeroCountMinimumCoverage == 1 && edited.ruleSet.features.zeroCountMaximumVoxelMM == 1.5)
        #expect(edited.greyMatter.map(\.pattern.text) == ["*_dseg-GM"] && edited.ventricles == RulesFile.standardAnatomy.ventricles)
        #expect(edited.ruleSet.decision.minimumMargin == 3 && edited.ruleSet.decision.required[.rebound] == [.weeksSinceLastInfusion])
        #expect(edited.ruleSet.decision.required[.reactivation] == DecisionPolicy.standard.required[.reactivation])
    }

    @Test(
        "a malformed rules file is refused with one line naming the line",
        arguments: [
            ("rules_format: 2\n" + minimalRules, "FILE: line 1: rules_format 2 is not supported (this version reads 1)"),
            (
                "threshold: 3\n" + minimalRules,
                "FILE: line 1: unknown key \"threshold\" in the file (expected one of: rules_format, name, features, decision, classes, safety, rules)"
            ),
            ("name: x\n", "FILE: no rules: the file needs a `rules:` list (see `lesiontrack pipeline show rules`)"),
            ("rules: []\n", "FILE: line 1: rules must be a list of rules (`- id: …`), not empty"),
            (
                minimalRules.replacingOccurrences(of: "id: quiet", with: "id: Quiet"),
                "FILE: line 2: rules[1].id \"Quiet\" is not kebab-case (lowercase letters and digits joined by single hyphens)"
            ),
            (
                minimalRules + "\n" + minimalRules.replacingOccurrences(of: "rules:\n", with: ""),
                "FILE: line 7: rule id quiet is given twice (first on line 2): ids must be unique"
            ),
            (
                minimalRules.replacingOccurrences(of: "new_or_enlarging_t2 == 0", with: "new_or_enlarging == 0"),
                "FILE: line 4: rule quiet.when: unknown feature \"new_or_enlarging\" in \"new_or_enlarging == 0\" (the features are listed in docs/review.md, section Features)"
            ),
            (
                minimalRules.replacingOccurrences(
                    of: "when: new_or_enlarging_t2 == 0",
                    with: "when:\n      all:\n        - gd_lesions >= 1\n        - any:\n            - jcv_index >> 1.5"),
                "FILE: line 8: rule quiet.when.all.any: unknown operator \">>\" in \"jcv_index >> 1.5\" (expected one of <=, >=, ==, !=, <, >)"
            ),
            (
                minimalRules.replacingOccurrences(
                    of: "when: new_or_enlarging_t2 == 0", with: "when:\n      every:\n        - gd_lesions >= 1"),
                "FILE: line 5: rule quiet.when must be a comparison (`feature op value`) or a mapping with one key, all or any"
            ),
            (
                minimalRules.replacingOccurrences(of: "when: new_or_enlarging_t2 == 0", with: "when: csf_jcv_pcr == postive"),
                "FILE: line 4: rule quiet.when: csf_jcv_pcr is one of positive, negative, not_done, not \"postive\""
            ),
            (
                minimalRules.replacingOccurrences(of: "no_new_activity: 2", with: "no_activity: 2"),
                "FILE: line 5: unknown key \"no_activity\" in rule quiet.weights (expected one of: no_new_activity, reactivation, rebound, suspected_pml_iris)"
            ),
            (
                minimalRules.replacingOccurrences(of: "no_new_activity: 2", with: "no_new_activity: lots"),
                "FILE: line 5: rule quiet.weights.no_new_activity must be a finite number, not \"lots\""
            ),
            (
                minimalRules.replacingOccurrences(of: "    weights: {no_new_activity: 2}\n", with: ""),
                "FILE: line 2: rule quiet has no effect: give weights (a hypothesis and a number) or flag: urgent_review"
            ),
            (
                minimalRules.replacingOccurrences(of: "weights: {no_new_activity: 2}", with: "flag: urgent"),
                "FILE: line 5: rule quiet.flag must be urgent_review, not \"urgent\""
            ),
            (
                minimalRules.replacingOccurrences(of: "\n    source: \"test\"", with: ""),
                "FILE: line 2: rule quiet needs a source: the publication behind its thresholds (authors, journal, year)"
            ),
            ("features:\n  rim_thickness_mm: 0\n" + minimalRules, "FILE: line 2: features.rim_thickness_mm must be above 0"),
            (
                "features:\n  zero_counts: {min_coverage: 99}\n" + minimalRules,
                "FILE: line 2: features.zero_counts.min_coverage is a fraction from 0 to 1, not 99"
            ),
            (
                "features:\n  zero_counts: {max_slice_mm: 3}\n" + minimalRules,
                "FILE: line 2: unknown key \"max_slice_mm\" in features.zero_counts (expected one of: min_coverage, max_voxel_mm)"
            ),
            (
                "features:\n  satellites: {host_min_extent_mm: 4}\n" + minimalRules,
                "FILE: line 2: features.satellites.max_extent_mm must be below host_min_extent_mm, so no lesion is both a host and a satellite"
            ),
            (
                "features:\n  ventricles:\n    - kind: image\n      pattern: \"*_T1w\"\n" + minimalRules,
                "FILE: line 3: features.ventricles: kind must be mask or probseg (an anatomical map), not image"
            ),
            (
                "decision:\n  high_completeness: 0.5\n" + minimalRules,
                "FILE: line 2: decision.moderate_completeness (0.6) must not exceed high_completeness (0.5)"
            ),
            (
                "classes:\n  rebound:\n    requires: [pre_ntz_gd]\n" + minimalRules,
                "FILE: line 3: classes.rebound.requires: unknown feature \"pre_ntz_gd\" (the features are listed in docs/review.md, section Features)"
            ),
            (
                "classes:\n  indeterminate: {requires: []}\n" + minimalRules,
                "FILE: line 2: unknown key \"indeterminate\" in classes (expected one of: no_new_activity, reactivation, rebound, suspected_pml_iris)"
            ),
            ("rules:\n  - id: a\n   description: b\n", "FILE: line 3, column 4: not valid YAML: did not find expected '-' indicator"),
        ])
    func refusals(yaml: String, message: String) {
        #expect(refusal(yaml) == message)
    }

    @Test("conditions nest at most 8 deep")
    func depth() {
        var when = "gd_lesions >= 1"
        for _ in 0..<8 { when = "{all: [\(when)]}" }
        let yaml = minimalRules.replacingOccurrences(of: "new_or_enlarging_t2 == 0", with: when)
        #expect(refusal(yaml) == "FILE: line 4: rule quiet.when.all.all.all.all.all.all.all.all nests all/any deeper than 8 levels")
    }

    @Test("the safety gate is data: narrowing its vigilance period to 90 days lets a burst 119 days after stopping be rebound")
    func editedGate() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ReviewCase.rebound.write(into: root)
        let text = try String(contentsOfFile: Self.defaultFile, encoding: .utf8)
        let line = "          - days_since_last_infusion <= 183\n"
        #expect(text.components(separatedBy: line).count == 2)
        let edited = root + "/narrow.yaml"
        try writeText(text.replacingOccurrences(of: line, with: "          - days_since_last_infusion <= 90\n"), to: edited)
        let pipeline = PipelineFile(path: "built-in", sha256: "", pipeline: .standard)
        let before = try PatientReview.patient(root, pipeline: pipeline, rules: RulesFile.load(Self.defaultFile), reader: NIfTIReader())
            .review.visits[1].decision
        let after = try PatientReview.patient(root, pipeline: pipeline, rules: RulesFile.load(edited), reader: NIfTIReader())
            .review.visits[1].decision
        #expect(before.reviewClass == .indeterminate && before.urgentReview && before.gate.isOpen)
        #expect(after.reviewClass == .rebound && !after.urgentReview && !after.gate.pmlPossible)
        #expect(after.score(.rebound) == before.score(.rebound))
    }

    @Test("a partial safety section is refused: the gate is given whole")
    func partialGate() {
        let yaml = "safety:\n  pml_possible: new_activity == true\n" + minimalRules
        #expect(
            refusal(yaml)
                == "FILE: line 2: safety needs pml_addressed: the gate is given whole or left out (see `lesiontrack pipeline show rules`)")
    }
}
