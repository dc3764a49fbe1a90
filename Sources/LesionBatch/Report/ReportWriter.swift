import LesionIO
import LesionKernels
import LesionStudy

/// Writes the review report of an output folder: `report/index.html`, and for each participant
/// `report/sub-<id>.html` with its images in `report/sub-<id>/`. Every file is written atomically.
///
/// Each session's mosaic, and its maximum-intensity projections in three planes, are drawn from
/// its T2 lesion label map (`desc-T2lesions_dseg`), lesions tinted by their ledger state at that
/// session and outlined when enhancing, over the session's anatomy placed on the map's grid
/// (`VisitBackground`: its FLAIR or other anatomical image, through the run's stored transform
/// when registered), else over the T2 input or the label map in grey, the page saying which and
/// why. The lesions `CloseUpChoice` picks get a strip of close-ups, one tile per session from the
/// same images (`lesion-<id>_closeup.png`).
public struct ReportWriter {
    public let database: ResultsDatabase
    public let outputFolder: String
    public let reader: NIfTIReader
    public let mosaic: LesionMosaic
    public let projection: LesionProjection
    public let closeUp: LesionCloseUp
    /// The most lesions a page shows close-ups of (`CloseUpChoice.choose`).
    public let closeUpLimit: Int

    public init(
        database: ResultsDatabase, outputFolder: String, reader: NIfTIReader = NIfTIReader(),
        mosaic: LesionMosaic = LesionMosaic(), projection: LesionProjection = LesionProjection(),
        closeUp: LesionCloseUp = LesionCloseUp(), closeUpLimit: Int = 3
    ) {
        self.database = database
        self.outputFolder = outputFolder
        self.reader = reader
        self.mosaic = mosaic
        self.projection = projection
        self.closeUp = closeUp
        self.closeUpLimit = closeUpLimit
    }

    /// The report folder, `OUTPUT_DIR/report`.
    public var folder: String { FileSystem.join(outputFolder, "report") }

    /// Writes the report of `outputFolder` after a run or merge that `changed` its results, or
    /// when it has none yet; one that changed nothing leaves an existing report as it is, still
    /// current. Returns the paths written.
    @discardableResult
    public static func refresh(
        outputFolder: String, changed: Bool, participants: [String]? = nil, progress: ProgressReporter? = nil
    ) throws(ScanError) -> [String] {
        guard changed || access(FileSystem.join(outputFolder, "report/index.html"), F_OK) != 0 else { return [] }
        let database = try ResultsDatabase(outputFolder: outputFolder, create: false)
        return try ReportWriter(database: database, outputFolder: outputFolder).write(participants: participants, progress: progress)
    }

    /// Writes the pages of `participants` (all when nil) and the index of every participant,
    /// reporting each page to `progress`; returns the paths written, relative to the output
    /// folder.
    @discardableResult
    public func write(participants: [String]? = nil, progress: ProgressReporter? = nil) throws(ScanError) -> [String] {
        try FileSystem.makeDirectory(folder)
        var written: [String] = []
        let selected = try database.reportData(participants: participants)
        progress?.reportStarted(pages: selected.count)
        for data in selected {
            written += try writePage(data)
            progress?.reportWrote(data.participantID)
        }
        let entries = try database.reportData().map { data in
            CohortIndexPage.Entry(
                participantID: data.participantID, className: data.className, urgentReview: data.urgentReview,
                page: data.participantID + ".html")
        }
        try AtomicFile.write(Array(CohortIndexPage(entries: entries).html.utf8), to: FileSystem.join(folder, "index.html"))
        progress?.reportFinished(folder: folder)
        return written + ["report/index.html"]
    }

