import LesionIO
import LesionKernels

/// Where and how to draw a review slice.
public struct ReviewSliceOptions: Sendable {
    public var plane: ViewPlane
    public var convention: DisplayConvention
    /// The slice index along the plane's voxel axis; nil picks the slice with the most lesion voxels.
    public var slice: Int?

    public init(plane: ViewPlane = .axial, convention: DisplayConvention = .radiological, slice: Int? = nil) {
        self.plane = plane
        self.convention = convention
        self.slice = slice
    }
}

/// Draws one slice of a scan with its lesions tinted and writes it as PNG.
public enum ReviewSlice {
    /// Returns the slice index drawn.
    @discardableResult
    public static func write(
        _ scan: Scan, labels: LabelMap?, options: ReviewSliceOptions, to path: String
    ) throws(ScanError) -> Int {
        let (slice, image) = try draw(scan, labels: labels, options: options)
        try PNGFile.write(image, to: path)
        return slice
    }

    /// As `write`, to a temporary file beside `path`, flushed, for `AtomicFile.commit`.
    public static func stage(
        _ scan: Scan, labels: LabelMap?, options: ReviewSliceOptions, to path: String
    ) throws(ScanError) -> (slice: Int, file: AtomicFile.Staged) {
        let (slice, image) = try draw(scan, labels: labels, options: options)
        return (slice, try PNGFile.stage(image, to: path))
    }

    /// The slice index drawn and its image.
    private static func draw(
        _ scan: Scan, labels: LabelMap?, options: ReviewSliceOptions
    ) throws(ScanError) -> (slice: Int, image: RGBImage) {
        let renderer = SliceRenderer(plane: options.plane, convention: options.convention)
        let geometry = scan.geometry
        let axis = renderer.sliceAxis(geometry)
        let extent = [geometry.size.nx, geometry.size.ny, geometry.size.nz][axis]
        let slice: Int
        if let requested = options.slice {
            guard (0..<extent).contains(requested) else {
                throw ScanError(scan.path, "slice \(requested) is outside 0…\(extent - 1) of the \(options.plane.rawValue) axis")
            }
            slice = requested
        } else if let labels {
            slice = renderer.busiestSlice(labels.labels, geometry: geometry)
        } else {
            slice = extent / 2
        }
        let window = DisplayWindow.quantiles(voxelCount: geometry.size.voxelCount, intensity: scan.intensity(at:))
        let image = renderer.render(
            slice: slice, geometry: geometry, window: window, labels: labels?.labels,
            intensity: scan.intensity(at:))
        return (slice, image)
    }
}
