import ArgumentParser
import LesionIO
import LesionKernels
import LesionPipeline

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

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, tsv }

    @Argument(help: "A NIfTI-1 or NIfTI-2 scan (.nii or .nii.gz): a lesion mask, probability map or image.")
    var scan: String

    @Option(help: "Foreground is value >= this, after NIfTI scaling.")
    var threshold: Double = 0.5

    @Option(help: "Foreground is also value <= this (default: no upper bound).")
    var upperThreshold: Double?

    @Option(help: "Voxel connectivity: 6 (faces), 18 (faces, edges) or 26 (faces, edges, corners).")
    var connectivity: Int = Connectivity.default.rawValue

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
    var format: Format = .json

    @Option(help: "Write the table here instead of standard output (a CSV or TSV gets a .json sidecar).")
    var output: String?

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    @Option(help: "Slabs of the volume labelled concurrently (default: the number of cores).")
    var threads: Int?

    @Option(help: .hidden)
    var gzip: NIfTIReader.GzipReading = .libdeflate

    func validate() throws {
        guard Connectivity(rawValue: connectivity) != nil else {
            throw ValidationError("--connectivity must be 6, 18 or 26, not \(connectivity)")
        }
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
        let options = LabelOptions(
            window: IntensityWindow(lower: threshold, upper: upperThreshold),
            connectivity: Connectivity(rawValue: connectivity)!,
            floor: SizeFloor(minimumVoxels: minVoxels, minimumVolumeMM3: minVolume, minimumExtentMM: minExtent),
            volume: volume, maximumVolumeBytes: maxScanMb << 20, threads: threads ?? Self.cores)
        try reportingErrors { () throws(ScanError) in
            // --gzip zlib reads and writes .nii.gz through zlib's streams only, as before libdeflate:
            // `bench-process` times both in one run.
            let reader = NIfTIReader(maximumVolumeBytes: options.maximumVolumeBytes, gzipReading: gzip)
            let scan = try reader.read(self.scan, volume: options.volume)
            let labelling = ScanLabeller.label(scan, options: options)
            var report = LabelReport(scan: scan.header, labelling: labelling, options: options)
            let map = labels != nil || png != nil ? labelling.map : nil
            if let labels, let map {
                try NIfTIWriter.writeLabels(
                    map, like: scan.header, to: labels,
                    description: "lesiontrack \(LesionTrackVersion.current) labels c\(options.connectivity.rawValue)",
                    gzip: gzip == .zlib ? .zlib : .default)
                report.labelsFile = labels
            }
            if let png {
                report.pngSlice = try ReviewSlice.write(
                    scan, labels: map,
                    options: ReviewSliceOptions(plane: pngPlane, convention: pngConvention, slice: pngSlice), to: png)
                report.pngFile = png
            }
            try emit(report)
        }
    }

    private func emit(_ report: LabelReport) throws(ScanError) {
        let body = { (out: TextOutput) throws(ScanError) in
            switch format {
            case .json: try report.writeJSON(out)
            case .csv: try report.writeTable(out, format: .csv)
            case .tsv: try report.writeTable(out, format: .tsv)
            }
        }
        guard let output else { return try TextOutput.standardOutput(body) }
        try TextOutput.file(output, body)
        if format != .json {
            let sidecar = Self.sidecarPath(for: output)
            try TextOutput.file(sidecar) { (out: TextOutput) throws(ScanError) in
                try report.writeSidecar(out, table: output)
            }
        }
    }

    /// `lesions.tsv` → `lesions.json`, as BIDS pairs a table with its sidecar; else `NAME.json`.
    static func sidecarPath(for table: String) -> String {
        for suffix in [".tsv", ".csv"] where table.lowercased().hasSuffix(suffix) {
            return String(table.dropLast(suffix.count)) + ".json"
        }
        return table + ".json"
    }
}

extension LabelCommand {
    static var cores: Int { max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 64)) }
}

extension ViewPlane: ExpressibleByArgument {}
extension NIfTIReader.GzipReading: ExpressibleByArgument {}
extension DisplayConvention: ExpressibleByArgument {}
