import Dispatch
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

    /// Reads, labels and writes the files asked for, one after the other; the report names them.
    public func run() throws(ScanError) -> LabelReport {
        let (scan, labelling, report) = try labelled()
        let map = pngFile != nil ? labelling.map : nil
        if let labelsFile { try writeMap(scan, labelling, map: map, to: labelsFile, syncingDirectory: true) }
        guard let pngFile else { return report }
        var drawn = report
        drawn.pngSlice = try ReviewSlice.write(scan, labels: map, options: pngOptions, to: pngFile)
        return drawn
    }

    /// Reads, labels, writes the files asked for and the report in `format`: to `output`, written
    /// atomically, or to standard output when nil.
    ///
    /// The label map is encoded and written (flushed and renamed) on a second thread while the PNG
    /// and the report are made and flushed to temporary files, or the report held in memory for
    /// standard output, so the files' disk flushes overlap. The PNG and the report are renamed into
    /// place, or the report printed, only after the label map is in place, and the report only
    /// with the PNG: as when they are written in turn, a file appears only when those before it
    /// were written, the first error is thrown and no temporary file is left. Each file is atomic
    /// as `AtomicFile.write` makes it (a table and its sidecar appear together); a directory
    /// holding several of them is flushed once, after their renames.
    public func run(writing format: LabelReport.Format, to output: String?) throws(ScanError) -> LabelReport {
        let (scan, labelling, labelled) = try labelled()
        var report = labelled
        let map = pngFile != nil ? labelling.map : nil
        let mapWriting = labelsFile.map { path in
            BackgroundWrite { () throws(ScanError) in
                try writeMap(scan, labelling, map: map, to: path, syncingDirectory: false)
            }
        }
        var staged: [AtomicFile.Staged] = []
        var printed: [UInt8]?
        var failure: ScanError?
        do throws(ScanError) {
            if let pngFile {
                let (slice, file) = try ReviewSlice.stage(scan, labels: map, options: pngOptions, to: pngFile)
                report.pngSlice = slice
                staged.append(file)
            }
            if let output {
                staged += try report.stage(format, to: output)
            } else {
                printed = try report.bytes(format)
            }
        } catch {
            failure = error
        }
        // As when the files are written in turn: a file appears only when those before it (the label
        // map, the PNG, the report) were written, and the first failure is the one thrown.
        if let error = mapWriting?.wait() {
            for file in staged { file.discard() }
            throw error
        }
        try AtomicFile.commit(staged, placedBefore: labelsFile.map { [$0] } ?? [])
        if let failure { throw failure }
        if let printed { try TextOutput.standardOutput(printed) }
        return report
    }

    /// The scan, its labelling, and the report naming the label map and PNG asked for.
    private func labelled() throws(ScanError) -> (Scan, LesionLabelling, LabelReport) {
        var reader = NIfTIReader(maximumVolumeBytes: options.maximumVolumeBytes, gzipReading: gzip)
        reader.inflateThreads = options.threads
        let scan = try reader.read(self.scan, volume: options.volume)
        let labelling = ScanLabeller.label(scan, options: options)
        var report = LabelReport(scan: scan.header, labelling: labelling, options: options)
        report.labelsFile = labelsFile
        report.pngFile = pngFile
        return (scan, labelling, report)
    }

    /// Writes the label map: painted when `map` is given (the PNG needs it), else, as `.nii.gz`,
    /// encoded from the runs.
    private func writeMap(
        _ scan: Scan, _ labelling: LesionLabelling, map: LabelMap?, to path: String, syncingDirectory: Bool
    ) throws(ScanError) {
        let description = "lesiontrack \(LesionTrackVersion.current) labels c\(options.connectivity.rawValue)"
        let writing: NIfTIWriter.GzipWriting = gzip == .zlib ? .zlib : .default
        if let map {
            try NIfTIWriter.writeLabels(
                map, like: scan.header, to: path, description: description, gzip: writing,
                syncingDirectory: syncingDirectory)
        } else {
            try NIfTIWriter.writeLabels(
                labelling.runs, count: labelling.lesions.count, like: scan.header, to: path,
                description: description, gzip: writing, syncingDirectory: syncingDirectory)
        }
    }
}

/// A write run on another thread; `wait()` returns its error, if any, once it has finished.
final class BackgroundWrite: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Set on the writing thread before `done` is signalled; read after waiting for it.
    private var error: ScanError?
    private var finished = false

    init(_ work: @escaping @Sendable () throws(ScanError) -> Void) {
        DispatchQueue.global(qos: .userInitiated).async {
            do throws(ScanError) { try work() } catch { self.error = error }
            self.done.signal()
        }
    }

    /// Waits for the write (once; later calls return at once) and returns its error.
    func wait() -> ScanError? {
        if !finished {
            done.wait()
            finished = true
        }
        return error
    }
}
