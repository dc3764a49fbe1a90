import LesionKernels

/// The parameters of one `label` run; every one that changes a count is written to the output.
public struct LabelOptions: Sendable {
    public var window: IntensityWindow
    public var connectivity: Connectivity
    public var floor: SizeFloor
    /// The volume of a 4D file to read (0-based).
    public var volume: Int
    public var maximumVolumeBytes: Int
    /// Slabs labelled concurrently by the fast kernel.
    public var threads: Int

    public init(
        window: IntensityWindow, connectivity: Connectivity = .default, floor: SizeFloor = .none,
        volume: Int = 0, maximumVolumeBytes: Int = 4 << 30, threads: Int = 1
    ) {
        self.threads = max(1, threads)
        self.window = window
        self.connectivity = connectivity
        self.floor = floor
        self.volume = volume
        self.maximumVolumeBytes = maximumVolumeBytes
    }
}
