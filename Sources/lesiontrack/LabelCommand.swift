import ArgumentParser
import LesionIO
import LesionKernels
import LesionScan

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Threshold a scan, label its 3D connected components and measure each lesion.",
        discussion: """
            Foreground is every voxel whose scaled value is >= the threshold (and <= the upper \
            threshold when given); NaN is never foreground. Lesions are numbered 1…N in the order \
            of their first voxel in storage order (i fastest). With no size flags every component \
            counts, as in scipy.ndimage.label and cc3d. Coordinates in mm follow the orientation \
            rule of `lesiontrack info`.
            """
    )

    @Argument(help: "A NIfTI-1 or NIfTI-2 scan (.nii or .nii.gz): a lesion mask, probability map or image.")
    var scan: String

    @Option(help: "Foreground is value >= this, after NIfTI scaling.")
    var threshold: Double = 0.5

    @Option(help: "Foreground is also value <= this (default: no upper bound).")
    var upperThreshold: Double?

    @Option(help: "Voxel connectivity: 6 (faces), 18 (faces, edges) or 26 (faces, edges, corners).")
    var connectivity: Connectivity = .default

    @Option(help: "Drop lesions with fewer voxels than this.")
    var minVoxels: Int = 1

    @Option(help: "Drop lesions smaller than this volume in mm³.")
    var minVolume: Double = 0

    @Option(help: "Drop lesions whose largest extent (Feret diameter, mm) is below this.")
    var minExtent: Double = 0

    @Option(help: "The volume of a 4D file to label (0-based).")
    var volume: Int = 0

    @Option(help: "Write the label map here (.nii or .nii.gz; uint16, or int32 above 65535 lesions).")
    var labels: String?

    @Option(help: "Write a review slice here as PNG: the scan, windowed, with lesions tinted.")
    var png: String?

    @Option(help: "Plane of the PNG slice: axial, coronal or sagittal.")
    var pngPlane: ViewPlane = .axial

    @Option(help: "Slice index along the plane's voxel axis (default: the slice with the most lesion voxels).")
    var pngSlice: Int?

    @Option(help: "radiological (patient's right on the image's left) or neurological (left on left).")
    var pngConvention: DisplayConvention = .radiological

    @Option(help: "Output format: json, csv or tsv.")
    var format: LabelReport.Format = .json

    @Option(help: "Write the table here instead of standard output (a CSV or TSV gets a .json sidecar).")
    var output: String?

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    @Option(
        help:
            "Slabs of the volume labelled concurrently; 2 or more also inflates a .nii.gz of 8 to 512 MiB in two parts at once (default: the CPUs this process may run on: its affinity mask, as nproc counts them, within its cgroup's CPU quota)."
    )
    var threads: Int?

    @Option(help: .hidden)
    var gzip: NIfTIReader.GzipReading = .libdeflate

    func validate() throws {
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
        if let upperThreshold, !(upperThreshold >= threshold) {
            throw ValidationError("--upper-threshold must be at least --threshold")
        }
        guard minVoxels >= 1 else { throw ValidationError("--min-voxels must be at least 1") }
        guard minVolume >= 0, minExtent >= 0 else {
            throw ValidationError("--min-volume and --min-extent must not be negative")
        }
        guard maxScanMb > 0 else { throw ValidationError("--max-scan-mb must be positive") }
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        var job = LabelJob(
            scan: scan,
            options: LabelOptions(
                window: IntensityWindow(lower: threshold, upper: upperThreshold),
                connectivity: connectivity,
                floor: SizeFloor(minimumVoxels: minVoxels, minimumVolumeMM3: minVolume, minimumExtentMM: minExtent),
                volume: volume, maximumVolumeBytes: maxScanMb << 20, threads: threads ?? Self.cores))
        // --gzip zlib reads and writes .nii.gz through zlib's streams only, as before libdeflate:
        // `bench-process` times both in one run.
        job.gzip = gzip
        job.labelsFile = labels
        job.pngFile = png
        job.pngOptions = ReviewSliceOptions(plane: pngPlane, convention: pngConvention, slice: pngSlice)
        try reportingErrors { () throws(ScanError) in
            _ = try job.run(writing: format, to: output)
        }
    }
}

extension LabelCommand {
    /// The CPUs this process may run on (its affinity mask, within its cgroup's CPU quota), at most 64.
    static var cores: Int { min(Processors.usable, 64) }
}

extension ViewPlane: ExpressibleByArgument {}
extension NIfTIReader.GzipReading: ExpressibleByArgument {}
extension DisplayConvention: ExpressibleByArgument {}
extension LabelReport.Format: ExpressibleByArgument {}

/// `--connectivity 6|18|26`, refused otherwise with the three values named.
extension Connectivity: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Int(argument) else { return nil }
        self.init(rawValue: value)
    }

    public var defaultValueDescription: String { String(rawValue) }

    public static var allValueStrings: [String] { allCases.map { String($0.rawValue) } }
}
