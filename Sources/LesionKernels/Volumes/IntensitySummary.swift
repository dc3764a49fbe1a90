/// The range and count of a volume's scaled intensities, with non-finite values counted apart.
///
/// `minimum`, `maximum` and `sum` cover finite values only; they are nil when there are none.
public struct IntensitySummary: Sendable, Equatable {
    public var minimum: Double?
    public var maximum: Double?
    public var sum: Double
    public var finiteCount: Int
    public var nanCount: Int
    public var positiveInfinityCount: Int
    public var negativeInfinityCount: Int

    public init<T: VoxelValue>(_ volume: Volume<T>, scaling: IntensityScaling) {
        var minimum = Double.infinity, maximum = -Double.infinity, sum = 0.0
        var finite = 0, nan = 0, positive = 0, negative = 0
        for stored in volume.voxels {
            let value = scaling.apply(stored.doubleValue)
            if value.isFinite {
                minimum = Swift.min(minimum, value)
                maximum = Swift.max(maximum, value)
                sum += value
                finite += 1
            } else if value.isNaN {
                nan += 1
            } else if value > 0 {
                positive += 1
            } else {
                negative += 1
            }
        }
        self.minimum = finite > 0 ? minimum : nil
        self.maximum = finite > 0 ? maximum : nil
        self.sum = sum
        self.finiteCount = finite
        self.nanCount = nan
        self.positiveInfinityCount = positive
        self.negativeInfinityCount = negative
    }
}
