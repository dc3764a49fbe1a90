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
        try parse(try FileSystem.read(path), path: path)
    }

    /// The default pipeline built into the program (`Pipelines/default.yaml`), recorded as
    /// `built-in:default.yaml`.
    public static func builtIn() throws(ScanError) -> PipelineFile {
        try parse(BuiltInFile.defaultPipeline.bytes, path: BuiltInFile.defaultPipeline.path)
    }

    /// The file at `path` when given, else the built-in default.
    public static func load(_ path: String?) throws(ScanError) -> PipelineFile {
        if let path { return try load(path) }
        return try builtIn()
    }

    /// Checks the bytes of a pipeline file that outputs will record as `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(ScanError) -> PipelineFile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScanError(path, "not UTF-8 text")
        }
        let pipeline = try PipelineParser(path: path).parse(text)
        return PipelineFile(path: path, sha256: SHA256.hex(bytes), pipeline: pipeline)
    }
}
