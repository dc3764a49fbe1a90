#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LesionEngines
import LesionIO
import LesionKernels

/// Runs rigid registrations through elastix in a private working folder and measures each one.
///
/// Each image is read once, written once for elastix (`ElastixInput`), and the transform elastix
/// finds is measured on the fixed grid (`AlignmentQuality`): before (placed by the two affines
/// alone), after, and, when asked, after registering the image mirrored left-right, whose better
/// fit betrays an image flipped in its data but not in its header. elastix is looked up only when
/// the first registration runs, so a run that reuses every stored transform never needs it.
final class RigidRegistration {
    /// An image as registration sees it: its values, its grid, and its copy for elastix.
    struct Image {
        let file: String
        let values: Volume<Double>
        let geometry: VoxelGeometry
        let elastixFile: String
    }

    /// One registration's result: the transform, elastix's own file and the quality figures.
    struct Result {
        let fixed: String
        let moving: String
        /// Fixed world → moving world (RAS, mm).
        let transform: Affine
        let elastixText: String
        let before: AlignmentQuality
        let after: AlignmentQuality
        /// The left-right mirrored moving image after its own registration; nil when not checked.
        let mirrored: AlignmentQuality?
    }

    let parameterBytes: [UInt8]
    let threads: Int
    let reader: NIfTIReader
    let enginePath: String?
    private let workFolder: String
    private var engine: Elastix?
    private var images: [String: Image] = [:]
    private var count = 0
    /// Seconds spent in elastix, summed.
    private(set) var engineSeconds = 0.0