    private func writePage(_ data: PatientReportData) throws(ScanError) -> [String] {
        let source = database.path + " (patients.participant_id)"
        let imageFolder = try ContainedPath.resolve(data.participantID, in: folder, source: source)
        guard !data.participantID.contains("/") else {
            throw ScanError(source, "participant ID '\(data.participantID)' is not a folder name: refused")
        }
        try FileSystem.makeDirectory(imageFolder)
        var written: [String] = []
        var mosaics: [PatientPage.Mosaic] = []
        let chosen = CloseUpChoice.choose(data, limit: closeUpLimit)
        var tiles = [[RGBImage]](repeating: [], count: chosen.count)
        for visit in data.visits {
            guard let map = data.labelMaps[visit.sessionID] else {
                mosaics.append(
                    .init(
                        sessionID: visit.sessionID, file: nil, projection: nil, slices: [], background: "",
                        scaleBarMM: nil, note: "no T2 lesion map for this session"))
                for n in chosen.indices { tiles[n].append(closeUp.emptyTile) }
                continue
            }
            let name = "\(visit.sessionID)_mosaic.png", mip = "\(visit.sessionID)_mip.png"
            let image = try visitImage(
                data, visit: visit, map: try ContainedPath.resolve(map, in: outputFolder, source: database.path + " (outputs.path)"))
            let result = mosaic.render(geometry: image.geometry, tints: image.tints, window: image.window, intensity: { image.values[$0] })
            try PNGFile.write(result.image, to: FileSystem.join(imageFolder, name))
            let projected = projection.render(
                geometry: image.geometry, tints: image.tints, window: image.window, intensity: { image.values[$0] })
            try PNGFile.write(projected.image, to: FileSystem.join(imageFolder, mip))
            for (n, choice) in chosen.enumerated() {
                tiles[n].append(
                    closeUp.tile(
                        centre: choice.centre, geometry: image.geometry, tints: image.tints, window: image.window,
                        intensity: { image.values[$0] }))
            }
            mosaics.append(
                .init(
                    sessionID: visit.sessionID, file: data.participantID + "/" + name,
                    projection: data.participantID + "/" + mip, slices: result.slices,
                    background: image.background,
                    scaleBarMM: result.scaleBarPixels > 0 ? mosaic.scaleBarMM : nil, note: nil, gdNote: image.gdNote))
            written += ["report/\(data.participantID)/\(name)", "report/\(data.participantID)/\(mip)"]
        }
        var closeUps: [PatientPage.CloseUp] = []
        for (n, choice) in chosen.enumerated() {
            let name = "lesion-\(choice.lesionID)_closeup.png"
            try PNGFile.write(closeUp.strip(tiles[n]), to: FileSystem.join(imageFolder, name))
            closeUps.append(.init(choice: choice, file: data.participantID + "/" + name))
            written.append("report/\(data.participantID)/\(name)")
        }
        let page = PatientPage(data: data, mosaics: mosaics, closeUps: closeUps, closeUpFieldMM: closeUp.fieldMM)
        try AtomicFile.write(Array(page.html.utf8), to: FileSystem.join(folder, data.participantID + ".html"))
        return written + ["report/\(data.participantID).html"]
    }

    /// One session's images as drawn: the label map's grid, the tint code of each voxel, the
    /// background intensities and their display window, and what the background is.
    private struct VisitImage {
        let geometry: VoxelGeometry
        let tints: Volume<Int32>
        let values: [Double]
        let window: (low: Double, high: Double)
        let background: String
        /// Why the session's Gd+ map is not drawn, when it exists and is not.
        let gdNote: String?
    }

    /// Reads one session's label map and background and tints each lesion by its ledger state
    /// (`ReviewTint.code`, enhancing lesions flagged).
    private func visitImage(_ data: PatientReportData, visit: PatientReportData.Visit, map: String) throws(ScanError) -> VisitImage {
        let (labels, toSession) = try onBaselineGrid(try reader.read(map), data, visit: visit)
        var codeOfID: [Int: Int32] = [:]
        for row in data.ledger where row.visit == visit.visit {
            codeOfID[row.lesionID] = ReviewTint.code(state: row.state, enhancing: row.enhancing == true)
        }
        let size = labels.size
        // Gd+ voxels with no T2 lesion under them are drawn too: the ledger follows T2 lesions only.
        // Like the background, an unreadable map leaves them out rather than the page.
        let (gd, gdNote) = gdOnDrawnGrid(data, visit: visit, drawn: labels, toSession: toSession)
        let gdOnly = ReviewTint.gdOnly.rawValue | ReviewTint.enhancingFlag
        let tints = Volume(
            size: size,
            voxels: (0..<size.voxelCount).map { offset -> Int32 in
                let id = Int(labels.intensity(at: offset))
                if id == 0 { return gd.map { $0.voxels[offset] > 0 ? gdOnly : 0 } ?? 0 }
                return codeOfID[id] ?? ReviewTint.other.rawValue
            })
        let (values, backgroundName) = background(data, visit: visit, labels: labels)
        var window = DisplayWindow.quantiles(voxelCount: values.count, intensity: { values[$0] })
        if window.high <= window.low { window = (min(0, window.low), max(window.high, 1)) }
        return VisitImage(
            geometry: labels.geometry, tints: tints, values: values, window: window, background: backgroundName, gdNote: gdNote)
    }

