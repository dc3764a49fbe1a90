import LesionIO
import LesionKernels

/// The cortex, grey-matter and ventricle maps of a patient's visits, chosen by the rules file's patterns
/// and read onto the baseline grid.
///
/// Per session, the first source (in file order) that matches a file of the session is used; two
/// files matching one source are refused, naming both. A session without a map uses the latest
/// earlier session's (visits are co-registered and anatomy changes little between them); visits
/// before the first map have none. Masks are placed by nearest neighbour, probability maps by
/// trilinear interpolation, then thresholded in the stored type (scaled value ≥ the source's
/// threshold); voxels outside a map's field (NaN) are never inside it. A map carried forward is
/// read once.
struct AnatomyMaps {
    /// The map one visit uses.
    struct Choice: Sendable, Equatable {
        let file: String
        let source: LesionSource
        /// The session the file belongs to (an earlier one when carried forward).
        let session: String
    }

    /// A map as placed on the grid, with how it fit.
    struct Placed {
        let choice: Choice
        let mask: BitMask
        let fit: GridFit
    }

    /// One per visit, nil where there is no map.
    let cortex: [Choice?]
    let greyMatter: [Choice?]
    let ventricles: [Choice?]

    static func select(_ folder: PatientFolder, rules: RulesFile) throws(ScanError) -> AnatomyMaps {
        AnatomyMaps(
            cortex: try choose(folder, rules.cortex, key: "features.cortex"),
            greyMatter: try choose(folder, rules.greyMatter, key: "features.grey_matter"),
            ventricles: try choose(folder, rules.ventricles, key: "features.ventricles"))
    }

    private static func choose(_ folder: PatientFolder, _ sources: [LesionSource], key: String) throws(ScanError) -> [Choice?] {
        var choices: [Choice?] = []
        var last: Choice?
        for session in folder.sessions {
            var own: Choice?
            for (n, source) in sources.enumerated() where own == nil {
                let found = session.files.filter { source.matches(stem: FileNamePattern.niftiStem(VisitInputs.fileName($0))!) }
                guard found.count <= 1 else {
                    throw ScanError(
                        found[0],
                        "matches \(key)[\(n + 1)] (\(source.pattern)) together with \(found[1]): keep one file per role and session")
                }
                if let file = found.first { own = Choice(file: file, source: source, session: session.label) }
            }
            if let own { last = own }
            choices.append(last)
        }
        return choices
    }

    /// Reads maps onto a grid, keeping the last one read.
    struct Reader {
        let reader: NIfTIReader
        private var cached: Placed?

        init(reader: NIfTIReader) { self.reader = reader }

        mutating func place(_ choice: Choice?, on grid: ReferenceGrid) throws(ScanError) -> Placed? {
            guard let choice else { return nil }
            if let cached, cached.choice == choice { return cached }
            let method: GridFit.ResamplingMethod = choice.source.kind == .mask ? .nearest : .trilinear
            let (scan, fit) = try grid.place(try reader.readSingleVolume(choice.file, role: "map"), method: method)
            let window = IntensityWindow(lower: choice.source.threshold)
            let placed = Placed(choice: choice, mask: scan.voxels.visit(Threshold(window: window, scaling: scan.scaling)), fit: fit)
            cached = placed
            return placed
        }
    }
}

/// Thresholds a map in its stored type (`SIMDThreshold`): scaled value ≥ the window's lower bound.
private struct Threshold: VolumeVisitor {
    let window: IntensityWindow
    let scaling: IntensityScaling

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> BitMask {
        SIMDThreshold.bitMask(volume, window: StoredWindow<T>(window, scaling: scaling))
    }
}
