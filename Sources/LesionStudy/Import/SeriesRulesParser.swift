import LesionIO
import Yams

/// Reads the YAML of a DICOM series rules file, refusing anything it does not understand, each
/// refusal naming the line. The accepted keys are those documented in
/// `Pipelines/dicom-series.yaml`.
struct SeriesRulesParser: YAMLFileReading {
    let path: String

    /// The only series rules format so far.
    static let formatVersion = 1
    static let maximumDepth = 8

    struct Contents {
        var name: String
        var duplicates: SeriesRulesFile.Duplicates
        var rules: [SeriesRule]
    }

    func parse(_ text: String) throws(ScanError) -> Contents {
        let top = try mapping(try compose(text, what: "series rules file"), "the file")
        try allowKeys(top, ["series_rules_format", "name", "duplicates", "rules"], "the file")
        if let format = top["series_rules_format"] {
            let version = try integer(format, "series_rules_format")
            guard version == Self.formatVersion else {
                throw fail(format, "series_rules_format \(version) is not supported (this version reads \(Self.formatVersion))")
            }
        }
        var name = "default"
        if let node = top["name"] { name = try string(node, "name") }
        var duplicates = SeriesRulesFile.Duplicates.refuse
        if let node = top["duplicates"] {
            let word = try string(node, "duplicates")
            guard let value = SeriesRulesFile.Duplicates(rawValue: word) else {
                throw fail(node, "duplicates must be refuse or run, not \"\(word)\"")
            }
            duplicates = value
        }
        guard let rulesNode = top["rules"] else {
            throw ScanError(path, "no rules: the file needs a `rules:` list (see `lesiontrack pipeline show dicom-series`)")
        }
        guard case .sequence(let list) = rulesNode, !list.isEmpty else {
            throw fail(rulesNode, "rules must be a list of rules (`- id: …`), not empty")
        }
        var rules: [SeriesRule] = []
        var seen: [String: Int] = [:]
        for item in list {
            let rule = try self.rule(item)
            if let line = seen[rule.id] {
                throw fail(item, "rule id \(rule.id) is given twice (first on line \(line)): ids must be unique")
            }
            seen[rule.id] = item.mark?.line ?? 1
            rules.append(rule)
        }
        return Contents(name: name, duplicates: duplicates, rules: rules)
    }

    private func rule(_ node: Node) throws(ScanError) -> SeriesRule {
        let m = try mapping(node, "a rule")
        try allowKeys(m, ["id", "bids", "skip", "when"], "a rule")
        guard let idNode = m["id"] else { throw fail(node, "a rule needs an id") }
        let id = try string(idNode, "id")
        let skip = try m["skip"].map { (n: Node) throws(ScanError) in try boolean(n, "skip") } ?? false
        var target: BIDSName?
        if let bidsNode = m["bids"] {
            let parsed = BIDSName.parse(try string(bidsNode, "bids"))
            guard let name = parsed.name else { throw fail(bidsNode, "bids \(parsed.problem ?? "is malformed")") }
            target = name
        }
        guard (target == nil) == skip else {
            throw fail(node, "rule \(id) needs exactly one of `bids: DATATYPE/NAME` and `skip: true`")
        }
        guard let when = m["when"] else { throw fail(node, "rule \(id) needs a `when:` condition") }
        return SeriesRule(id: id, target: target, condition: try condition(when, depth: 1))
    }

    private func condition(_ node: Node, depth: Int) throws(ScanError) -> SeriesCondition {
        guard depth <= Self.maximumDepth else { throw fail(node, "conditions are nested more than \(Self.maximumDepth) deep") }
        let m = try mapping(node, "a condition")
        if let field = m["field"] {
            try allowKeys(m, ["field", "present", "matches", "at_least", "at_most"], "a field condition")
            let key = try string(field, "field")
            guard m.count == 2 else {
                throw fail(node, "a field condition needs exactly one of present, matches, at_least, at_most")
            }
            if let n = m["present"] { return .present(field: key, try boolean(n, "present")) }
            if let n = m["matches"] { return .matches(field: key, try patterns(n, "matches")) }
            if let n = m["at_least"] { return .atLeast(field: key, try number(n, "at_least")) }
            if let n = m["at_most"] { return .atMost(field: key, try number(n, "at_most")) }
        }
        try allowKeys(m, ["all", "any", "not", "text", "file"], "a condition")
        guard m.count == 1, let (keyNode, value) = m.first, let key = keyNode.scalar?.string else {
            throw fail(node, "a condition has exactly one of all, any, not, text, field, file")
        }
        switch key {
        case "all", "any":
            guard case .sequence(let list) = value, !list.isEmpty else { throw fail(value, "\(key) must be a list of conditions") }
            var items: [SeriesCondition] = []
            for item in list { items.append(try condition(item, depth: depth + 1)) }
            return key == "all" ? .all(items) : .any(items)
        case "not": return .not(try condition(value, depth: depth + 1))
        case "text": return .text(try patterns(value, "text"))
        default: return .file(try string(value, "file"))
        }
    }

    private func patterns(_ node: Node, _ key: String) throws(ScanError) -> [String] {
        guard case .sequence(let list) = node, !list.isEmpty else { throw fail(node, "\(key) must be a list of patterns") }
        var out: [String] = []
        for item in list { out.append(try string(item, key)) }
        return out
    }
}
