/// The smallest lesion that counts: components below any of these floors are dropped.
///
/// A lesion is kept when `voxelCount ≥ minimumVoxels`, `volumeMM3 ≥ minimumVolumeMM3` and
/// `largestExtentMM ≥ minimumExtentMM`. The default keeps every component, including those whose
/// extent was not measured (NaN) when there is no extent floor.
public struct SizeFloor: Sendable, Equatable {
    public var minimumVoxels: Int
    public var minimumVolumeMM3: Double
    public var minimumExtentMM: Double

    public static let none = SizeFloor()

    public init(minimumVoxels: Int = 1, minimumVolumeMM3: Double = 0, minimumExtentMM: Double = 0) {
        self.minimumVoxels = minimumVoxels
        self.minimumVolumeMM3 = minimumVolumeMM3
        self.minimumExtentMM = minimumExtentMM
    }

    public func keeps(_ lesion: Lesion) -> Bool {
        lesion.voxelCount >= minimumVoxels && lesion.volumeMM3 >= minimumVolumeMM3
            && (minimumExtentMM <= 0 || lesion.largestExtentMM >= minimumExtentMM)
    }
}
