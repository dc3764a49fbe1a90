import LesionIO
import LesionKernels

/// Places every series of every visit on the baseline: the registration stage of a patient run.
///
/// Each visit's reference series (FLAIR) is registered rigidly to the baseline's; each other
/// series to its own visit's reference; the two are composed. A lesion map or brain mask follows
/// the image whose grid it shares (a segmenter's map lies on the grid of the image it was made
/// from), else its visit's reference. The result maps each file to the transform from baseline
/// world to that file's world, which `ReferenceGrid` resamples through with LesionTrack's own
/// kernels (nearest neighbour for masks, trilinear for images).
///
/// Quality control refuses, naming both files and the figure: a visit whose reference image
/// correlates below `registration_qc.min_correlation` with the baseline's after registration (or,
/// unregistered, as placed by the headers), and any image that fits better mirrored left-right
/// than as it is (a flip in the data that the header does not state).
struct VisitAlignment {
    let settings: RegistrationSettings
    let context: RegistrationContext
    let reader: NIfTIReader
    let participantID: String?
    let sameGridToleranceMM: Double

    typealias Record = RegistrationRecord

    /// The transform (baseline world → file world) of every file that needs one, and the
    /// registrations done or reused, in order.
    func align(
        _ visits: [VisitInputs], grid: ReferenceGrid
    ) throws(ScanError) -> (alignments: [String: Affine], images: [AlignedImage], records: [Record]) {
        let references = visits.map { visit in
            visit.registrationImages.reference ?? (visit.t2Source.kind.readsImage ? visit.t2File : nil)
        }
        let complete = references.allSatisfy { $0 != nil }
        switch settings.mode {
        case .none:
            if complete { try checkUnregistered(references.map { $0! }) }
            return ([:], [], [])
        case .auto:
            guard complete else { return ([:], [], []) }
            if try onOneGrid(visits, references: references.map { $0! }, grid: grid) {
                try checkUnregistered(references.map { $0! })
                return ([:], [], [])
            }
        case .rigid:
            if let missing = references.firstIndex(where: { $0 == nil }) {
                throw ScanError(
                    visits[missing].t2File,
                    "registration: rigid needs each visit's reference image (registration_qc.reference_image \(settings.referenceImage)), and this visit has none"
                )
            }
        }
        return try register(visits, references: references.map { $0! })
    }

    /// True when every image and map of every visit lies on the baseline grid already.
    private func onOneGrid(_ visits: [VisitInputs], references: [String], grid: ReferenceGrid) throws(ScanError) -> Bool {
        for (n, visit) in visits.enumerated() {
            for file in [references[n]] + visit.registrationImages.others + files(of: visit) {
                let header = try reader.readHeader(file)
                guard let placement = GridPlacement(source: header.geometry, onto: grid.geometry),
                    let displacement = placement.cornerDisplacementMM, displacement <= sameGridToleranceMM
                else { return false }
            }
        }
        return true
    }

    /// Without registration, each visit's reference image must correlate with the baseline's.
    private func checkUnregistered(_ references: [String]) throws(ScanError) {
        guard references.count > 1 else { return }
        let baseline = try RigidRegistration.load(references[0], reader: reader)
        for file in references.dropFirst() {
            let moving = try RigidRegistration.load(file, reader: reader)
            let quality = RigidRegistration.measure(baseline, moving.values, moving.geometry, .spacing(1, 1, 1))
            guard quality.correlation >= settings.minimumCorrelation else {
                throw ScanError(
                    file,
                    "does not line up with \(references[0]) without registration: correlation \(Self.rounded(quality.correlation)) over the baseline's head < \(JSON.number(settings.minimumCorrelation)) (registration_qc.min_correlation): the visits are not co-registered (set registration: auto in the pipeline file)"
                )
            }
        }
    }

    private func files(of visit: VisitInputs) -> [String] {
        [visit.t2File, visit.gdFile, visit.preContrastFile, visit.t1File, visit.brainMaskFile].compactMap { $0 }
    }

