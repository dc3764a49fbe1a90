/// One test of a rule's condition: `feature op value`, such as `weeks_since_last_infusion >= 12`.
///
/// Written as one line of text: a feature name, an operator (`<`, `<=`, `>`, `>=`, `==`, `!=`) and
/// a value — a number, `true`/`false`, or a word — separated by spaces. The value must suit the
/// feature's kind (`Feature.Kind`): numbers take any operator, flags, categories and text only `==`
/// and `!=`, categories only their own words. Nothing is executed: the text is only split and
/// checked.
public struct Comparison: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, CaseIterable, Sendable {
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case greater = ">"
    }

    public let feature: Feature
    public let op: Operator
    /// The threshold or the word compared with.
    public let value: FeatureValue

    public init(feature: Feature, op: Operator, value: FeatureValue) {
        self.feature = feature
        self.op = op
        self.value = value
    }

    public var description: String { "\(feature.rawValue) \(op.rawValue) \(value)" }

    /// Reads `feature op value`, refusing unknown features, operators and values that do not suit
    /// the feature.
    public static func parse(_ text: String) throws(RuleSyntaxError) -> Comparison {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count == 3 else {
            throw RuleSyntaxError(
                "\"\(text)\" is not a comparison: write `feature op value`, separated by spaces (op: \(Operator.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        guard let feature = Feature(rawValue: words[0]) else {
            throw RuleSyntaxError(
                "unknown feature \"\(words[0])\" in \"\(text)\" (the features are listed in docs/review.md, section Features)")
        }
        guard let op = Operator(rawValue: words[1]) else {
            throw RuleSyntaxError(
                "unknown operator \"\(words[1])\" in \"\(text)\" (expected one of \(Operator.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let word = words[2]
        let equality = op == .equal || op == .notEqual
        switch feature.kind {
        case .number:
            guard let x = Double(word), x.isFinite else {
                throw RuleSyntaxError("\(feature.rawValue) is a number, so \"\(word)\" in \"\(text)\" must be a number")
            }
            return Comparison(feature: feature, op: op, value: .number(x))
        case .boolean:
            guard equality else {
                throw RuleSyntaxError("\(feature.rawValue) is true or false: compare it with == or !=, not \(op.rawValue)")
            }
            guard word == "true" || word == "false" else {
                throw RuleSyntaxError("\(feature.rawValue) is true or false, not \"\(word)\"")
            }
            return Comparison(feature: feature, op: op, value: .flag(word == "true"))
        case .category(let words):
            guard equality else { throw RuleSyntaxError("\(feature.rawValue) is a category: compare it with == or !=, not \(op.rawValue)") }
            guard words.contains(word) else {
                throw RuleSyntaxError("\(feature.rawValue) is one of \(words.joined(separator: ", ")), not \"\(word)\"")
            }
            return Comparison(feature: feature, op: op, value: .text(word))
        case .text:
            guard equality else { throw RuleSyntaxError("\(feature.rawValue) is text: compare it with == or !=, not \(op.rawValue)") }
            return Comparison(feature: feature, op: op, value: .text(word))
        }
    }

    /// Unknown when the feature is missing. When its number is only a lower bound
    /// (`VisitFeatures.lowerBounds`), true or false only when every value from the bound up gives
    /// the same answer, else unknown: `gd_lesions_above_pre_ntz <= 0` is unknown for a bound of
    /// -1, since more lesions could be there; `gd_lesions_grouped >= 1` is true for a bound of 2.
    /// When only an upper bound (`VisitFeatures.upperBounds`), likewise for every value from the
    /// bound down: `gd_lesions_above_pre_ntz >= 1` is unknown for a bound of 2.
    public func evaluate(_ features: VisitFeatures) -> Truth {
        guard let actual = features[feature] else { return .unknown }
        switch (actual, value) {
        case (.notApplicable, _):
            return Truth(op == .notEqual)
        case (.number(let a), .number(let b)) where features.lowerBounds[feature] != nil:
            return Self.fromBound(a, op, b)
        case (.number(let a), .number(let b)) where features.upperBounds[feature] != nil:
            return Self.fromUpperBound(a, op, b)
        case (.number(let a), .number(let b)):
            switch op {
            case .less: return Truth(a < b)
            case .lessOrEqual: return Truth(a <= b)
            case .greater: return Truth(a > b)
            case .greaterOrEqual: return Truth(a >= b)
            case .equal: return Truth(a == b)
            case .notEqual: return Truth(a != b)
            }
        case (.flag(let a), .flag(let b)):
            return Truth(op == .equal ? a == b : a != b)
        case (.text(let a), .text(let b)):
            let same = a.lowercased() == b.lowercased()
            return Truth(op == .equal ? same : !same)
        default:
            preconditionFailure("\(feature.rawValue) holds \(actual), which its kind does not allow")
        }
    }

    /// `x op b` for every x ≤ `bound`: yes or no when they all agree, else unknown. The mirror of
    /// `fromBound`: x ≤ bound is −x ≥ −bound.
    static func fromUpperBound(_ bound: Double, _ op: Operator, _ b: Double) -> Truth {
        let mirrored: Operator =
            switch op {
            case .less: .greater
            case .lessOrEqual: .greaterOrEqual
            case .greater: .less
            case .greaterOrEqual: .lessOrEqual
            case .equal, .notEqual: op
            }
        return fromBound(-bound, mirrored, -b)
    }

    /// `x op b` for every x ≥ `bound`: yes or no when they all agree, else unknown.
    static func fromBound(_ bound: Double, _ op: Operator, _ b: Double) -> Truth {
        switch op {
        case .greaterOrEqual: bound >= b ? .yes : .unknown
        case .greater, .notEqual: bound > b ? .yes : .unknown
        case .less: bound >= b ? .no : .unknown
        case .lessOrEqual, .equal: bound > b ? .no : .unknown
        }
    }
}
