import Foundation
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("The review through the command line: patient, --summary, the review table, explain, edited and malformed rules")
struct ReviewCommandTests {
    static let defaultRules = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"
    static let statement = "Decision support for review by a neurologist or neuroradiologist, not a diagnosis."

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    func withCase(_ patient: ReviewCase, _ body: (String) throws -> Void) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try patient.write(into: root)
        try body(root)
    }

    static let expected: [(String, [String], [Double], String)] = [
        // participant, class of each reviewed visit, scores of the deciding visit, a rule that fired there
        ("sub-rebound", ["no_new_activity", "rebound"], [-2, 3, 10, 0], "many-gd-lesions"),
        ("sub-pml", ["suspected_pml_iris"], [1, 0, 0, 11], "pml-imaging-pattern"),
        ("sub-reactivation", ["reactivation"], [-2, 7, 4, 1], "long-washout"),
        ("sub-stable", ["no_new_activity"], [3, 0, 0, 0], "no-new-t2-activity"),
        ("sub-conflicting", ["indeterminate"], [-2, 0, 6, 5], "iris-window-after-stopping"),
    ]

    @Test("patient: each published case gets its class, scores and reasons in the JSON", arguments: 0..<5)
    func classes(index: Int) throws {
        let (patient, patientClass) = ReviewCase.all[index]
        let (participant, visitClasses, scores, rule) = Self.expected[index]
        #expect(patient.participant == participant)
        try withCase(patient) { root in
            let result = try CommandRunner.run(["patient", root])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            let doc = try json(result.stdout)
            let sha = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: Self.defaultRules))))
            #expect((doc["rules"] as? [String: Any])?["sha256"] as? String == sha)
            #expect(doc["decision_support"] as? String == Self.statement)
            let review = try #require(doc["review"] as? [String: Any])
            #expect(review["statement"] as? String == Self.statement)
            let rules = try #require(review["rules"] as? [String: Any])
            #expect(rules["file"] as? String == Self.defaultRules && rules["sha256"] as? String == sha)
            #expect((review["patient"] as? [String: Any])?["class"] as? String == patientClass)
            let visits = try #require(review["visits"] as? [[String: Any]])
            #expect(visits.map { $0["class"] as? String } == visitClasses)
            let deciding = visits.last!
            let got = ["no_new_activity", "reactivation", "rebound", "suspected_pml_iris"].map {
                (deciding["scores"] as? [String: Any])?[$0] as? Double
            }
            #expect(got == scores)
            let fired = try #require(deciding["fired"] as? [[String: Any]])
            let firing = try #require(fired.first { $0["id"] as? String == rule })
            #expect((firing["source"] as? String)?.isEmpty == false)
            #expect((firing["tests"] as? [[String: Any]])?.isEmpty == false)
            #expect(firing["inputs"] is [String: Any])
        }
    }

    @Test("patient --summary: a short summary on standard error, the JSON untouched on standard output")
    func summary() throws {
        try withCase(.rebound) { root in
            let result = try CommandRunner.run(["patient", root, "--summary"])
            #expect(result.status == 0)
            #expect(try json(result.stdout)["review"] != nil)
            let sha = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: Self.defaultRules))))
            #expect(
                result.stderr == """
                    sub-rebound: rebound (visit 3 ses-03 2020-08-03) — \(Self.statement)
                      visit 2 ses-02 2020-03-02: no_new_activity; confidence high; fired no-new-t2-activity, no-gd-lesions
                      visit 3 ses-03 2020-08-03: rebound; confidence high; fired new-t2-activity, gd-lesions-present, gd-above-pre-ntz-level, new-t2-above-pre-ntz-level, many-gd-lesions, ms-return-window, rebound-typical-window, periventricular-new-lesions, many-infusions
                      rules \(Self.defaultRules) sha256 \(sha); the reasons: lesiontrack explain

                    """)
        }
    }

    @Test("patient --format tsv --table review: provenance, the statement, one row per reviewed visit")
    func reviewTable() throws {
        try withCase(.pml) { root in
            let result = try CommandRunner.run(["patient", root, "--format", "tsv", "--table", "review", "--rules", Self.defaultRules])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines[3].hasPrefix("# rules \(Self.defaultRules) sha256 "))
            #expect(lines[4] == "# " + Self.statement)
            #expect(
                lines[5]
                    == "visit\tsession_id\tacq_time\tclass\treason\turgent_review\tconfidence\tevaluated_rules\ttotal_rules\tscore_no_new_activity\tscore_reactivation\tscore_rebound\tscore_suspected_pml_iris\tfired_rules\tmissing_features"
            )
            #expect(lines.count == 7)
            #expect(lines[6].hasPrefix("2\tses-02\t2021-04-12\tsuspected_pml_iris\turgent review: pml-imaging-pattern fired\ttrue\t"))
            #expect(lines[6].contains("\t1\t0\t0\t11\tno-gd-lesions,new-t2-activity,"))
        }
    }

    @Test("explain: the full reasoning, each fired rule with its values and source")
    func explain() throws {
        try withCase(.conflicting) { root in
            let result = try CommandRunner.run(["explain", root + "/sub-conflicting", "--rules", Self.defaultRules])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == "lesiontrack 0.1.0 explain \(root)/sub-conflicting")
            #expect(lines[1] == Self.statement)
            #expect(lines[2].hasPrefix("rules \(Self.defaultRules) sha256 ") && lines[2].hasSuffix(" (default, 27 rules)"))
            for expected in [
                "visit 2 ses-02 2022-04-04: indeterminate",
                "  decision: conflicting evidence: rebound 6 and suspected_pml_iris 5 differ by less than min_margin 2",
                "  scores: no_new_activity -2, reactivation 0, rebound 6, suspected_pml_iris 5",
                "  confidence: high (26 of 27 rules evaluated)",
                "    iris-window-after-stopping: activity 26 to 89 days after the last infusion, the window of PML-IRIS → suspected_pml_iris +1",
                "      days_since_last_infusion >= 26 (days_since_last_infusion = 45: true)",
                "      days_since_last_infusion <= 89 (days_since_last_infusion = 45: true)",
                "      new_or_enlarging_t2 >= 1 (new_or_enlarging_t2 = 12: true)",
                "      gd_lesions >= 1 (gd_lesions = 12: true)",
                "      source: Tan et al., Neurology 2011; Wattjes et al., JNNP 2016; new Gd+ lesions after stopping can be PML-IRIS (Gheuens et al. 2012)",
                "    new-t2-activity: new or enlarging T2 lesions since the previous scan → reactivation +1, rebound +1",
                "      source: MAGNIMS-CMSC-NAIMS, Wattjes et al., Lancet Neurol 2021",
                "  not evaluated (missing data):",
                "    periventricular-new-lesions: needs new_lesions_periventricular_share",
                "    gd-above-pre-ntz-level: more Gd+ lesions than before natalizumab → reactivation -1, rebound +2",
                "    gd_lesions_above_pre_ntz = 11 (gd_lesions − pre_ntz_gd_count)",
                "visit 1 ses-01 2022-01-05: not reviewed, baseline: no earlier visit to compare with",
            ] {
                #expect(lines.contains(expected), "\(expected)")
            }
        }
    }

    @Test("an edited threshold in a copy of the rules file changes the class, without rebuilding")
    func editedRules() throws {
        try withCase(.conflicting) { root in
            let text = try String(contentsOfFile: Self.defaultRules, encoding: .utf8)
            let edited = root + "/narrow-window.yaml"
            try writeText(
                text.replacingOccurrences(
                    of: "        - days_since_last_infusion <= 89\n",
                    with: "        - days_since_last_infusion <= 40\n"), to: edited)
            let before = try json(try CommandRunner.run(["patient", root]).stdout)
            let result = try CommandRunner.run(["patient", root, "--rules", edited])
            #expect(result.status == 0, "\(result.stderr)")
            let after = try json(result.stdout)
            func patientClass(_ doc: [String: Any]) -> String? {
                ((doc["review"] as? [String: Any])?["patient"] as? [String: Any])?["class"] as? String
            }
            #expect(patientClass(before) == "indeterminate" && patientClass(after) == "rebound")
            let rules = (after["review"] as? [String: Any])?["rules"] as? [String: Any]
            #expect(rules?["file"] as? String == edited)
            #expect(rules?["sha256"] as? String == SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: edited)))))
        }
    }

    @Test("refusals: a malformed rules file or sessions table is one line naming the file, status 65; --table review needs patient")
    func refusals() throws {
        try withCase(.stable) { root in
            let bad = root + "/bad.yaml"
            try writeText(
                "rules:\n  - id: quiet\n    description: x\n    when: gd_lesions >= many\n    weights: {rebound: 1}\n    source: x\n",
                to: bad)
            let result = try CommandRunner.run(["patient", root, "--rules", bad])
            #expect(result.status == 65 && result.stdout.isEmpty)
            #expect(
                result.stderr
                    == "lesiontrack: \(bad): line 4: rule quiet.when: gd_lesions is a number, so \"many\" in \"gd_lesions >= many\" must be a number\n"
            )
            let explain = try CommandRunner.run(["explain", root, "--rules", bad])
            #expect(explain.status == 65 && explain.stderr == result.stderr)

            let table = root + "/sub-stable/sub-stable_sessions.tsv"
            let text = try String(contentsOfFile: table, encoding: .utf8)
            try writeText(text.replacingOccurrences(of: "\t52\t", with: "\tfifty\t"), to: table)
            let broken = try CommandRunner.run(["patient", root])
            #expect(broken.status == 65 && broken.stdout.isEmpty)
            #expect(
                broken.stderr
                    == "lesiontrack: \(table): ntz_infusion_count \"fifty\" of ses-02 is not a whole number of infusions (0 or more)\n")
        }
        let compare = try CommandRunner.run(["compare", "a.nii", "b.nii", "--table", "review"])
        #expect(compare.status == 64 && compare.stderr.contains("--table review needs a review"))
    }
}
