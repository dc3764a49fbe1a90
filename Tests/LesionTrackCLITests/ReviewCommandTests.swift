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

    static let expected: [(String, [String], [Double], String, Bool)] = [
        // participant, class of each reviewed visit, scores of the deciding visit, a rule that fired there, urgent
        ("sub-rebound", ["no_new_activity", "indeterminate"], [-2, 3, 10, 1], "many-gd-lesions", true),
        ("sub-pml", ["suspected_pml_iris"], [-1, 0, -1, 9], "pml-imaging-pattern", true),
        ("sub-reactivation", ["indeterminate"], [-2, 8, 3, 2], "long-washout", true),
        ("sub-stable", ["no_new_activity"], [3, 0, 0, 0], "no-new-t2-activity", false),
        ("sub-conflicting", ["indeterminate"], [-2, 0, 5, 4], "activity-on-natalizumab", true),
    ]

    @Test("patient: each published case gets its class, scores and reasons in the JSON", arguments: 0..<5)
    func classes(index: Int) throws {
        let (patient, patientClass) = ReviewCase.all[index]
        let (participant, visitClasses, scores, rule, urgent) = Self.expected[index]
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
            #expect(rules["file"] as? String == "built-in:rules.yaml" && rules["sha256"] as? String == sha)
            #expect((review["patient"] as? [String: Any])?["class"] as? String == patientClass)
            #expect((review["patient"] as? [String: Any])?["urgent_review"] as? Bool == urgent)
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
                    sub-rebound: indeterminate (urgent review) (visit 3 ses-03 2020-08-03) — \(Self.statement)
                      visit 2 ses-02 2020-03-02: no_new_activity; data completeness high; fired no-new-t2-activity, no-gd-lesions
                      visit 3 ses-03 2020-08-03: indeterminate (urgent review); PML not excluded; leading alternative rebound; data completeness high; fired new-t2-activity, gd-lesions-present, gd-above-pre-ntz-level, new-t2-above-pre-ntz-level, many-gd-lesions, activity-after-withdrawal, rebound-typical-window, periventricular-new-lesions, iris-after-stopping, many-infusions
                      rules built-in:rules.yaml sha256 \(sha); the reasons: lesiontrack explain

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
                    == "visit\tsession_id\tacq_time\tclass\treason\turgent_review\tpml_possible\tpml_addressed\tleading_alternative\tdata_completeness\tevaluated_rules\ttotal_rules\tscore_no_new_activity\tscore_reactivation\tscore_rebound\tscore_suspected_pml_iris\tfired_rules\tmissing_features\tlower_bound_features\tupper_bound_features"
            )
            #expect(lines.count == 7)
            #expect(
                lines[6].hasPrefix(
                    "2\tses-02\t2021-04-12\tsuspected_pml_iris\turgent review: pml-imaging-pattern fired\ttrue\ttrue\tfalse\tn/a\t"))
            #expect(lines[6].contains("\t-1\t0\t-1\t9\tno-gd-lesions,new-t2-activity,"))
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
            #expect(lines[2].hasPrefix("rules \(Self.defaultRules) sha256 ") && lines[2].hasSuffix(" (default, 31 rules)"))
            for expected in [
                "visit 2 ses-02 2022-04-04: indeterminate (urgent review)",
                "  decision: conflicting evidence: rebound 5 and suspected_pml_iris 4 differ by less than min_margin 2",
                "  safety gate: open, urgent review",
                "    PML not excluded: would be excluded by an ultrasensitive CSF JC-virus PCR, a DWI read by a neuroradiologist, and a short-interval MRI to see whether the lesion grows",
                "  counts: new or enlarging T2 12 (grouped 12: 0 punctate foci counted with their lesion); Gd+ 12 (grouped 12)",
                "  scores: no_new_activity -2, reactivation 0, rebound 5, suspected_pml_iris 4",
                "  data completeness: moderate (27 of 31 rules evaluated; how much data there was, not certainty)",
                "    activity-on-natalizumab: activity while receiving natalizumab, where rebound cannot be named and PML arises → reactivation -1, rebound -2, suspected_pml_iris +1",
                "      on_natalizumab == true (on_natalizumab = true: true)",
                "      new_activity == true (new_activity = true: true)",
                "      source: rebound follows stopping (Prosperini et al., Ther Adv Neurol Disord 2019); PML arises on natalizumab (Bloomgren et al., NEJM 2012)",
                "    new-t2-activity: new or enlarging T2 lesions since the previous scan, punctate foci counted with their lesion → reactivation +1, rebound +1",
                "      source: MAGNIMS-CMSC-NAIMS, Wattjes et al., Lancet Neurol 2021",
                "  not evaluated (missing data):",
                "    periventricular-new-lesions: needs new_lesions_periventricular_share",
                "    gd-above-pre-ntz-level: more Gd+ lesions than before the withdrawn therapy → reactivation -1, rebound +2",
                "    gd_lesions_above_pre_ntz = 11 (gd_lesions_grouped − pre_ntz_gd_count)",
                "visit 1 ses-01 2022-01-05: not reviewed, first visit: no earlier scan to compare with, and no Gd+ lesion",
            ] {
                #expect(lines.contains(expected), "\(expected)")
            }
        }
    }

    @Test("an edited threshold in a copy of the rules file changes the class, without rebuilding")
    func editedRules() throws {
        try withCase(.rebound) { root in
            let text = try String(contentsOfFile: Self.defaultRules, encoding: .utf8)
            let edited = root + "/narrow-gate.yaml"
            try writeText(
                text.replacingOccurrences(
                    of: "          - days_since_last_infusion <= 183\n",
                    with: "          - days_since_last_infusion <= 90\n"), to: edited)
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
