/// The features of one follow-up visit, and why each missing one is missing.
///
/// Invariant: a feature is either in `values` or in `missing`, never both.
public struct VisitFeatures: Sendable {
    public private(set) var values: [Feature: FeatureValue] = [:]
    /// For each missing feature, a short reason (`no column jcv_index in sub-01_sessions.tsv`).
    public private(set) var missing: [Feature: String] = [:]

    public init() {}

    public subscript(_ feature: Feature) -> FeatureValue? { values[feature] }

    /// Records a value, or the reason it is missing when `value` is nil.
    public mutating func set(_ feature: Feature, _ value: FeatureValue?, missingBecause reason: @autoclosure () -> String) {
        if let value {
            values[feature] = value
            missing[feature] = nil
        } else {
            values[feature] = nil
            missing[feature] = reason()
        }
    }

    public mutating func set(_ feature: Feature, number: Double?, missingBecause reason: @autoclosure () -> String) {
        set(feature, number.map(FeatureValue.number), missingBecause: reason())
    }

    public mutating func set(_ feature: Feature, flag: Bool?, missingBecause reason: @autoclosure () -> String) {
        set(feature, flag.map(FeatureValue.flag), missingBecause: reason())
    }

    /// The number of a numeric feature, nil when missing.
    public func number(_ feature: Feature) -> Double? {
        if case .number(let x) = values[feature] { return x }
        return nil
    }
}