    private func register(
        _ visits: [VisitInputs], references: [String]
    ) throws(ScanError) -> (alignments: [String: Affine], images: [AlignedImage], records: [Record]) {
        let parameters = BuiltInFile.rigidRegistration
        let parametersSHA = SHA256.hex(parameters.bytes)
        let engine = try RigidRegistration(
            parameterBytes: parameters.bytes, threads: context.threads, reader: reader, enginePath: context.enginePath)
        var alignments: [String: Affine] = [:]
        var aligned: [AlignedImage] = []
        var records: [Record] = []
        var hashes: [String: String] = [:]
        func hash(_ file: String) throws(ScanError) -> String {
            if let known = hashes[file] { return known }
            let value = SHA256.hex(try FileSystem.read(file))
            hashes[file] = value
            return value
        }
        /// fixed world → moving world, reused from the output folder when its key matches.
        func transform(
            fixed: String, moving: String, session: String?, from: String, to: String, sameContrast: Bool
        ) throws(ScanError) -> Affine {
            let key = "rigid \(try hash(fixed)) \(try hash(moving)) \(parametersSHA)"
            let stored = storedPath(session: session, from: from, to: to)
            let root = context.transformsFolder ?? "."
            let files = stored.map { path in
                [path, path.replacingOccurrences(".txt", ".elastix.txt")].map { String($0.dropFirst(root.count + 1)) }
            }
            if let stored, let previous = StoredTransform.read(stored), previous.key == key {
                records.append(Record(from: moving, to: fixed, figures: previous.figures, reused: true, files: files ?? []))
                return previous.transform
            }
            let secondsBefore = engine.engineSeconds
            let result = try engine.register(fixed: fixed, moving: moving, mirrorCheck: true)
            try check(result, sameContrast: sameContrast)
            var figures = [
                ("correlation_before", result.before.correlation), ("correlation_after", result.after.correlation),
                ("mutual_information_before", result.before.mutualInformation),
                ("mutual_information_after", result.after.mutualInformation),
            ]
            if let mirrored = result.mirrored {
                figures += [("correlation_mirrored", mirrored.correlation), ("mutual_information_mirrored", mirrored.mutualInformation)]
            }
            figures = figures.map { ($0.0, Self.rounded($0.1)) }
            // This registration's time in elastix: the image as it is and mirrored.
            figures.append(("elastix_seconds", Self.rounded(engine.engineSeconds - secondsBefore)))
            if let stored {
                let record = StoredTransform(
                    key: key, from: moving, to: fixed, transform: result.transform, figures: figures,
                    engine: "elastix \(try engine.engineVersion()) \(parameters.path) sha256 \(parametersSHA)")
                // Written only inside the output folder, whatever the folder names held.
                _ = try ContainedPath.resolve(String(stored.dropFirst(root.count + 1)), in: root, source: moving)
                try Self.makeFolders(Self.folder(of: stored), under: root)
                try AtomicFile.write(Array(record.text.utf8), to: stored)
                try AtomicFile.write(Array(result.elastixText.utf8), to: stored.replacingOccurrences(".txt", ".elastix.txt"))
            }
            records.append(Record(from: moving, to: fixed, figures: figures, reused: false, files: files ?? []))
            return result.transform
        }

        let baselineLabel = Self.entity(visits[0].session ?? "baseline")
        // Visits first, so a visit that cannot be aligned is refused before its series cost time.
        var visitTransforms = [Affine.spacing(1, 1, 1)]
        for (n, visit) in visits.enumerated().dropFirst() {
            let toVisit = try transform(
                fixed: references[0], moving: references[n], session: visit.session,
                from: Self.entity(visit.session ?? "followup"), to: baselineLabel, sameContrast: true)
            alignments[references[n]] = toVisit
            visitTransforms.append(toVisit)
        }
        for (n, visit) in visits.enumerated() {
            let reference = references[n]
            let toVisit = visitTransforms[n]
            var images: [(file: String, transform: Affine, geometry: VoxelGeometry)] = [
                (reference, toVisit, try reader.readHeader(reference).geometry)
            ]
            for other in visit.registrationImages.others {
                let within = try transform(
                    fixed: reference, moving: other, session: visit.session, from: Self.series(other), to: Self.series(reference),
                    sameContrast: false)
                let composed = within.concatenating(toVisit)
                alignments[other] = composed
                images.append((other, composed, try reader.readHeader(other).geometry))
            }
            for image in images where n > 0 || image.file != reference {
                aligned.append(
                    AlignedImage(session: AlignedImage.session(of: image.file), geometry: image.geometry, transform: image.transform))
            }
            for file in files(of: visit) where alignments[file] == nil && !images.contains(where: { $0.file == file }) {
                let geometry = try reader.readHeader(file).geometry
                let host = images.first { image in
                    guard let placement = GridPlacement(source: geometry, onto: image.geometry),
                        let displacement = placement.cornerDisplacementMM
                    else { return false }
                    return displacement <= sameGridToleranceMM
                }
                let chosen = host?.transform ?? toVisit
                if n > 0 || host?.file != reference { alignments[file] = chosen }
            }
        }
        return (alignments, aligned, records)
    }

