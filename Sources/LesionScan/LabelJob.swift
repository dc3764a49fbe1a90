import LesionIO
import LesionKernels

/// `label` on one file: read it, label it, write the label map and the review slice asked for, and
/// return the report that describes them.
public struct LabelJob: Sendable {
    /// The scan to label.
    public var scan: String
    public var options: LabelOptions
    /// How `.nii.gz` is read and written: libdeflate whole-buffer, or zlib's streams only.
    public var gzip: NIfTIReader.GzipReading = .libdeflate
    /// Where to write the label map, if anywhere.
    public var labelsFile: String?
    /// Where to write a PNG review slice, and how to draw it, if anywhere.
    public var pngFile: String?
    public var pngOptions = ReviewSliceOptions()

    public init(scan: String, options: LabelOptions) {
        self.scan = scan
        self.options = options
    }

    /// Reads, labels and writes the files asked for; the report names them.
    public func run() throws(ScanError) -> LabelReport {
        let reader = NIfTIReader(maximumVolumeBytes: options.maximumVolumeBytes, gzipReading: gzip)
        let scan = try reader.read(self.scan, volume: options.volume)
        let labelling = ScanLabeller.label(scan, options: options)
        var report = LabelReport(scan: scan.header, labelling: labelling, options: options)
        // The dense map only for the PNG: a .nii.gz label map is encoded from the runs.
        let map = pngFile != nil ? labelling.map : nil
        if let labelsFile {
            let description = "lesiontrack \(LesionTrackVersion.current) labels c\(options.connectivity.rawValue)"
            let writing: NIfTIWriter.GzipWriting = gzip == .zlib ? .zlib : .default
            if let map {
                try NIfTIWriter.writeLabels(map, like: scan.header, to: labelsFile, description: description, gzip: writing)
            } else {
                try NIfTIWriter.writeLabels(
                    labelling.runs, count: labelling.lesions.count, like: scan.header, to: labelsFile,
                    description: description, gzip: writing)
            }
            report.labelsFile = labelsFile
        }
        if let pngFile {
            report.pngSlice = try ReviewSlice.write(scan, labels: map, options: pngOptions, to: pngFile)
            report.pngFile = pngFile
        }
        return report
    }
}