    init(parameterBytes: [UInt8], threads: Int, reader: NIfTIReader, enginePath: String? = nil) throws(ScanError) {
        self.parameterBytes = parameterBytes
        self.threads = threads
        self.reader = reader
        self.enginePath = enginePath
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/lesiontrack-registration-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw ScanError(folder, "cannot create a working folder for elastix", kind: .output) }
        workFolder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try AtomicFile.write(parameterBytes, to: workFolder + "/parameters.txt")
    }

    deinit { Self.removeTree(workFolder) }

    /// The elastix version, locating it first when needed.
    func engineVersion() throws(ScanError) -> String { try elastix().version }

    /// An image read (scaled, first volume) and written for elastix; read once per file.
    func image(_ file: String) throws(ScanError) -> Image {
        if let image = images[file] { return image }
        count += 1
        let image = try Self.load(file, reader: reader, elastixFile: "\(workFolder)/image-\(count).nii")
        try ElastixInput.write(image.values, affine: image.geometry.affine, to: image.elastixFile)
        images[file] = image
        return image
    }

    /// An image read (scaled values of its first volume), to be written for elastix at `elastixFile`.
    static func load(_ file: String, reader: NIfTIReader, elastixFile: String = "") throws(ScanError) -> Image {
        let scan = try reader.read(file)
        return Image(file: file, values: ScaledVolume.of(scan), geometry: scan.header.geometry, elastixFile: elastixFile)
    }

    /// Registers `moving` to `fixed` rigidly and measures the result; with `mirrorCheck`, also
    /// registers the mirrored image and measures that.
    func register(fixed: String, moving: String, mirrorCheck: Bool) throws(ScanError) -> Result {
        let f = try image(fixed), m = try image(moving)
        let (transform, text) = try run(f.elastixFile, m.elastixFile)
        let before = Self.measure(f, m.values, m.geometry, .spacing(1, 1, 1))
        let after = Self.measure(f, m.values, m.geometry, transform)
        var mirrored: AlignmentQuality?
        if mirrorCheck {
            let flippedGeometry = VoxelGeometry(
                size: m.geometry.size, affine: ElastixInput.leftRightMirror.concatenating(m.geometry.affine))
            let path = m.elastixFile.replacingSuffix(".nii", with: "-mirror.nii")
            try ElastixInput.write(m.values, affine: flippedGeometry.affine, to: path)
            let (mirrorTransform, _) = try run(f.elastixFile, path)
            mirrored = Self.measure(f, m.values, flippedGeometry, mirrorTransform)
        }
        return Result(
            fixed: fixed, moving: moving, transform: transform, elastixText: text, before: before, after: after,
            mirrored: mirrored)
    }

    /// Registers `moving` to `fixed` again with `parameterBytes` (a deformable stage), starting
    /// from `initial` (this engine's earlier result for the same pair), and carries `values` (on
    /// `geometry`, in the moving image's world) through the combined transform onto the fixed
    /// image's grid with transformix, by the interpolator the parameter file names.
    ///
    /// - Returns: the carried values on the fixed image's grid (its voxels, its geometry).
    func deform(
        fixed: String, moving: String, from initial: Result, parameterBytes: [UInt8], carrying values: Volume<Double>,
        on geometry: VoxelGeometry
    ) throws(ScanError) -> Volume<Double> {
        let f = try image(fixed), m = try image(moving)
        let engine = try elastix()
        count += 1
        let stem = "\(workFolder)/deform-\(count)"
        try AtomicFile.write(Array(initial.elastixText.utf8), to: stem + "-initial.txt")
        try AtomicFile.write(parameterBytes, to: stem + "-parameters.txt")
        try ElastixInput.write(values, affine: geometry.affine, to: stem + "-carried.nii")
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            engineSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let result: String
        do {
            let file = try engine.registerFile(
                fixed: f.elastixFile, moving: m.elastixFile, parameterFile: stem + "-parameters.txt", outputFolder: stem,
                threads: threads, initialTransform: stem + "-initial.txt")
            result = try engine.transform(
                image: stem + "-carried.nii", transformFile: file, outputFolder: stem + "/carried", threads: threads)
        } catch {
            throw ScanError(error.program, error.problem + (error.remedy.map { " (\($0))" } ?? ""), kind: .internal)
        }
        let carried = ScaledVolume.of(try reader.read(result))
        guard carried.size == f.geometry.size else {
            throw ScanError(result, "transformix wrote \(carried.size), not the fixed image's \(f.geometry.size)", kind: .internal)
        }
        return carried
    }

    /// The moving image resampled onto every second voxel of the fixed grid (along each axis)
    /// through `transform` and compared there: an eighth of the work, the same figures to a few
    /// thousandths on heads.
    static func measure(_ fixed: Image, _ moving: Volume<Double>, _ geometry: VoxelGeometry, _ transform: Affine) -> AlignmentQuality {
        let (coarse, values) = everySecondVoxel(fixed)
        guard let placement = GridPlacement(source: geometry, onto: coarse, through: transform) else {
            return AlignmentQuality(correlation: 0, mutualInformation: 0, voxelCount: 0)
        }
        let placed = moving.voxels.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: .identity) }
        return AlignmentQuality.measure(fixed: values, moving: placed)
    }

    /// The grid of every second voxel of an image (voxel (i, j, k) is the image's (2i, 2j, 2k)) and its values.
    static func everySecondVoxel(_ image: Image) -> (VoxelGeometry, Volume<Double>) {
        let size = image.geometry.size
        let coarse = GridSize((size.nx + 1) / 2, (size.ny + 1) / 2, (size.nz + 1) / 2)
        var voxels: [Double] = []
        voxels.reserveCapacity(coarse.voxelCount)
        for k in 0..<coarse.nz {
            for j in 0..<coarse.ny {
                for i in 0..<coarse.nx { voxels.append(image.values[2 * i, 2 * j, 2 * k]) }
            }
        }
        let affine = image.geometry.affine.concatenating(.spacing(2, 2, 2))
        return (VoxelGeometry(size: coarse, affine: affine), Volume(size: coarse, voxels: voxels))
    }

    private func elastix() throws(ScanError) -> Elastix {
        if let engine { return engine }
        do {
            let found = try Elastix.locate(path: enginePath)
            engine = found
            return found
        } catch {
            throw ScanError(error.program, error.problem + (error.remedy.map { " (\($0))" } ?? ""), kind: .internal)
        }
    }

    private func run(_ fixed: String, _ moving: String) throws(ScanError) -> (Affine, String) {
        let engine = try elastix()
        count += 1
        let folder = "\(workFolder)/run-\(count)"
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            engineSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        do {
            let (transform, file) = try engine.register(
                fixed: fixed, moving: moving, parameterFile: workFolder + "/parameters.txt", outputFolder: folder, threads: threads)
            let text = String(decoding: try FileSystem.read(file), as: UTF8.self)
            return (Affine(rows: transform.rowsRAS), text)
        } catch let error as EngineError {
            throw ScanError(error.program, error.problem, kind: .internal)
        } catch let error as ScanError {
            throw error
        } catch {
            throw ScanError(fixed, "\(error)", kind: .internal)
        }
    }

    /// Removes a folder and everything under it (the working folder only: files and folders LesionTrack made).
    static func removeTree(_ path: String) {
        if let entries = try? FileSystem.list(path) {
            for entry in entries {
                let child = FileSystem.join(path, entry)
                if FileSystem.kind(child) == .directory { removeTree(child) } else { unlink(child) }
            }
        }
        rmdir(path)
    }
}

extension String {
    /// The string with `suffix` replaced by `replacement` (unchanged when it does not end in `suffix`).
    fileprivate func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