    /// A label map as drawn: its values by storage offset on a grid.
    private struct DrawnLabels {
        let geometry: VoxelGeometry
        let values: [Double]
        var size: GridSize { geometry.size }
        func intensity(at offset: Int) -> Double { values[offset] }
    }

    /// Whether the run registered `visit`'s session to the baseline (a later session with a
    /// `registrations` row moving one of its images to another session's).
    private func registered(_ data: PatientReportData, _ visit: PatientReportData.Visit) -> Bool {
        let baseline = data.visits.first?.sessionID ?? visit.sessionID
        func inSession(_ path: String) -> Bool { path.split(separator: "/").contains { $0 == visit.sessionID } }
        return visit.sessionID != baseline && data.registrations.contains { inSession($0.moving) && !inSession($0.fixed) }
    }

    /// The session's label map on the baseline's grid, where every visit is drawn, and the
    /// transform that placed it (drawn grid's world → the session's world), nil when it is drawn
    /// on its own grid. A registered session's map lies on its own image's grid in that image's
    /// world (`DerivativeMaps`): it is placed on the baseline session's map grid through the stored
    /// transform, nearest neighbour. Any other map is drawn on its own grid, as are maps whose
    /// transform or baseline is missing.
    private func onBaselineGrid(
        _ labels: Scan, _ data: PatientReportData, visit: PatientReportData.Visit
    ) throws(ScanError) -> (DrawnLabels, toSession: Affine?) {
        let own = DrawnLabels(geometry: labels.geometry, values: (0..<labels.voxels.size.voxelCount).map(labels.intensity(at:)))
        guard registered(data, visit), let baseline = data.visits.first?.sessionID, let baselineMap = data.labelMaps[baseline],
            let baselinePath = try? ContainedPath.resolve(baselineMap, in: outputFolder, source: database.path + " (outputs.path)"),
            let target = try? reader.readHeader(baselinePath).geometry
        else { return (own, nil) }
        let transformFile = StoredTransformFile.visitToBaseline(
            participantID: data.participantID, session: visit.sessionID, baselineSession: baseline)
        guard let path = try? ContainedPath.resolve(transformFile, in: outputFolder, source: "report"),
            let transform = StoredTransformFile.transform(at: path, moving: nil),
            let placement = GridPlacement(source: labels.geometry, onto: target, through: transform)
        else { return (own, nil) }
        let placed = placement.nearest(labels.intensity(at:), outside: 0)
        return (DrawnLabels(geometry: target, values: placed.voxels), transform)
    }