    /// Refuses a registration whose figures show it failed.
    func check(_ result: RigidRegistration.Result, sameContrast: Bool) throws(ScanError) {
        if let mirrored = result.mirrored {
            let (asIs, flipped, figure) =
                sameContrast
                ? (result.after.correlation, mirrored.correlation, "correlation")
                : (result.after.mutualInformation, mirrored.mutualInformation, "normalised mutual information")
            guard flipped - asIs <= settings.maximumMirrorAdvantage else {
                throw ScanError(
                    result.moving,
                    "fits \(result.fixed) better mirrored left-right than as it is (\(figure) \(Self.rounded(flipped)) mirrored against \(Self.rounded(asIs)), registration_qc.max_mirror_advantage \(JSON.number(settings.maximumMirrorAdvantage))): its data look flipped relative to its header; refused, not aligned"
                )
            }
        }
        if sameContrast {
            guard result.after.correlation >= settings.minimumCorrelation else {
                throw ScanError(
                    result.moving,
                    "cannot be aligned with \(result.fixed): correlation \(Self.rounded(result.after.correlation)) over the baseline's head after rigid registration < \(JSON.number(settings.minimumCorrelation)) (registration_qc.min_correlation): another head, or a failed registration; refused"
                )
            }
        }
    }

    /// Where a transform of `session` is stored, or nil when transforms are not kept.
    private func storedPath(session: String?, from: String, to: String) -> String? {
        guard let root = context.transformsFolder, let session, let participantID else { return nil }
        return root + "/" + StoredTransformFile.path(participantID: participantID, session: session, from: from, to: to)
    }

    /// A BIDS entity value: letters and digits only (`ses-02` → `02`).
    static func entity(_ label: String) -> String {
        let value = label.hasPrefix("ses-") ? String(label.dropFirst(4)) : label
        return String(value.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// A series' name as an entity value: its stem after the `sub-`/`ses-` entities, letters and
    /// digits only (`sub-01_ses-02_ce-gadolinium_T1w` → `cegadoliniumT1w`).
    static func series(_ file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        let stem = FileNamePattern.niftiStem(name) ?? name
        let parts = stem.split(separator: "_").filter { !$0.hasPrefix("sub-") && !$0.hasPrefix("ses-") }
        return entity(parts.joined())
    }

    /// Creates `folder` and its parents below `root` (which must exist).
    static func makeFolders(_ folder: String, under root: String) throws(ScanError) {
        var path = root
        for part in folder.dropFirst(root.count).split(separator: "/") {
            path += "/" + part
            try FileSystem.makeDirectory(path)
        }
    }

    static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    }

    static func rounded(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}

extension String {
    /// The string with the last occurrence of `suffix` at its end replaced.
    fileprivate func replacingOccurrences(_ suffix: String, _ replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
