/// The value of a feature at one visit: a number, a yes/no, a word, or "does not apply".
///
/// `notApplicable` is a known absence, not missing data: the days since a plasma exchange when the
/// patient had none, the weeks on a next therapy that was never given. A comparison with it is
/// false, except `!=`, which is true; it does not lower the confidence.
public enum FeatureValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case flag(Bool)
    case text(String)
    case notApplicable

    /// Numbers as in the JSON (`3`, `2.5`), flags as `true`/`false`, words as written.
    public var description: String {
        switch self {
        case .number(let x):
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        case .flag(let b): return String(b)
        case .text(let s): return s
        case .notApplicable: return "none"
        }
    }
}
