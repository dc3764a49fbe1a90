import LesionIO
import LesionKernels
import LesionStudy

/// The anatomy drawn under a session's lesions in the report: which image, and how it reaches the
/// label map's grid (the baseline grid).
///
/// The image is the session's registration reference series when the run registered it (the
/// `fixed` or `moving` image of a `registrations` row; the FLAIR by default), else its FLAIR, else
/// its T1w (a pre-contrast one first), else any anatomical image of the session (`scans` table).
/// It reaches the label map's grid in one trilinear resampling (`AnatomyUnderlay`): at the
/// baseline session, and in runs that did not register, by the headers alone (an exact copy when
/// the grids coincide); at a later session of a registered run, through the transform that run
/// stored under the output folder (`StoredTransformFile.visitToBaseline`), so `report` needs
/// neither elastix nor any output beyond the run's. The report resamples at drawing time and
/// writes no registered image, as FSL and ANTs keep the transform and resample when asked
/// (`flirt -applyxfm`, `antsApplyTransforms`).
struct VisitBackground {
    /// The anatomical image chosen, relative to the study, and its series name (`FLAIR`, …).
    struct Choice: Equatable {
        let file: String
        let series: String
    }

    /// BIDS anatomical suffixes, in the order a background is preferred.
    static let anatomicalSuffixes = ["FLAIR", "T1w", "T2w", "PDw", "T2starw", "PD", "T2star", "inplaneT1", "inplaneT2", "T1map"]

    /// The image drawn under `session`'s lesions, or nil when the session has none.
    ///
    /// - Parameters:
    ///   - files: the session's NIfTI files, relative to the study.
    ///   - registrations: the participant's registrations, moving and fixed relative to the study.
    static func choose(session: String, files: [String], registrations: [(moving: String, fixed: String)]) -> Choice? {
        func inSession(_ path: String) -> Bool { path.split(separator: "/").contains { $0 == session } }
        let references = registrations.flatMap { row -> [String] in
            [inSession(row.fixed) ? row.fixed : nil, inSession(row.moving) && !inSession(row.fixed) ? row.moving : nil]
                .compactMap { $0 }
        }
        if let reference = references.sorted().first, let series = series(reference) {
            return Choice(file: reference, series: series)
        }
        let anatomical = files.compactMap { file in series(file).map { Choice(file: file, series: $0) } }
        return anatomical.min { a, b in
            let ra = rank(a), rb = rank(b)
            return ra != rb ? ra < rb : a.file < b.file
        }
    }

    /// The series name of an anatomical image (`FLAIR`, `T1w`, `post-contrast T1w`, …); nil for
    /// masks, label maps, probability maps and anything else.
    static func series(_ file: String) -> String? {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard let stem = FileNamePattern.niftiStem(name), let suffix = stem.split(separator: "_").last.map(String.init),
            anatomicalSuffixes.contains(suffix)
        else { return nil }
        return stem.split(separator: "_").contains { $0.hasPrefix("ce-") } ? "post-contrast \(suffix)" : suffix
    }

    private static func rank(_ choice: Choice) -> Int {
        let suffix = choice.series.split(separator: " ").last.map(String.init) ?? choice.series
        let base = anatomicalSuffixes.firstIndex(of: suffix) ?? anatomicalSuffixes.count
        return 2 * base + (choice.series.hasPrefix("post-contrast") ? 1 : 0)
    }

    /// The chosen image's values on `target` and the words the page shows for it, or why none.
    ///
    /// - Parameters:
    ///   - study: the study folder the run recorded.
    ///   - transformFile: for a registered later session, the stored transform relative to the
    ///     output folder; nil to place the image by its header.
    static func load(
        _ choice: Choice, study: String, outputFolder: String, transformFile: String?, baselineSession: String,
        onto target: VoxelGeometry, reader: NIfTIReader
    ) -> Result<(values: [Double], description: String), Failure> {
        let name = choice.file.split(separator: "/").last.map(String.init) ?? choice.file
        var transform = Affine.spacing(1, 1, 1)
        if let transformFile {
            guard let path = try? ContainedPath.resolve(transformFile, in: outputFolder, source: "report"),
                let stored = StoredTransformFile.transform(at: path, moving: choice.file)
            else {
                return .failure(
                    Failure("the transform registering \(name) to \(baselineSession), \(transformFile), is missing or unreadable"))
            }
            transform = stored
        }
        guard let path = try? ContainedPath.resolve(choice.file, in: study, source: "scans.path"),
            FileSystem.kind(path) == .file
        else { return .failure(Failure("\(name) is no longer in the study folder \(study)")) }
        let scan: Scan
        do { scan = try reader.read(path) } catch { return .failure(Failure("\(name) could not be read: \(error.problem)")) }
        guard let placed = AnatomyUnderlay.place(source: scan.geometry, value: scan.intensity(at:), onto: target, through: transform)
        else { return .failure(Failure("\(name) has a singular affine or transform")) }
        let how: String
        switch (transformFile != nil, placed.placement) {
        case (true, _): how = "registered to \(baselineSession) and resampled trilinearly onto the label map's grid"
        case (false, .sameGrid): how = "on the label map's grid"
        case (false, .resampled): how = "placed by its header and resampled trilinearly onto the label map's grid"
        }
        return .success((placed.values, "\(choice.series) (\(name)), \(how)"))
    }

    /// Why a session's anatomy is not drawn.
    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
