import Foundation
import LesionIO
import LesionReview
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

/// The review's time windows read from a rules file's conditions: closed ranges of the time since
/// the last infusion or a plasma exchange, per hypothesis the rule supports.
@Suite("Review time windows")
struct TimeWindowTests {
    func load(_ yaml: String) throws -> RulesFile {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeText(yaml, to: directory + "/rules.yaml")
        return try RulesFile.load(directory + "/rules.yaml")
    }

    @Test(
        "Pipelines/rules.yaml gives rebound 84-210 days after the last infusion and PML-IRIS 0-183 days after it and 0-183 after a plasma exchange; half-open ranges give none"
    )
    func defaultRules() throws {
        let rules = try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml")
        let windows = TimeWindow.windows(in: rules.ruleSet)
        let summary = windows.map { "\($0.rule) \($0.hypothesis.rawValue) \($0.event.rawValue) \($0.fromDays)...\($0.toDays)" }
        #expect(
            summary == [
                "rebound-typical-window rebound last_infusion 84.0...210.0",
                "iris-after-stopping suspected_pml_iris last_infusion 0.0...183.0",
                "iris-after-plasma-exchange suspected_pml_iris plasma_exchange 0.0...183.0",
            ])
        #expect(windows[0].features == [.weeksSinceWithdrawal])
    }

    @Test("bounds under any: do not count, bounds on one event intersect across days and weeks, an urgent rule is a PML-IRIS window")
    func shapes() throws {
        let rules = try load(
            """
            rules:
              - id: either-bound
                description: not a window
                when:
                  any:
                    - days_since_last_infusion >= 10
                    - days_since_last_infusion <= 20
                weights: {rebound: 1}
                source: "test"
              - id: mixed-units
                description: intersected
                when:
                  all:
                    - weeks_since_last_infusion > 2
                    - days_since_last_infusion >= 10
                    - all:
                        - days_since_last_infusion < 40
                        - weeks_since_last_infusion <= 6
                weights: {reactivation: 1, rebound: 2, no_new_activity: -1}
                source: "test"
              - id: urgent-window
                description: flagged
                when:
                  all:
                    - days_since_plasma_exchange >= 5
                    - days_since_plasma_exchange <= 9
                flag: urgent_review
                source: "test"
              - id: against-only
                description: negative weight only
                when:
                  all:
                    - days_since_last_infusion >= 1
                    - days_since_last_infusion <= 2
                weights: {rebound: -1}
                source: "test"
            """)
        let windows = TimeWindow.windows(in: rules.ruleSet)
        let summary = windows.map { "\($0.rule) \($0.hypothesis.rawValue) \($0.event.rawValue) \($0.fromDays)...\($0.toDays)" }
        #expect(
            summary == [
                "mixed-units reactivation last_infusion 14.0...40.0",
                "mixed-units rebound last_infusion 14.0...40.0",
                "urgent-window suspected_pml_iris plasma_exchange 5.0...9.0",
            ])
        #expect(windows[0].features == [.weeksSinceLastInfusion, .daysSinceLastInfusion])
    }

    @Test("dates add whole days across month ends, leap days and years")
    func dates() {
        let start = ISODateTime("2020-08-20")!
        #expect(start.date(addingDays: 0) == "2020-08-20")
        #expect(start.date(addingDays: 91) == "2020-11-19")
        #expect(start.date(addingDays: 182) == "2021-02-18")
        #expect(ISODateTime("2020-02-20T23:59")!.date(addingDays: 10) == "2020-03-01")
        #expect(ISODateTime("2021-02-20")!.date(addingDays: 9.9) == "2021-03-01")
        #expect(ISODateTime("1969-12-31")!.date(addingDays: 1) == "1970-01-01")
    }
}
