#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The elastix registration engine (Klein et al., IEEE TMI 2010; Shamonin et al., Front
/// Neuroinform 2014), run as a child process.
///
/// One registration is `elastix -f FIXED -m MOVING -p PARAMS -out DIR -threads T`; its result is
/// `DIR/TransformParameters.0.txt`, read by ``ElastixTransform`` into a RAS world matrix mapping
/// fixed-image points to moving-image points. The images handed to it should be written by the
/// caller with the affine the caller believes in (sform only), so elastix and the caller place
/// every voxel at the same world point.
public struct Elastix: Sendable {
    /// The absolute path of the `elastix` program.
    public let executable: String
    /// The version it reports (`elastix --version`), for example `5.0.1`.
    public let version: String

    /// How to install elastix, for error messages.
    public static let installHint =
        "install elastix: on Debian or Ubuntu `apt-get install elastix`, elsewhere https://elastix.dev"

    /// Finds `elastix` on `path` (default `PATH`) and asks its version; an error says how to install it.
    public static func locate(path: String? = nil) throws(EngineError) -> Elastix {
        guard let executable = ChildProcess.locate("elastix", path: path) else {
            throw EngineError("elastix", "not found on PATH, and registration needs it", remedy: installHint)
        }
        let outcome = try ChildProcess.run([executable, "--version"], standardOutput: .capture, standardError: .capture)
        guard outcome.status == 0, let version = parseVersion(outcome.standardOutput + outcome.standardError) else {
            throw EngineError(
                executable, "did not report a version (exit status \(outcome.status)): is it elastix?", remedy: installHint)
        }
        return Elastix(executable: executable, version: version)
    }

    /// The version number in `elastix version: 5.0.1`, or nil.
    public static func parseVersion(_ text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where line.lowercased().contains("elastix version") {
            guard let colon = line.lastIndex(of: ":") else { continue }
            let number = line[line.index(after: colon)...].filter { !$0.isWhitespace }
            if !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }) { return String(number) }
        }
        return nil
    }

    /// Registers `moving` to `fixed` with the parameter file, in `outputFolder` (created if
    /// missing), with at most `threads` threads; optional masks restrict the metric to their voxels.
    ///
    /// - Returns: the transform from fixed-image world (RAS, mm) to moving-image world, and the
    ///   path of the transform file elastix wrote.
    public func register(
        fixed: String, moving: String, parameterFile: String, outputFolder: String, threads: Int,
        fixedMask: String? = nil, movingMask: String? = nil
    ) throws(EngineError) -> (transform: ElastixTransform, file: String) {
        let file = try registerFile(
            fixed: fixed, moving: moving, parameterFile: parameterFile, outputFolder: outputFolder, threads: threads,
            fixedMask: fixedMask, movingMask: movingMask)
        guard let text = Self.readText(file) else {
            throw EngineError(executable, "finished but wrote no \(file)")
        }
        return (try ElastixTransform.parse(text, file: file), file)
    }

    /// Registers `moving` to `fixed` as ``register(fixed:moving:parameterFile:outputFolder:threads:fixedMask:movingMask:)``
    /// does, starting from the transform in `initialTransform` (elastix's `-t0`) when given, and
    /// returns the path of the transform file elastix wrote without reading it: a deformable
    /// transform is used through ``transform(image:transformFile:outputFolder:threads:)``.
    public func registerFile(
        fixed: String, moving: String, parameterFile: String, outputFolder: String, threads: Int,
        fixedMask: String? = nil, movingMask: String? = nil, initialTransform: String? = nil
    ) throws(EngineError) -> String {
        try Self.makeFolder(outputFolder)
        var arguments = [
            executable, "-f", fixed, "-m", moving, "-p", parameterFile, "-out", outputFolder, "-threads",
            String(max(1, threads)),
        ]
        if let fixedMask { arguments += ["-fMask", fixedMask] }
        if let movingMask { arguments += ["-mMask", movingMask] }
        if let initialTransform { arguments += ["-t0", initialTransform] }
        return try Self.run(
            arguments, failure: "failed to register \(moving) to \(fixed)", log: outputFolder + "/elastix.log",
            product: outputFolder + "/TransformParameters.0.txt")
    }

    /// Carries `image` through the transform in `transformFile` with `transformix` (found beside
    /// `elastix`, else on `PATH`) onto the grid of the transform's fixed image, with the
    /// interpolator and default value the transform file names, in `outputFolder` (created if
    /// missing). Returns the path of the image transformix wrote (`result.nii`).
    public func transform(image: String, transformFile: String, outputFolder: String, threads: Int) throws(EngineError) -> String {
        try Self.makeFolder(outputFolder)
        let arguments = [
            try transformix(), "-in", image, "-tp", transformFile, "-out", outputFolder, "-threads", String(max(1, threads)),
        ]
        return try Self.run(
            arguments, failure: "failed to carry \(image) through \(transformFile)", log: outputFolder + "/transformix.log",
            product: outputFolder + "/result.nii")
    }

    /// Runs one elastix or transformix command (`arguments[0]` the program). A nonzero exit is an
    /// error saying `failure`, with the last error lines of `log` (else of its standard error);
    /// so is a missing `product` afterwards. Returns `product`.
    static func run(_ arguments: [String], failure: String, log: String, product: String) throws(EngineError) -> String {
        let outcome = try ChildProcess.run(arguments, standardOutput: .discard, standardError: .capture)
        guard outcome.status == 0 else {
            throw EngineError(
                arguments[0],
                failure + " (exit status \(outcome.status))" + errorDetail(log, outcome.standardError) + "; see \(log)")
        }
        guard access(product, R_OK) == 0 else { throw EngineError(arguments[0], "finished but wrote no \(product)") }
        return product
    }

    /// The `transformix` program of the same elastix installation: beside `elastix`, else on `PATH`.
    public func transformix(path: String? = nil) throws(EngineError) -> String {
        if let slash = executable.lastIndex(of: "/") {
            let sibling = String(executable[..<slash]) + "/transformix"
            if access(sibling, X_OK) == 0 { return sibling }
        }
        guard let found = ChildProcess.locate("transformix", path: path) else {
            throw EngineError("transformix", "not found beside \(executable) or on PATH", remedy: Self.installHint)
        }
        return found
    }

    static func makeFolder(_ folder: String) throws(EngineError) {
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw EngineError(folder, "cannot create elastix's working folder: \(String(cString: strerror(errno)))")
        }
    }

    /// The last two error lines of an elastix or transformix log (else of its standard error),
    /// as `: …`, or "" when there are none.
    static func errorDetail(_ logFile: String, _ standardError: String) -> String {
        let log = readText(logFile) ?? standardError
        let errors = log.split(whereSeparator: \.isNewline).filter { $0.contains("ERROR") || $0.contains("Description") }
        let detail = errors.suffix(2).joined(separator: " ")
        return detail.isEmpty ? "" : ": " + detail
    }

    /// The contents of a small text file, or nil when it cannot be read.
    static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
