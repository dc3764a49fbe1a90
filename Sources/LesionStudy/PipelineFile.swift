import LesionIO

/// A pipeline file as read: where it is, the SHA-256 of its bytes, and the pipeline it defines.
public struct PipelineFile: Sendable {
    public let path: String
    public let sha256: String
    public let pipeline: Pipeline

    public init(path: String, sha256: String, pipeline: Pipeline) {
        self.path = path
        self.sha256 = sha256
        self.pipeline = pipeline
    }

    /// Reads and checks a pipeline file; a problem is reported with the file and the line.
    public static func load(_ path: String) throws(ScanError) -> PipelineFile {
        let bytes = try FileSystem.read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScanError(path, "not UTF-8 text")
        }
        let pipeline = try PipelineParser(path: path).parse(text)
        return PipelineFile(path: path, sha256: SHA256.hex(bytes), pipeline: pipeline)
    }

    /// The file the pipeline's name would have in a `Pipelines/` folder.
    public static let defaultFileName = "default.yaml"

    /// `Pipelines/default.yaml` of the installation the program runs from.
    ///
    /// Searched upward from the executable's folder: in each ancestor `D`, first
    /// `D/Pipelines/default.yaml` (a source checkout, where `.build/…/lesiontrack` lives), then
    /// `D/share/lesiontrack/Pipelines/default.yaml` (an install prefix such as `/usr/local`).
    public static func locateDefault() throws(ScanError) -> String {
        try locateInstalled(defaultFileName, flag: "--pipeline")
    }

    /// `Pipelines/NAME` of the installation, searched as `locateDefault()` describes; the refusal
    /// names the command-line `flag` that gives the file instead.
    public static func locateInstalled(_ name: String, flag: String) throws(ScanError) -> String {
        let relative = "Pipelines/" + name
        guard var directory = FileSystem.executablePath() else {
            throw ScanError(relative, "cannot find the program's own folder: pass \(flag) FILE")
        }
        while let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
            let base = directory.isEmpty ? "" : directory
            for candidate in [base + "/" + relative, base + "/share/lesiontrack/" + relative]
            where FileSystem.kind(candidate) == .file {
                return candidate
            }
        }
        throw ScanError(relative, "not found beside the program or in any folder above it: pass \(flag) FILE")
    }
}
