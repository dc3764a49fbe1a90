import LesionReview
import Testing

@Suite("Comparisons, conditions and three-valued logic")
struct RuleTests {
    func features(_ values: [Feature: FeatureValue], missing: [Feature] = []) -> VisitFeatures {
        var f = VisitFeatures()
        for (feature, value) in values { f.set(feature, value, missingBecause: "") }
        for feature in missing { f.set(feature, nil, missingBecause: "not given") }
        return f
    }

    @Test("comparisons read `feature op value` and check the value against the feature's kind")
    func parse() throws {
        #expect(
            try Comparison.parse("weeks_since_last_infusion >= 12")
                == Comparison(feature: .weeksSinceLastInfusion, op: .greaterOrEqual, value: .number(12)))
        #expect(try Comparison.parse("  jcv_index   >  1.5 ").value == .number(1.5))
        #expect(try Comparison.parse("ntz_restarted == true").value == .flag(true))
        #expect(try Comparison.parse("csf_jcv_pcr != not_done").value == .text("not_done"))
        #expect(try Comparison.parse("next_therapy == Fingolimod").description == "next_therapy == Fingolimod")
        let refusals: [(String, String)] = [
            ("gd_lesion >= 1", "unknown feature \"gd_lesion\""),
            ("gd_lesions => 1", "unknown operator \"=>\""),
            ("gd_lesions >=1", "is not a comparison"),
            ("gd_lesions >= many", "gd_lesions is a number, so \"many\""),
            ("gd_lesions >= inf", "gd_lesions is a number, so \"inf\""),
            ("prior_immunosuppressant == yes", "prior_immunosuppressant is true or false, not \"yes\""),
            ("prior_immunosuppressant < true", "compare it with == or !=, not <"),
            ("csf_jcv_pcr == postive", "csf_jcv_pcr is one of positive, negative, not_done, not \"postive\""),
            ("next_therapy > a", "next_therapy is text: compare it with == or !=, not >"),
        ]
        for (text, message) in refusals {
            #expect { try Comparison.parse(text) } throws: { error in
                (error as? RuleSyntaxError)?.message.contains(message) == true
            }
        }
    }

    @Test("a comparison is unknown when its feature is missing; `none` compares false, except !=")
    func evaluate() throws {
        let f = features(
            [.gdLesions: .number(3), .daysSincePlasmaExchange: .notApplicable, .nextTherapy: .text("Fingolimod")],
            missing: [.jcvIndex])
        #expect(try Comparison.parse("gd_lesions >= 3").evaluate(f) == .yes)
        #expect(try Comparison.parse("gd_lesions > 3").evaluate(f) == .no)
        #expect(try Comparison.parse("jcv_index > 1.5").evaluate(f) == .unknown)
        #expect(try Comparison.parse("days_since_plasma_exchange <= 89").evaluate(f) == .no)
        #expect(try Comparison.parse("days_since_plasma_exchange == 0").evaluate(f) == .no)
        #expect(try Comparison.parse("days_since_plasma_exchange != 0").evaluate(f) == .yes)
        #expect(try Comparison.parse("next_therapy == fingolimod").evaluate(f) == .yes)
    }

    /// Against the definition, by brute force: a comparison with a lower bound `a` is true when
    /// every value from `a` up makes it true, false when every one makes it false, else unknown.
    /// On a grid of halves, the values from `a` to two past the threshold decide every operator.
    @Test("a lower bound settles a comparison only when every value from it up agrees, an upper bound every value from it down")
    func lowerBounds() throws {
        let grid = stride(from: -3.0, through: 3.0, by: 0.5)
        for upper in [false, true] {
            var unknowns = 0
            for op in Comparison.Operator.allCases {
                for a in grid {
                    for b in grid {
                        var f = features([.gdLesionsAbovePreNTZ: .number(a)])
                        let comparison = Comparison(feature: .gdLesionsAbovePreNTZ, op: op, value: .number(b))
                        // The values the bound allows: from it up (lower) or down (upper), two past the threshold.
                        let allowed: [Double]
                        if upper {
                            f.markUpperBound(.gdLesionsAbovePreNTZ, because: "a test")
                            allowed = Array(stride(from: a, through: min(a, b) - 2, by: -0.5))
                        } else {
                            f.markLowerBound(.gdLesionsAbovePreNTZ, because: "a test")
                            allowed = Array(stride(from: a, through: max(a, b) + 2, by: 0.5))
                        }
                        let exact = allowed.map { x in comparison.evaluate(features([.gdLesionsAbovePreNTZ: .number(x)])) }
                        let expected: Truth =
                            exact.allSatisfy { $0 == .yes } ? .yes : exact.allSatisfy { $0 == .no } ? .no : .unknown
                        #expect(comparison.evaluate(f) == expected, "\(comparison) with an \(upper ? "upper" : "lower") bound of \(a)")
                        if expected == .unknown { unknowns += 1 }
                    }
                }
            }
            #expect(unknowns > 0)
        }
        // The bound is the feature's: a value set again is exact.
        var f = features([.gdLesions: .number(2)])
        f.markLowerBound(.gdLesions, because: "a test")
        #expect(try Comparison.parse("gd_lesions <= 5").evaluate(f) == .unknown)
        #expect(try Comparison.parse("gd_lesions >= 2").evaluate(f) == .yes)
        #expect(try Comparison.parse("gd_lesions < 2").evaluate(f) == .no)
        f.set(.gdLesions, number: 2, missingBecause: "")
        #expect(f.lowerBounds.isEmpty)
        #expect(try Comparison.parse("gd_lesions <= 5").evaluate(f) == .yes)
        // Nothing but a number is marked.
        f.set(.gdRatioToPreNTZ, .notApplicable, missingBecause: "")
        f.markLowerBound(.gdRatioToPreNTZ, because: "a test")
        #expect(f.lowerBounds[.gdRatioToPreNTZ] == nil)
    }

    @Test(
        "all and any follow Kleene's logic",
        arguments: [
            ([Truth.yes, .yes], Truth.yes, Truth.yes), ([.yes, .no], .no, .yes), ([.yes, .unknown], .unknown, .yes),
            ([.no, .unknown], .no, .unknown), ([.unknown, .unknown], .unknown, .unknown), ([.no, .no], .no, .no),
        ])
    func kleene(parts: [Truth], all: Truth, any: Truth) {
        #expect(Truth.all(parts) == all && Truth.any(parts) == any)
    }

    @Test("conditions nest, name their features once, and print as text")
    func conditions() throws {
        let condition = Condition.all([
            .comparison(try Comparison.parse("weeks_since_last_infusion >= 12")),
            .any([.comparison(try Comparison.parse("new_or_enlarging_t2 >= 1")), .comparison(try Comparison.parse("gd_lesions >= 1"))]),
            .comparison(try Comparison.parse("weeks_since_last_infusion <= 26")),
        ])
        #expect(
            condition.description
                == "weeks_since_last_infusion >= 12 and (new_or_enlarging_t2 >= 1 or gd_lesions >= 1) and weeks_since_last_infusion <= 26")
        #expect(condition.features == [.weeksSinceLastInfusion, .newOrEnlargingT2, .gdLesions])
        // Settled by what is known: no new T2 lesion and a missing Gd count leave `any` unknown...
        let noGd = features([.weeksSinceLastInfusion: .number(16), .newOrEnlargingT2: .number(0)], missing: [.gdLesions])
        #expect(condition.evaluate(noGd) == .unknown)
        // ... but too early settles `all` whatever is missing.
        let early = features([.weeksSinceLastInfusion: .number(4), .newOrEnlargingT2: .number(0)], missing: [.gdLesions])
        #expect(condition.evaluate(early) == .no)
    }

    @Test("rule IDs are kebab-case")
    func ruleIDs() {
        #expect(RuleID("gd-above-pre-ntz-level")?.text == "gd-above-pre-ntz-level")
        #expect(RuleID("rule2") != nil)
        for bad in ["", "Gd-above", "gd_above", "gd--above", "-gd", "gd-", "gd above"] { #expect(RuleID(bad) == nil, "\(bad)") }
    }

    @Test("ISO 8601 dates and date-times, checked against the calendar; differences in days")
    func dates() throws {
        #expect(ISODateTime("1970-01-01")?.secondsSinceEpoch == 0)
        #expect(ISODateTime("2000-01-01")?.secondsSinceEpoch == 10_957.0 * 86_400)
        #expect(ISODateTime("2024-02-29") != nil && ISODateTime("2023-02-29") == nil && ISODateTime("1900-02-29") == nil)
        #expect(ISODateTime("2000-02-29") != nil)
        for bad in [
            "2024-13-01", "2024-04-31", "2024-4-01", "24-04-01", "2024-04-01T25:00", "2024-04-01 10:00", "2024-04-01T10",
            "2024-04-01T10:00:00.", "2024-04-01T10:00:00.1234567", "n/a",
        ] {
            #expect(ISODateTime(bad) == nil, "\(bad)")
        }
        let scan = try #require(ISODateTime("2020-08-03T12:00:00Z"))
        #expect(scan.days(since: try #require(ISODateTime("2020-04-06"))) == 119.5)
        let morning = try #require(ISODateTime("2020-04-06T06:30:15.25")), midnight = try #require(ISODateTime("2020-04-06"))
        #expect(morning.secondsSinceEpoch == midnight.secondsSinceEpoch + 6 * 3600 + 30 * 60 + 15.25)
        #expect(ISODateTime("2020-04-06")! == ISODateTime("2020-04-06T00:00")!)
    }
}
