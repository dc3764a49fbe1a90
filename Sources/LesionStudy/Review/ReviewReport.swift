import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan
import LesionReview

/// The review's outputs: its JSON object (the `review` key of `patient`'s JSON), its table (one
/// row per reviewed visit), the full reasoning of `explain`, and the short summary of
/// `patient --summary`. Every one names the rules file with its SHA-256 and states that it is
/// decision support, not a diagnosis.
public struct ReviewReport {
    public let run: LongitudinalRun
    public let review: PatientReview

    public init(run: LongitudinalRun, review: PatientReview) {
        self.run = run
        self.review = review
    }

    private func session(_ n: Int) -> String? { run.visits[n].inputs.session }
    private func acquisitionTime(_ n: Int) -> String? { run.visits[n].inputs.acquisitionTime }

    // MARK: JSON

    /// `rules` and `decision_support`, the provenance keys every output of a reviewed run carries.
    public var provenanceFields: [(key: String, value: String)] {
        [
            (
                "rules",
                Self.object([
                    ("file", JSON.string(review.rules.path)), ("sha256", JSON.string(review.rules.sha256)),
                    ("name", JSON.string(review.rules.ruleSet.name)),
                ])
            ),
            ("decision_support", JSON.string(RulesFile.statement)),
        ]
    }

