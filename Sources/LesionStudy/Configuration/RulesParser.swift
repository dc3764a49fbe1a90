import LesionIO
import LesionReview
import Yams

/// Reads the YAML of a rules file into a `RulesFile`'s contents, refusing anything it does not
/// understand, each refusal naming the line.
///
/// The accepted keys are those of `Pipelines/rules.yaml`. Sections left out (`features`,
/// `decision`, `classes`) take the values of `FeatureParameters.standard`,
/// `DecisionPolicy.standard` and `RulesFile.standardAnatomy`; `rules` must be given. A condition is
/// one comparison (`feature op value`, see `Comparison`) or a mapping with one key, `all` or
/// `any`, holding a list of conditions, nested at most `maximumDepth` deep. Nothing in the file is
/// executed.
struct RulesParser: YAMLFileReading {
    let path: String

    /// The only rules file format so far.
    static let formatVersion = 1
    static let maximumDepth = 8

    struct Contents {
        var ruleSet: RuleSet
        var cortex: [LesionSource]
        var greyMatter: [LesionSource]
        var ventricles: [LesionSource]
    }

    func parse(_ text: String) throws(ScanError) -> Contents {
        let top = try mapping(try compose(text, what: "rules file"), "the file")
        try allowKeys(top, ["rules_format", "name", "features", "decision", "classes", "safety", "rules"], "the file")
        if let format = top["rules_format"] {
            let version = try integer(format, "rules_format")
            guard version == Self.formatVersion else {
                throw fail(format, "rules_format \(version) is not supported (this version reads \(Self.formatVersion))")
            }
        }
        var name = "default"
        if let node = top["name"] { name = try string(node, "name") }
        var parameters = FeatureParameters.standard
        var anatomy = RulesFile.standardAnatomy
        if let node = top["features"] { try features(node, &parameters, &anatomy) }
        var policy = DecisionPolicy.standard
        if let node = top["decision"] { try decision(node, &policy) }
        if let node = top["classes"] { try classes(node, &policy) }
        var safety = SafetyPolicy.standard
        if let node = top["safety"] { try self.safety(node, &safety) }
        guard let rulesNode = top["rules"] else {
            throw ScanError(path, "no rules: the file needs a `rules:` list (see `lesiontrack pipeline show rules`)")
        }
        guard case .sequence(let list) = rulesNode, !list.isEmpty else {
            throw fail(rulesNode, "rules must be a list of rules (`- id: …`), not empty")
        }
        var rules: [Rule] = []
        var seen: [RuleID: Int] = [:]
        for (n, item) in list.enumerated() {
            let rule = try self.rule(item, n)
            if let line = seen[rule.id] {
                throw fail(item, "rule id \(rule.id) is given twice (first on line \(line)): ids must be unique")
            }
            seen[rule.id] = item.mark?.line ?? 1
            rules.append(rule)
        }
        return Contents(
            ruleSet: RuleSet(name: name, features: parameters, decision: policy, safety: safety, rules: rules),
            cortex: anatomy.cortex, greyMatter: anatomy.greyMatter, ventricles: anatomy.ventricles)
    }

