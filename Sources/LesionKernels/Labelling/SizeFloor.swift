/// The smallest lesion that counts: components below any of these floors are dropped.
///
/// A lesion is kept when `voxelCount ≥ minimumVoxels`, `volumeMM3 ≥ minimumVolumeMM3`,
/// `largestExtentMM ≥ minimumExtentMM` and its reader's length (`ReaderLength`: the long axis
/// from outer edge to outer edge, one voxel longer than the extent between centres) reaches
/// `minimumReaderLengthMM`. `keeps` checks the first three; the reader's length needs the voxels,
/// so the labellers apply it last (`LesionLabelling.keepingReaderLength`). The default keeps every
/// component, including those whose extent was not measured (NaN) when there is no extent floor.
public struct SizeFloor: Sendable, Equatable {
    public var minimumVoxels: Int
    public var minimumVolumeMM3: Double
    public var minimumExtentMM: Double
    /// The reading threshold, a long axis measured as a reader does; 0 for none.
    public var minimumReaderLengthMM: Double

    public static let none = SizeFloor()

    public init(
        minimumVoxels: Int = 1, minimumVolumeMM3: Double = 0, minimumExtentMM: Double = 0, minimumReaderLengthMM: Double = 0
    ) {
        self.minimumVoxels = minimumVoxels
        self.minimumVolumeMM3 = minimumVolumeMM3
        self.minimumExtentMM = minimumExtentMM
        self.minimumReaderLengthMM = minimumReaderLengthMM
    }

    /// True when the extent must be measured for this floor.
    public var needsExtent: Bool { minimumExtentMM > 0 || minimumReaderLengthMM > 0 }

    public func keeps(_ lesion: Lesion) -> Bool {
        lesion.voxelCount >= minimumVoxels && lesion.volumeMM3 >= minimumVolumeMM3
            && (minimumExtentMM <= 0 || lesion.largestExtentMM >= minimumExtentMM)
    }
}