    /// The `review` object, its keys one per line, each reviewed visit on a line of its own.
    public func json(indent: String) -> String {
        let p = review.rules.ruleSet.features, d = review.rules.ruleSet.decision
        let matching = review.growth.rule
        let inner = indent + "  "
        var fields: [(String, String)] = [
            ("statement", JSON.string(RulesFile.statement)),
            (
                "rules",
                Self.object([
                    ("file", JSON.string(review.rules.path)), ("sha256", JSON.string(review.rules.sha256)),
                    ("name", JSON.string(review.rules.ruleSet.name)), ("rule_count", String(review.rules.ruleSet.rules.count)),
                ])
            ),
            (
                "feature_parameters",
                Self.object([
                    ("large_lesion_extent_mm", JSON.number(p.largeLesionExtentMM)),
                    ("contact_distance_mm", JSON.number(p.contactDistanceMM)),
                    ("rim_thickness_mm", JSON.number(p.rimThicknessMM)),
                    ("satellite_host_min_extent_mm", JSON.number(p.satelliteHostMinimumExtentMM)),
                    ("satellite_max_extent_mm", JSON.number(p.satelliteMaximumExtentMM)),
                    ("satellite_max_distance_mm", JSON.number(p.satelliteMaximumDistanceMM)),
                    ("on_natalizumab_weeks", JSON.number(p.onNatalizumabWeeks)),
                    ("zero_counts_min_coverage", JSON.number(p.zeroCountMinimumCoverage)),
                    ("zero_counts_max_voxel_mm", JSON.number(p.zeroCountMaximumVoxelMM)),
                    ("contiguous_growth_ratio", JSON.number(matching.enlargingRatio)),
                    ("contiguous_growth_volume_mm3", JSON.number(matching.enlargingVolumeMM3)),
                    ("contiguous_growth_min_volume_change_mm3", JSON.number(matching.minimumVolumeChangeMM3)),
                    ("cortex_patterns", Self.strings(review.rules.cortex.map(\.pattern.text))),
                    ("grey_matter_patterns", Self.strings(review.rules.greyMatter.map(\.pattern.text))),
                    ("ventricle_patterns", Self.strings(review.rules.ventricles.map(\.pattern.text))),
                ])
            ),
            (
                "decision_policy",
                Self.object([
                    ("min_score", JSON.number(d.minimumScore)), ("min_margin", JSON.number(d.minimumMargin)),
                    ("high_completeness", JSON.number(d.highCompleteness)),
                    ("moderate_completeness", JSON.number(d.moderateCompleteness)),
                    (
                        "requires",
                        Self.object(
                            ReviewClass.hypotheses.map { c in
                                (c.rawValue, Self.strings((d.required[c] ?? []).map(\.rawValue)))
                            })
                    ),
                ])
            ),
            (
                "safety",
                Self.object([
                    ("pml_possible", JSON.string(review.rules.ruleSet.safety.pmlPossible.description)),
                    ("pml_addressed", JSON.string(review.rules.ruleSet.safety.pmlAddressed.description)),
                    ("excluded_by", JSON.string(review.rules.ruleSet.safety.excludedBy)),
                    ("source", JSON.string(review.rules.ruleSet.safety.source)),
                ])
            ),
            (
                "clinical_context",
                Self.object([
                    ("sessions_table", review.clinical.sessionsTable.map(JSON.string) ?? "null"),
                    ("participants_table", review.clinical.participantsTable.map(JSON.string) ?? "null"),
                    ("missing_columns", Self.strings(review.clinical.missingColumns)),
                    ("treatment", JSON.string(review.treatment)),
                    (
                        "pre_ntz_gd_count",
                        Self.object([
                            ("value", review.preTreatment.gdCount.map(String.init) ?? "null"),
                            (review.preTreatment.gdCount == nil ? "missing" : "source", JSON.string(review.preTreatment.gdSource)),
                            ("lower_bound", review.preTreatment.gdBound.map(JSON.string) ?? "null"),
                        ])
                    ),
                    (
                        "pre_ntz_t2_new_count",
                        Self.object([
                            ("value", review.preTreatment.t2NewCount.map(String.init) ?? "null"),
                            (review.preTreatment.t2NewCount == nil ? "missing" : "source", JSON.string(review.preTreatment.t2NewSource)),
                            ("lower_bound", review.preTreatment.t2NewBound.map(JSON.string) ?? "null"),
                        ])
                    ),
                ])
            ),
            (
                "patient",
                Self.object([
                    ("class", JSON.string(review.patient.reviewClass.rawValue)),
                    ("visit", review.patient.visit.map { String($0 + 1) } ?? "null"),
                    ("session_id", review.patient.visit.flatMap(session).map(JSON.string) ?? "null"),
                    ("urgent_review", String(review.patient.urgentReview)),
                    ("reason", JSON.string(review.patient.reason)),
                ])
            ),
            (
                "not_reviewed",
                "["
                    + (review.notReviewed.map { skipped in
                        Self.object([
                            ("visit", String(skipped.visit + 1)), ("session_id", session(skipped.visit).map(JSON.string) ?? "null"),
                            ("reason", JSON.string(skipped.reason)),
                        ])
                    }
                    // Sessions left out of the run are not visits of it: no visit number.
                    + review.leftOut.map { session in
                        Self.object([
                            ("visit", "null"), ("session_id", JSON.string(session)),
                            ("reason", JSON.string("left out of the run (the error rows say why)")),
                        ])
                    }).joined(separator: ", ") + "]"
            ),
        ]
        let visits = review.visits.map { inner + "  " + visitJSON($0) }
        fields.append(("visits", visits.isEmpty ? "[]" : "[\n" + visits.joined(separator: ",\n") + "\n" + inner + "]"))
        return "{\n" + fields.map { "\(inner)\(JSON.string($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n" + indent + "}"
    }

    /// A visit's scores (hypothesis → score), fired rules and missing data, each as JSON.
    public func recordJSON(_ v: PatientReview.Visit) -> (scores: String, fired: String, missing: String) {
        let d = v.decision
        return (
            Self.object(ReviewClass.hypotheses.map { ($0.rawValue, JSON.number(d.score($0))) }),
            "[" + d.fired.map(firedJSON).joined(separator: ", ") + "]",
            "[" + missingJSON(v).joined(separator: ", ") + "]"
        )
    }

    /// Missing features, then counts that are only lower bounds (with `at_least`), then numbers
    /// that are only upper bounds (with `at_most`): what limits the visit's review, with the rules
    /// that read each.
    private func missingJSON(_ v: PatientReview.Visit) -> [String] {
        func rules(_ feature: Feature) -> String {
            Self.strings(review.rules.ruleSet.rules.filter { $0.condition.features.contains(feature) }.map(\.id.text))
        }
        let missing = v.features.missing.keys.sorted().map { feature in
            Self.object([
                ("feature", JSON.string(feature.rawValue)), ("reason", JSON.string(v.features.missing[feature]!)),
                ("rules", rules(feature)),
            ])
        }
        let bounds = Bound.allCases.flatMap { bound in
            bound.features(v.features).map { feature in
                Self.object([
                    ("feature", JSON.string(feature.rawValue)), ("reason", JSON.string(bound.text(v.features, feature))),
                    (bound.key, Self.json(v.features[feature])), ("rules", rules(feature)),
                ])
            }
        }
        return missing + bounds
    }

    /// The two kinds of bound a number can be (`VisitFeatures.lowerBounds`, `upperBounds`), as the
    /// outputs name them.
    enum Bound: String, CaseIterable {
        case lower, upper

        /// The features whose numbers are only this kind of bound, sorted.
        func features(_ f: VisitFeatures) -> [Feature] {
            (self == .lower ? f.lowerBounds : f.upperBounds).keys.sorted()
        }

        /// The features a rule read that are only this kind of bound.
        func features(_ outcome: RuleOutcome) -> [Feature] { self == .lower ? outcome.lowerBounds : outcome.upperBounds }

        /// `at_least`, `at_most`: the JSON key of the number.
        var key: String { self == .lower ? "at_least" : "at_most" }

        /// `at least 2: its voxels … are 5 mm thick … : more lesions there could be missed`;
        /// `at most 1: the level before natalizumab is only a lower bound: …`.
        func text(_ f: VisitFeatures, _ feature: Feature) -> String {
            let reason = (self == .lower ? f.lowerBounds : f.upperBounds)[feature]!
            return "\(self == .lower ? "at least" : "at most") \(f[feature]!): \(reason)"
        }
    }

    private func visitJSON(_ v: PatientReview.Visit) -> String {
        let d = v.decision
        let (scores, fired, missing) = recordJSON(v)
        func anatomy(_ a: PatientReview.Anatomy?) -> String {
            guard let a else { return "null" }
            return Self.object(
                [("file", JSON.string(a.file)), ("session_id", JSON.string(a.session))]
                    + LongitudinalReport.fitFields(a.fit))
        }
        return Self.object([
            ("visit", String(v.visit + 1)), ("session_id", session(v.visit).map(JSON.string) ?? "null"),
            ("acq_time", acquisitionTime(v.visit).map(JSON.string) ?? "null"),
            ("class", JSON.string(d.reviewClass.rawValue)), ("reason", JSON.string(d.reason.text)),
            ("urgent_review", String(d.urgentReview)),
            ("leading_alternative", d.leadingAlternative.map { JSON.string($0.rawValue) } ?? "null"),
            ("scores", scores),
            (
                "safety_gate",
                Self.object([
                    ("pml_possible", String(d.gate.pmlPossible)), ("pml_addressed", String(d.gate.pmlAddressed)),
                    ("open", String(d.gate.isOpen)), ("state", JSON.string(d.gate.text)),
                    ("excluded_by", d.gate.isOpen ? JSON.string(d.gate.policy.excludedBy) : "null"),
                ])
            ),
            (
                "data_completeness",
                Self.object([
                    ("level", JSON.string(d.completeness.level.rawValue)), ("share", JSON.number(d.completeness.share)),
                    ("evaluated_rules", String(d.completeness.evaluatedRules)), ("total_rules", String(d.completeness.totalRules)),
                ])
            ),
            ("fired", fired),
            (
                "not_evaluated",
                "["
                    + d.notEvaluated.map { outcome in
                        Self.object([
                            ("id", JSON.string(outcome.rule.id.text)),
                            ("missing", Self.strings(outcome.missing.map(\.rawValue))),
                            ("lower_bounds", Self.strings(Bound.lower.features(outcome).map(\.rawValue))),
                            ("upper_bounds", Self.strings(Bound.upper.features(outcome).map(\.rawValue))),
                        ])
                    }.joined(separator: ", ") + "]"
            ),
            ("missing", missing),
            ("features", Self.object(Feature.allCases.map { ($0.rawValue, Self.json(v.features[$0])) })),
            ("cortex", anatomy(review.cortex[v.visit])), ("grey_matter", anatomy(review.greyMatter[v.visit])),
            ("ventricles", anatomy(review.ventricles[v.visit])),
        ])
    }

    private func firedJSON(_ outcome: RuleOutcome) -> String {
        let rule = outcome.rule
        return Self.object([
            ("id", JSON.string(rule.id.text)), ("description", JSON.string(rule.description)),
            ("condition", JSON.string(rule.condition.description)),
            ("weights", Self.object(ReviewClass.hypotheses.compactMap { c in rule.weights[c].map { (c.rawValue, JSON.number($0)) } })),
            ("urgent_review", String(rule.urgentReview)),
            (
                "inputs",
                Self.object(
                    outcome.tests.reduce(into: [(String, String)]()) { inputs, test in
                        if !inputs.contains(where: { $0.0 == test.comparison.feature.rawValue }) {
                            inputs.append((test.comparison.feature.rawValue, Self.json(test.actual)))
                        }
                    })
            ),
            (
                "tests",
                "["
                    + outcome.tests.map { test in
                        Self.object([
                            ("test", JSON.string(test.comparison.description)), ("feature", JSON.string(test.comparison.feature.rawValue)),
                            ("op", JSON.string(test.comparison.op.rawValue)), ("threshold", Self.json(test.comparison.value)),
                            ("value", Self.json(test.actual)), ("result", Self.json(test.truth)),
                        ])
                    }.joined(separator: ", ") + "]"
            ),
            ("source", JSON.string(rule.source)),
        ])
    }

    static func json(_ value: FeatureValue?) -> String {
        switch value {
        case nil: "null"
        case .number(let x): JSON.number(x)
        case .flag(let b): String(b)
        case .text(let s): JSON.string(s)
        case .notApplicable: JSON.string("none")
        }
    }

    static func json(_ truth: Truth) -> String {
        switch truth {
        case .yes: "true"
        case .no: "false"
        case .unknown: "null"
        }
    }

    static func object(_ fields: [(String, String)]) -> String { LongitudinalReport.object(fields) }

    static func strings(_ items: [String]) -> String { "[" + items.map(JSON.string).joined(separator: ", ") + "]" }

    /// A list in a table: a JSON array, and comma-separated in a TSV cell (`n/a` when empty).
    static func list(_ key: String, _ items: [String]) -> LongitudinalReport.Field {
        LongitudinalReport.Field(key, json: strings(items), text: items.isEmpty ? "n/a" : items.joined(separator: ","))
    }

    // MARK: Table

    public static let columns = [
        "visit", "session_id", "acq_time", "class", "reason", "urgent_review", "pml_possible", "pml_addressed",
        "leading_alternative", "data_completeness", "evaluated_rules", "total_rules", "score_no_new_activity", "score_reactivation",
        "score_rebound", "score_suspected_pml_iris",
        "fired_rules", "missing_features", "lower_bound_features", "upper_bound_features",
    ]

    /// One row per reviewed visit, in the order of `columns`.
    public var rows: [[LongitudinalReport.Field]] {
        review.visits.map { v in
            let d = v.decision
            return [
                .count("visit", v.visit + 1), .text("session_id", session(v.visit)),
                .text("acq_time", acquisitionTime(v.visit)), .text("class", d.reviewClass.rawValue),
                .text("reason", d.reason.text),
                LongitudinalReport.Field("urgent_review", json: String(d.urgentReview), text: String(d.urgentReview)),
                LongitudinalReport.Field("pml_possible", json: String(d.gate.pmlPossible), text: String(d.gate.pmlPossible)),
                LongitudinalReport.Field("pml_addressed", json: String(d.gate.pmlAddressed), text: String(d.gate.pmlAddressed)),
                .text("leading_alternative", d.leadingAlternative?.rawValue),
                .text("data_completeness", d.completeness.level.rawValue), .count("evaluated_rules", d.completeness.evaluatedRules),
                .count("total_rules", d.completeness.totalRules),
            ] + ReviewClass.hypotheses.map { .number("score_" + $0.rawValue, d.score($0)) } + [
                Self.list("fired_rules", d.fired.map(\.rule.id.text)),
                Self.list("missing_features", v.features.missing.keys.sorted().map(\.rawValue)),
                Self.list("lower_bound_features", Bound.lower.features(v.features).map(\.rawValue)),
                Self.list("upper_bound_features", Bound.upper.features(v.features).map(\.rawValue)),
            ]
        }
    }

    // MARK: Text

    private func number(_ x: Double) -> String { FeatureValue.number(x).description }

    private func visitName(_ n: Int) -> String {
        "visit \(n + 1)" + (session(n).map { " \($0)" } ?? "") + (acquisitionTime(n).map { " \($0)" } ?? "")
    }

    private func scoresText(_ d: VisitDecision) -> String {
        ReviewClass.hypotheses.map { "\($0.rawValue) \(number(d.score($0)))" }.joined(separator: ", ")
    }

    private var patientLine: String {
        let p = review.patient
        let visit = p.visit.map { " (\(visitName($0)))" } ?? ""
        return "\(run.participantID ?? "patient"): \(p.reviewClass.rawValue)\(p.urgentReview ? " (urgent review)" : "")\(visit)"
    }

    /// The short summary: the patient's class, one line per reviewed visit, the rules file.
    public var summary: String {
        var lines = [patientLine + " — " + RulesFile.statement]
        for v in review.visits {
            let d = v.decision
            var line = "  \(visitName(v.visit)): \(d.reviewClass.rawValue)"
            if d.urgentReview { line += " (urgent review)" }
            if d.gate.isOpen { line += "; PML not excluded" }
            if let alternative = d.leadingAlternative { line += "; leading alternative \(alternative.rawValue)" }
            line += "; data completeness \(d.completeness.level.rawValue)"
            if !d.fired.isEmpty { line += "; fired " + d.fired.map(\.rule.id.text).joined(separator: ", ") }
            lines.append(line)
        }
        lines.append("  rules \(review.rules.path) sha256 \(review.rules.sha256); the reasons: lesiontrack explain")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The full reasoning of every reviewed visit: decision, scores, each rule that fired with the
    /// values it read and its source, the rules missing data left open, the missing data and
    /// every feature's value.
    public var explanation: String {
        var out: [String] = []
        out.append("lesiontrack \(LesionTrackVersion.current) explain \(run.inputs.joined(separator: " "))")
        out.append(RulesFile.statement)
        out.append(
            "rules \(review.rules.path) sha256 \(review.rules.sha256) (\(review.rules.ruleSet.name), \(review.rules.ruleSet.rules.count) rules)"
        )
        out.append("pipeline \(run.pipeline.path) sha256 \(run.pipeline.sha256)")
        let clinical = review.clinical
        out.append(
            "clinical context: \(clinical.sessionsTable ?? "no sessions table"); \(clinical.participantsTable ?? "no participants.tsv")")
        if !clinical.missingColumns.isEmpty { out.append("missing columns: " + clinical.missingColumns.joined(separator: ", ")) }
        let pre = review.preTreatment
        out.append("treatment: " + review.treatment)
        out.append(
            "pre-natalizumab level: Gd+ " + Self.levelText(pre.gdCount, source: pre.gdSource, bound: pre.gdBound)
                + ", new T2 " + Self.levelText(pre.t2NewCount, source: pre.t2NewSource, bound: pre.t2NewBound))
        out.append("")
        out.append("patient " + patientLine + ": " + review.patient.reason)
        for skipped in review.notReviewed {
            out.append("")
            out.append("\(visitName(skipped.visit)): not reviewed, \(skipped.reason)")
        }
        for v in review.visits {
            let d = v.decision
            out.append("")
            out.append("\(visitName(v.visit)): \(d.reviewClass.rawValue)\(d.urgentReview ? " (urgent review)" : "")")
            out.append("  decision: \(d.reason.text)")
            out.append("  safety gate: " + (d.gate.isOpen ? "open, urgent review" : "closed"))
            out.append("    " + d.gate.text)
            if d.gate.isOpen { out.append("    PML not excluded: would be excluded by \(d.gate.policy.excludedBy)") }
            out.append("    source: \(d.gate.policy.source)")
            out.append("  counts: " + countsText(v.features))
            out.append("  scores: \(scoresText(d))")
            out.append(
                "  data completeness: \(d.completeness.level.rawValue) (\(d.completeness.evaluatedRules) of \(d.completeness.totalRules) rules evaluated; how much data there was, not certainty)"
            )
            out.append("  fired:" + (d.fired.isEmpty ? " none" : ""))
            for outcome in d.fired {
                out.append("    \(outcome.rule.id): \(outcome.rule.description) → \(outcome.rule.effectDescription)")
                for test in outcome.tests {
                    let value = test.actual.map(\.description) ?? "missing"
                    out.append("      \(test.comparison) (\(test.comparison.feature.rawValue) = \(value): \(Self.truthText(test.truth)))")
                }
                out.append("      source: \(outcome.rule.source)")
            }
            out.append("  not evaluated (missing data):" + (d.notEvaluated.isEmpty ? " none" : ""))
            for outcome in d.notEvaluated {
                let needs = outcome.missing.isEmpty ? [] : ["needs " + outcome.missing.map(\.rawValue).joined(separator: ", ")]
                let bounds = Bound.allCases.compactMap { bound in
                    let features = bound.features(outcome)
                    return features.isEmpty
                        ? nil : "only \(bound.rawValue) bounds of " + features.map(\.rawValue).joined(separator: ", ")
                }
                out.append("    \(outcome.rule.id): " + (needs + bounds).joined(separator: "; "))
            }
            let missing = v.features.missing.keys.sorted()
            out.append("  missing:" + (missing.isEmpty ? " none" : ""))
            for feature in missing { out.append("    \(feature.rawValue): \(v.features.missing[feature]!)") }
            for bound in Bound.allCases where !bound.features(v.features).isEmpty {
                out.append("  \(bound.rawValue) bounds only:")
                for feature in bound.features(v.features) {
                    out.append("    \(feature.rawValue): \(bound.text(v.features, feature))")
                }
            }
            func map(_ a: PatientReview.Anatomy?, _ name: String) -> String {
                guard let a else { return "\(name): none" }
                return "\(name): \(a.file)" + (a.session == session(v.visit) ? "" : " (from \(a.session))")
            }
            out.append(
                "  maps: " + map(review.cortex[v.visit], "cortex") + "; " + map(review.greyMatter[v.visit], "grey matter") + "; "
                    + map(review.ventricles[v.visit], "ventricles"))
            out.append("  features:")
            for feature in Feature.allCases where v.features[feature] != nil {
                out.append("    \(feature.rawValue) = \(v.features[feature]!) (\(feature.definition))")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `2 (ses-00 (ntz_infusion_count 0))`, `at least 2 (…; its series …)`, `missing (why)`.
    private static func levelText(_ count: Int?, source: String, bound: String?) -> String {
        guard let count else { return "missing (\(source))" }
        return bound.map { "at least \(count) (\(source); \($0))" } ?? "\(count) (\(source))"
    }

    /// The raw counts beside the grouped ones the rebound rules read.
    private func countsText(_ f: VisitFeatures) -> String {
        func value(_ feature: Feature) -> String {
            (f.lowerBounds[feature] == nil ? "" : "at least ") + (f[feature]?.description ?? "missing")
        }
        return "new or enlarging T2 \(value(.newOrEnlargingT2)) (grouped \(value(.newOrEnlargingT2Grouped)): "
            + "\(value(.newPunctateFoci)) punctate foci counted with their lesion); Gd+ \(value(.gdLesions)) "
            + "(grouped \(value(.gdLesionsGrouped)))"
    }

    static func truthText(_ truth: Truth) -> String {
        switch truth {
        case .yes: "true"
        case .no: "false"
        case .unknown: "unknown"
        }
    }
}
