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
        if mkdir(outputFolder, 0o755) != 0 && errno != EEXIST {
            throw EngineError(outputFolder, "cannot create elastix's working folder: \(String(cString: strerror(errno)))")
        }
        var arguments = [
            executable, "-f", fixed, "-m", moving, "-p", parameterFile, "-out", outputFolder, "-threads",
            String(max(1, threads)),
        ]
        if let fixedMask { arguments += ["-fMask", fixedMask] }
        if let movingMask { arguments += ["-mMask", movingMask] }
        let outcome = try ChildProcess.run(arguments, standardOutput: .discard, standardError: .capture)
        let file = outputFolder + "/TransformParameters.0.txt"
        guard outcome.status == 0 else {
            let log = Self.readText(outputFolder + "/elastix.log") ?? outcome.standardError
            let errors = log.split(whereSeparator: \.isNewline).filter { $0.contains("ERROR") || $0.contains("Description") }
            let detail = errors.suffix(2).joined(separator: " ")
            throw EngineError(
                executable,
                "failed to register \(moving) to \(fixed) (exit status \(outcome.status))"
                    + (detail.isEmpty ? "" : ": \(detail)") + "; see \(outputFolder)/elastix.log")
        }
        guard let text = Self.readText(file) else {
            throw EngineError(executable, "finished but wrote no \(file)")
        }
        return (try ElastixTransform.parse(text, file: file), file)
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