    /// The session's Gd+ label map on the grid its T2 map is drawn on, nearest neighbour; nil and
    /// why when there is a map that cannot be placed (unreadable, or a transform it needs missing),
    /// nil and no reason when there is none.
    ///
    /// The map lies on the grid of the visit's Gd input, in that input's world (`DerivativeMaps`).
    /// When the run registered that input, or the image whose grid it shares (a segmenter's mask
    /// on the post-contrast T1w's grid), to its visit's reference series (a `registrations` row
    /// within the session), the map is reached through that stored transform after `toSession`,
    /// the transform that placed the T2 map; otherwise through `toSession` alone, or by the
    /// headers when the T2 map is drawn on its own grid. So a grid of the same size in another
    /// pose (a raw post-contrast T1w) is never drawn as if it were the T2 map's grid.
    private func gdOnDrawnGrid(
        _ data: PatientReportData, visit: PatientReportData.Visit, drawn: DrawnLabels, toSession: Affine?
    ) -> (Volume<Double>?, note: String?) {
        guard let gdMap = data.gdMaps[visit.sessionID] else { return (nil, nil) }
        let name = gdMap.split(separator: "/").last.map(String.init) ?? gdMap
        let gd: Scan
        do throws(ScanError) {
            gd = try reader.read(try ContainedPath.resolve(gdMap, in: outputFolder, source: database.path + " (outputs.path)"))
        } catch {
            return (nil, "\(name) could not be read: \(error.problem)")
        }
        var transform = toSession ?? Affine.spacing(1, 1, 1)
        func inSession(_ file: String) -> Bool { file.split(separator: "/").contains { $0 == visit.sessionID } }
        let within = data.registrations.filter { inSession($0.moving) && inSession($0.fixed) }
        var registration = within.first { $0.moving == visit.gdFile }
        if registration == nil, !within.isEmpty, let study = data.bidsDirectory {
            registration = within.first { row in
                guard let moving = try? reader.readHeader(FileSystem.join(study, row.moving)).geometry else { return false }
                return moving.size == gd.geometry.size && moving.affine.maximumDifference(from: gd.geometry.affine) < 0.01
            }
        }
        if let registration {
            let file = StoredTransformFile.withinVisit(
                participantID: data.participantID, session: visit.sessionID, moving: registration.moving,
                reference: registration.fixed)
            guard let stored = try? ContainedPath.resolve(file, in: outputFolder, source: "report"),
                let toGd = StoredTransformFile.transform(at: stored, moving: registration.moving)
            else {
                let moving = registration.moving.split(separator: "/").last.map(String.init) ?? registration.moving
                return (nil, "the transform registering \(moving) to its visit's reference series, \(file), is missing or unreadable")
            }
            transform = toGd.concatenating(transform)
        }
        guard let placement = GridPlacement(source: gd.geometry, onto: drawn.geometry, through: transform) else {
            return (nil, "\(name) has a singular affine")
        }
        return (placement.nearest(gd.intensity(at:), outside: 0), nil)
    }

    /// The session's anatomy on the label map's grid (`VisitBackground`) and what it is; without
    /// one (none in the session, or it or its transform unreadable) the T2 input when it lies on
    /// the label map's grid in an unregistered session, else the label map itself, in grey, with
    /// the reason.
    private func background(
        _ data: PatientReportData, visit: PatientReportData.Visit, labels: DrawnLabels
    ) -> (values: [Double], description: String) {
        let bids = data.bidsDirectory
        let baseline = data.visits.first?.sessionID ?? visit.sessionID
        // A later session the run registered: its files lie in its own world, whatever their grids.
        let registered = registered(data, visit)
        var reason = "no anatomical image in the session"
        if let choice = VisitBackground.choose(
            session: visit.sessionID, files: data.sessionFiles[visit.sessionID] ?? [], registrations: data.registrations)
        {
            if let bids {
                let transformFile =
                    registered
                    ? StoredTransformFile.visitToBaseline(
                        participantID: data.participantID, session: visit.sessionID, baselineSession: baseline) : nil
                switch VisitBackground.load(
                    choice, study: bids, outputFolder: outputFolder, transformFile: transformFile, baselineSession: baseline,
                    onto: labels.geometry, reader: reader)
                {
                case .success(let placed): return placed
                case .failure(let failure): reason = failure.reason
                }
            } else {
                reason = "the run recorded no study folder"
            }
        }
        let size = labels.size
        if let bids, !registered {
            let t2Path = FileSystem.join(bids, visit.t2File)
            if FileSystem.kind(t2Path) == .file, let t2 = try? reader.read(t2Path),
                let placed = AnatomyUnderlay.place(source: t2.geometry, value: t2.intensity(at:), onto: labels.geometry),
                placed.placement == .sameGrid
            {
                let name = visit.t2File.split(separator: "/").last.map(String.init) ?? visit.t2File
                return (placed.values, "T2 input (\(name)) in grey: \(reason)")
            }
        }
        return ((0..<size.voxelCount).map(labels.intensity(at:)), "label map in grey: \(reason)")
    }
}
