/// The foreground rule of a threshold: `value ≥ lower`, and `value ≤ upper` when an upper bound is set.
///
/// Values are scaled intensities (after `IntensityScaling`). NaN is never foreground.
/// Equivalent to `(x >= lower) & (x <= upper)` in numpy on `nibabel`'s `get_fdata()`.
public struct IntensityWindow: Sendable, Equatable {
    public var lower: Double
    public var upper: Double?

    public init(lower: Double, upper: Double? = nil) {
        self.lower = lower
        self.upper = upper
    }

    @inlinable
    public func contains(_ value: Double) -> Bool {
        guard value >= lower else { return false }
        if let upper { return value <= upper }
        return true
    }
}
