import LesionIO
import LesionKernels

/// Writes the review report of an output folder: `report/index.html`, and for each participant
/// `report/sub-<id>.html` with its mosaics in `report/sub-<id>/`. Every file is written atomically.
///
/// Each session's mosaic, and its maximum-intensity projections in three planes, are drawn from its T2 lesion label map (`desc-T2lesions_dseg`), lesions
/// tinted by their ledger state at that session, over the T2 input the map lies on when it can
/// be read on the same grid, else over the label map itself in grey.
public struct ReportWriter {
    public let database: ResultsDatabase
    public let outputFolder: String
    public let reader: NIfTIReader
    public let mosaic: LesionMosaic
    public let projection: LesionProjection

    public init(
        database: ResultsDatabase, outputFolder: String, reader: NIfTIReader = NIfTIReader(),
        mosaic: LesionMosaic = LesionMosaic(), projection: LesionProjection = LesionProjection()
    ) {
        self.database = database
        self.outputFolder = outputFolder
        self.reader = reader
        self.mosaic = mosaic
        self.projection = projection
    }

    /// The report folder, `OUTPUT_DIR/report`.
    public var folder: String { FileSystem.join(outputFolder, "report") }

    /// Writes the pages of `participants` (all when nil) and the index of every participant;
    /// returns the paths written, relative to the output folder.
    @discardableResult
    public func write(participants: [String]? = nil) throws(ScanError) -> [String] {
        try FileSystem.makeDirectory(folder)
        var written: [String] = []
        for data in try database.reportData(participants: participants) {
            written += try writePage(data)
        }
        let entries = try database.reportData().map { data in
            CohortIndexPage.Entry(participantID: data.participantID, className: data.className, page: data.participantID + ".html")
        }
        try AtomicFile.write(Array(CohortIndexPage(entries: entries).html.utf8), to: FileSystem.join(folder, "index.html"))
        return written + ["report/index.html"]
    }

    private func writePage(_ data: PatientReportData) throws(ScanError) -> [String] {
        let imageFolder = FileSystem.join(folder, data.participantID)
        try FileSystem.makeDirectory(imageFolder)
        var written: [String] = []
        var mosaics: [PatientPage.Mosaic] = []
        for visit in data.visits {
            guard let map = data.labelMaps[visit.sessionID] else {
                mosaics.append(.init(sessionID: visit.sessionID, file: nil, projection: nil, slices: [], background: "",
                                     scaleBarMM: nil, note: "no T2 lesion map for this session"))
                continue
            }
            let name = "\(visit.sessionID)_mosaic.png", mip = "\(visit.sessionID)_mip.png"
            let (slices, background, scaleBar) = try drawImages(
                data, visit: visit, map: FileSystem.join(outputFolder, map), mosaic: FileSystem.join(imageFolder, name),
                projection: FileSystem.join(imageFolder, mip))
            mosaics.append(.init(sessionID: visit.sessionID, file: data.participantID + "/" + name,
                                 projection: data.participantID + "/" + mip, slices: slices, background: background,
                                 scaleBarMM: scaleBar, note: nil))
            written += ["report/\(data.participantID)/\(name)", "report/\(data.participantID)/\(mip)"]
        }
        let page = PatientPage(data: data, mosaics: mosaics)
        try AtomicFile.write(Array(page.html.utf8), to: FileSystem.join(folder, data.participantID + ".html"))
        return written + ["report/\(data.participantID).html"]
    }

    /// Draws one session's mosaic and projections; returns the slices shown, what the background
    /// is, and the scale bar's length in mm (nil when none was drawn).
    private func drawImages(
        _ data: PatientReportData, visit: PatientReportData.Visit, map: String, mosaic path: String,
        projection projectionPath: String
    ) throws(ScanError) -> ([Int], String, Double?) {
        let labels = try reader.read(map)
        var tintOfID: [Int: ReviewTint] = [:]
        for row in data.ledger where row.visit == visit.visit { tintOfID[row.lesionID] = ReviewTint(state: row.state) }
        let size = labels.voxels.size
        let tints = Volume(size: size, voxels: (0..<size.voxelCount).map { offset -> Int32 in
            let id = Int(labels.intensity(at: offset))
            return id == 0 ? 0 : (tintOfID[id] ?? .other).rawValue
        })
        var background: Scan = labels
        var backgroundName = "label map"
        if let bids = try database.bidsDirectory(of: data.participantID) {
            let t2Path = FileSystem.join(bids, visit.t2File)
            if FileSystem.kind(t2Path) == .file, let t2 = try? reader.read(t2Path), t2.voxels.size == size {
                background = t2
                backgroundName = "T2 input"
            }
        }
        // Read once: the mosaic samples each voxel many times.
        let values = (0..<size.voxelCount).map(background.intensity(at:))
        var window = DisplayWindow.quantiles(voxelCount: values.count, intensity: { values[$0] })
        if window.high <= window.low { window = (min(0, window.low), max(window.high, 1)) }
        let result = mosaic.render(geometry: labels.geometry, tints: tints, window: window, intensity: { values[$0] })
        try PNGFile.write(result.image, to: path)
        let projected = projection.render(geometry: labels.geometry, tints: tints, window: window, intensity: { values[$0] })
        try PNGFile.write(projected.image, to: projectionPath)
        return (result.slices, backgroundName, result.scaleBarPixels > 0 ? mosaic.scaleBarMM : nil)
    }
}
