/// The mean and population standard deviation of an image's finite values inside the brain mask.
public struct BrainStatistics: Sendable, Equatable {
    public let mean: Double
    public let standardDeviation: Double
    public let voxelCount: Int

    public init(mean: Double, standardDeviation: Double, voxelCount: Int) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.voxelCount = voxelCount
    }
}
