/// A rule's condition: one comparison, or all / any of a list of conditions (nested as needed).
///
/// Evaluated in three-valued logic (`Truth`): a rule fires only when its condition is true.
public indirect enum Condition: Sendable, Equatable, CustomStringConvertible {
    case comparison(Comparison)
    case all([Condition])
    case any([Condition])

    public func evaluate(_ features: VisitFeatures) -> Truth {
        switch self {
        case .comparison(let c): c.evaluate(features)
        case .all(let parts): Truth.all(parts.map { $0.evaluate(features) })
        case .any(let parts): Truth.any(parts.map { $0.evaluate(features) })
        }
    }

    /// Every comparison, in the order written.
    public var comparisons: [Comparison] {
        switch self {
        case .comparison(let c): [c]
        case .all(let parts), .any(let parts): parts.flatMap(\.comparisons)
        }
    }

    /// The features it reads, each once, in the order first written.
    public var features: [Feature] {
        var seen: [Feature] = []
        for c in comparisons where !seen.contains(c.feature) { seen.append(c.feature) }
        return seen
    }

    /// `a >= 1 and (b == true or c < 2)`.
    public var description: String {
        switch self {
        case .comparison(let c): c.description
        case .all(let parts): parts.map { $0.nested }.joined(separator: " and ")
        case .any(let parts): parts.map { $0.nested }.joined(separator: " or ")
        }
    }

    private var nested: String {
        switch self {
        case .comparison: description
        case .all(let parts), .any(let parts): parts.count == 1 ? description : "(" + description + ")"
        }
    }
}