    private func features(
        _ node: Node, _ p: inout FeatureParameters,
        _ anatomy: inout (cortex: [LesionSource], greyMatter: [LesionSource], ventricles: [LesionSource])
    ) throws(ScanError) {
        let m = try mapping(node, "features")
        try allowKeys(
            m,
            [
                "large_lesion_extent_mm", "contact_distance_mm", "rim_thickness_mm", "satellites",
                "on_natalizumab_weeks", "zero_counts", "cortex", "grey_matter", "ventricles",
            ], "features")
        if let node = m["large_lesion_extent_mm"] {
            p.largeLesionExtentMM = try number(node, "features.large_lesion_extent_mm", atLeast: 0)
        }
        if let node = m["contact_distance_mm"] { p.contactDistanceMM = try number(node, "features.contact_distance_mm", atLeast: 0) }
        if let node = m["rim_thickness_mm"] { p.rimThicknessMM = try positive(node, "features.rim_thickness_mm") }
        if let satellites = m["satellites"] {
            let s = try mapping(satellites, "features.satellites")
            try allowKeys(s, ["host_min_extent_mm", "max_extent_mm", "max_distance_mm"], "features.satellites")
            if let node = s["host_min_extent_mm"] {
                p.satelliteHostMinimumExtentMM = try number(node, "features.satellites.host_min_extent_mm", atLeast: 0)
            }
            if let node = s["max_extent_mm"] {
                p.satelliteMaximumExtentMM = try number(node, "features.satellites.max_extent_mm", atLeast: 0)
            }
            if let node = s["max_distance_mm"] {
                p.satelliteMaximumDistanceMM = try positive(node, "features.satellites.max_distance_mm")
            }
            guard p.satelliteMaximumExtentMM < p.satelliteHostMinimumExtentMM else {
                throw fail(
                    satellites,
                    "features.satellites.max_extent_mm must be below host_min_extent_mm, so no lesion is both a host and a satellite")
            }
        }
        if let node = m["on_natalizumab_weeks"] { p.onNatalizumabWeeks = try positive(node, "features.on_natalizumab_weeks") }
        if let zero = m["zero_counts"] {
            let z = try mapping(zero, "features.zero_counts")
            try allowKeys(z, ["min_coverage", "max_voxel_mm"], "features.zero_counts")
            if let node = z["min_coverage"] { p.zeroCountMinimumCoverage = try fraction(node, "features.zero_counts.min_coverage") }
            if let node = z["max_voxel_mm"] { p.zeroCountMaximumVoxelMM = try positive(node, "features.zero_counts.max_voxel_mm") }
        }
        if let node = m["cortex"] { anatomy.cortex = try maps(node, "features.cortex") }
        if let node = m["grey_matter"] { anatomy.greyMatter = try maps(node, "features.grey_matter") }
        if let node = m["ventricles"] { anatomy.ventricles = try maps(node, "features.ventricles") }
    }

    private func maps(_ node: Node, _ key: String) throws(ScanError) -> [LesionSource] {
        let list = try sources(node, key)
        if case .sequence(let items) = node {
            for (source, item) in zip(list, items) where source.kind.readsImage {
                throw fail(item, "\(key): kind must be mask or probseg (an anatomical map), not \(source.kind.rawValue)")
            }
        }
        return list
    }

    private func decision(_ node: Node, _ policy: inout DecisionPolicy) throws(ScanError) {
        let m = try mapping(node, "decision")
        for (old, new) in [("high_confidence", "high_completeness"), ("moderate_confidence", "moderate_completeness")] {
            if let node = m[old] {
                throw fail(node, "decision.\(old) is now decision.\(new): it measures how much data there was, not certainty")
            }
        }
        try allowKeys(m, ["min_score", "min_margin", "high_completeness", "moderate_completeness"], "decision")
        if let node = m["min_score"] { policy.minimumScore = try number(node, "decision.min_score") }
        if let node = m["min_margin"] { policy.minimumMargin = try number(node, "decision.min_margin", atLeast: 0) }
        if let node = m["high_completeness"] { policy.highCompleteness = try fraction(node, "decision.high_completeness") }
        if let node = m["moderate_completeness"] {
            policy.moderateCompleteness = try fraction(node, "decision.moderate_completeness")
        }
        guard policy.moderateCompleteness <= policy.highCompleteness else {
            throw fail(
                node,
                "decision.moderate_completeness (\(JSON.number(policy.moderateCompleteness))) must not exceed high_completeness (\(JSON.number(policy.highCompleteness)))"
            )
        }
    }

    private func classes(_ node: Node, _ policy: inout DecisionPolicy) throws(ScanError) {
        let m = try mapping(node, "classes")
        try allowKeys(m, ReviewClass.hypotheses.map(\.rawValue), "classes")
        for (key, value) in m {
            let hypothesis = ReviewClass(rawValue: key.scalar!.string)!
            let context = "classes.\(hypothesis.rawValue)"
            let c = try mapping(value, context)
            try allowKeys(c, ["requires"], context)
            guard let requires = c["requires"] else { continue }
            guard case .sequence(let names) = requires else {
                throw fail(requires, "\(context).requires must be a list of feature names")
            }
            var features: [Feature] = []
            for name in names {
                let text = try string(name, "\(context).requires")
                guard let feature = Feature(rawValue: text) else {
                    throw fail(
                        name,
                        "\(context).requires: unknown feature \"\(text)\" (the features are listed in docs/review.md, section Features)")
                }
                features.append(feature)
            }
            policy.required[hypothesis] = features
        }
    }

