/// An `IntensityWindow` (the threshold rule, stated there) folded into the stored type, so that
/// stored values are compared natively, without scaling.
///
/// For every non-NaN stored value `v`, `contains(v) == window.contains(scaling.apply(v.doubleValue))`
/// exactly: `scaling.apply` is monotone in `v` (non-decreasing for a positive slope, non-increasing
/// for a negative one), so the stored values inside the window form one interval, whose ends are
/// found by binary search over the type's value order with the very predicate the reference uses.
/// NaN is outside every window, as in the reference.
public struct StoredWindow<T: ScanScalar>: Sendable {
    public let lower: T
    public let upper: T
    /// True when no stored value lies in the window.
    public let isEmpty: Bool

    public init(_ window: IntensityWindow, scaling: IntensityScaling) {
        let above = { (v: T) in scaling.apply(v.doubleValue) >= window.lower }
        let below = { (v: T) in window.upper.map { scaling.apply(v.doubleValue) <= $0 } ?? true }
        let lo = T.smallestOrderKey, hi = T.largestOrderKey
        // With a negative slope both predicates flip direction.
        let increasing = scaling.slope > 0
        let aboveKeys = increasing ? Self.firstTrue(lo, hi, above) : Self.lastTrue(lo, hi, above)
        let belowKeys = increasing ? Self.lastTrue(lo, hi, below) : Self.firstTrue(lo, hi, below)
        var lowerKey = lo, upperKey = hi
        var empty = false
        if increasing {
            if let a = aboveKeys { lowerKey = a } else { empty = true }
            if let b = belowKeys { upperKey = b } else { empty = true }
        } else {
            if let a = aboveKeys { upperKey = a } else { empty = true }
            if let b = belowKeys { lowerKey = b } else { empty = true }
        }
        if lowerKey > upperKey { empty = true }
        self.lower = T(orderKey: lowerKey)
        self.upper = T(orderKey: upperKey)
        self.isEmpty = empty
    }

    @inlinable
    public func contains(_ v: T) -> Bool { !isEmpty && v >= lower && v <= upper }

    /// The smallest key in lo…hi whose value satisfies an up-closed predicate.
    static func firstTrue(_ lo: UInt64, _ hi: UInt64, _ p: (T) -> Bool) -> UInt64? {
        guard p(T(orderKey: hi)) else { return nil }
        var (a, b) = (lo, hi)  // p(b) holds
        while a < b {
            let mid = a + (b - a) / 2
            if p(T(orderKey: mid)) { b = mid } else { a = mid + 1 }
        }
        return a
    }

    /// The largest key in lo…hi whose value satisfies a down-closed predicate.
    static func lastTrue(_ lo: UInt64, _ hi: UInt64, _ p: (T) -> Bool) -> UInt64? {
        guard p(T(orderKey: lo)) else { return nil }
        var (a, b) = (lo, hi)  // p(a) holds
        while a < b {
            let mid = a + (b - a) / 2 + (b - a) % 2
            if p(T(orderKey: mid)) { a = mid } else { b = mid - 1 }
        }
        return a
    }
}
