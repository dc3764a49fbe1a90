/// NIfTI intensity scaling: `value = slope × stored + intercept`.
///
/// Follows the NIfTI-1 standard as nibabel reads it: a slope of 0 or a non-finite slope means
/// "no scaling"; a non-finite intercept counts as 0.
public struct IntensityScaling: Sendable, Equatable {
    public let slope: Double
    public let intercept: Double

    public static let identity = IntensityScaling(slope: 1, intercept: 0)

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// The scaling a header's `scl_slope` and `scl_inter` ask for.
    public init(headerSlope: Double, headerIntercept: Double) {
        if headerSlope == 0 || !headerSlope.isFinite {
            self = .identity
        } else {
            self.init(slope: headerSlope, intercept: headerIntercept.isFinite ? headerIntercept : 0)
        }
    }

    public var isIdentity: Bool { slope == 1 && intercept == 0 }

    @inlinable
    public func apply(_ stored: Double) -> Double {
        isIdentity ? stored : stored * slope + intercept
    }
}