    private func safety(_ node: Node, _ policy: inout SafetyPolicy) throws(ScanError) {
        let m = try mapping(node, "safety")
        try allowKeys(m, ["pml_possible", "pml_addressed", "excluded_by", "source"], "safety")
        for key in ["pml_possible", "pml_addressed", "excluded_by", "source"] where m[key] == nil {
            throw fail(node, "safety needs \(key): the gate is given whole or left out (see `lesiontrack pipeline show rules`)")
        }
        policy.pmlPossible = try condition(m["pml_possible"]!, "safety.pml_possible", depth: 1)
        policy.pmlAddressed = try condition(m["pml_addressed"]!, "safety.pml_addressed", depth: 1)
        policy.excludedBy = try string(m["excluded_by"]!, "safety.excluded_by")
        policy.source = try string(m["source"]!, "safety.source")
    }

    private func rule(_ node: Node, _ n: Int) throws(ScanError) -> Rule {
        let context = "rules[\(n + 1)]"
        let m = try mapping(node, context)
        try allowKeys(m, ["id", "description", "when", "weights", "flag", "source"], context)
        guard let idNode = m["id"] else { throw fail(node, "\(context) needs an id (kebab-case, such as gd-above-pre-ntz-level)") }
        let idText = try string(idNode, "\(context).id")
        guard let id = RuleID(idText) else {
            throw fail(idNode, "\(context).id \"\(idText)\" is not kebab-case (lowercase letters and digits joined by single hyphens)")
        }
        let named = "rule \(id)"
        guard let descriptionNode = m["description"] else { throw fail(node, "\(named) needs a description") }
        let description = try string(descriptionNode, "\(named).description")
        guard let sourceNode = m["source"] else {
            throw fail(node, "\(named) needs a source: the publication behind its thresholds (authors, journal, year)")
        }
        let source = try string(sourceNode, "\(named).source")
        guard let whenNode = m["when"] else { throw fail(node, "\(named) needs a condition, when:") }
        let condition = try self.condition(whenNode, "\(named).when", depth: 1)

        var weights: [ReviewClass: Double] = [:]
        if let weightsNode = m["weights"] {
            let w = try mapping(weightsNode, "\(named).weights")
            try allowKeys(w, ReviewClass.hypotheses.map(\.rawValue), "\(named).weights")
            for (key, value) in w {
                let hypothesis = ReviewClass(rawValue: key.scalar!.string)!
                weights[hypothesis] = try number(value, "\(named).weights.\(hypothesis.rawValue)")
            }
        }
        var urgent = false
        if let flagNode = m["flag"] {
            let flag = try string(flagNode, "\(named).flag")
            guard flag == "urgent_review" else {
                throw fail(flagNode, "\(named).flag must be urgent_review, not \"\(flag)\"")
            }
            urgent = true
        }
        guard !weights.isEmpty || urgent else {
            throw fail(node, "\(named) has no effect: give weights (a hypothesis and a number) or flag: urgent_review")
        }
        return Rule(id: id, description: description, condition: condition, weights: weights, urgentReview: urgent, source: source)
    }

    private func condition(_ node: Node, _ context: String, depth: Int) throws(ScanError) -> Condition {
        guard depth <= Self.maximumDepth else {
            throw fail(node, "\(context) nests all/any deeper than \(Self.maximumDepth) levels")
        }
        switch node {
        case .scalar(let s):
            do {
                return .comparison(try Comparison.parse(s.string))
            } catch {
                throw fail(node, "\(context): \(error.message)")
            }
        case .mapping(let m):
            guard m.count == 1, let key = m.first?.key.scalar?.string, key == "all" || key == "any" else {
                throw fail(node, "\(context) must be a comparison (`feature op value`) or a mapping with one key, all or any")
            }
            let listNode = m.first!.value
            guard case .sequence(let items) = listNode, !items.isEmpty else {
                throw fail(listNode, "\(context).\(key) must be a list of conditions, not empty")
            }
            var parts: [Condition] = []
            for item in items { parts.append(try condition(item, "\(context).\(key)", depth: depth + 1)) }
            return key == "all" ? .all(parts) : .any(parts)
        default:
            throw fail(node, "\(context) must be a comparison (`feature op value`) or a mapping with one key, all or any")
        }
    }

    private func positive(_ node: Node, _ key: String) throws(ScanError) -> Double {
        let value = try number(node, key, atLeast: 0)
        guard value > 0 else { throw fail(node, "\(key) must be above 0") }
        return value
    }
}
