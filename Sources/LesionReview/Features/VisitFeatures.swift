/// The features of one follow-up visit, and why each missing one is missing.
///
/// Invariant: a feature is either in `values` or in `missing`, never both; a feature in
/// `lowerBounds` or `upperBounds` (never both) holds a number in `values`.
public struct VisitFeatures: Sendable {
    public private(set) var values: [Feature: FeatureValue] = [:]
    /// For each missing feature, a short reason (`no column jcv_index in sub-01_sessions.tsv`).
    public private(set) var missing: [Feature: String] = [:]
    /// For each feature whose number is only a lower bound (a count from a series that could have
    /// missed lesions), why. A comparison with it is settled only when every value from it up
    /// settles it the same way (`Comparison.evaluate`).
    public private(set) var lowerBounds: [Feature: String] = [:]
    /// For each feature whose number is only an upper bound (the difference from a level that is
    /// itself only a lower bound), why. A comparison with it is settled only when every value from
    /// it down settles it the same way.
    public private(set) var upperBounds: [Feature: String] = [:]

    public init() {}

    public subscript(_ feature: Feature) -> FeatureValue? { values[feature] }

    /// Records a value, or the reason it is missing when `value` is nil.
    public mutating func set(_ feature: Feature, _ value: FeatureValue?, missingBecause reason: @autoclosure () -> String) {
        lowerBounds[feature] = nil
        upperBounds[feature] = nil
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

    /// Marks a feature's number as only a lower bound, for `reason`; a feature that holds no number
    /// (missing, or not applicable) is left as it is.
    public mutating func markLowerBound(_ feature: Feature, because reason: String) {
        guard case .number = values[feature] else { return }
        precondition(upperBounds[feature] == nil, "\(feature.rawValue) is already an upper bound")
        lowerBounds[feature] = reason
    }

    /// Marks a feature's number as only an upper bound, for `reason`; a feature that holds no
    /// number is left as it is.
    public mutating func markUpperBound(_ feature: Feature, because reason: String) {
        guard case .number = values[feature] else { return }
        precondition(lowerBounds[feature] == nil, "\(feature.rawValue) is already a lower bound")
        upperBounds[feature] = reason
    }

    /// Whether any number is only a bound.
    public var hasBounds: Bool { !lowerBounds.isEmpty || !upperBounds.isEmpty }

    /// The same features with every bound read as the exact number: what the limited series
    /// counted, one of the values its bounds allow.
    public var asCounted: VisitFeatures {
        var counted = self
        counted.lowerBounds = [:]
        counted.upperBounds = [:]
        return counted
    }

    /// The number of a numeric feature, nil when missing.
    public func number(_ feature: Feature) -> Double? {
        if case .number(let x) = values[feature] { return x }
        return nil
    }
}
