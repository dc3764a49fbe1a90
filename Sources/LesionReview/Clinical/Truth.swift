/// The outcome of a condition over features that may be missing: Kleene's three-valued logic.
///
/// A comparison with a missing feature is `unknown`. `all` is false when any part is false, else
/// unknown when any part is unknown, else true; `any` is true when any part is true, else unknown
/// when any part is unknown, else false. So a rule whose condition is settled by the features that
/// are known still counts as evaluated, whatever else is missing.
public enum Truth: String, Sendable {
    case yes
    case no
    case unknown

    public init(_ value: Bool) { self = value ? .yes : .no }

    public static func all(_ parts: [Truth]) -> Truth {
        if parts.contains(.no) { return .no }
        return parts.contains(.unknown) ? .unknown : .yes
    }

    public static func any(_ parts: [Truth]) -> Truth {
        if parts.contains(.yes) { return .yes }
        return parts.contains(.unknown) ? .unknown : .no
    }
}
