import Foundation

/// Runs the built `lesiontrack` binary and captures what it prints.
public enum CommandRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The user documentation, relative to the repository root: the README, `ARCHITECTURE.md` and
    /// every page in `docs/`, sorted.
    public static var documentationPages: [String] {
        let pages = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/docs")) ?? []
        return ["/README.md", "/ARCHITECTURE.md"] + pages.filter { $0.hasSuffix(".md") }.sorted().map { "/docs/" + $0 }
    }

    /// `$LESIONTRACK_BIN`, else the `lesiontrack` built beside the running test bundle.
    public static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["LESIONTRACK_BIN"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("lesiontrack").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "lesiontrack"
    }()

    /// Runs `lesiontrack ARGS` in `directory` (default: the repository root); `program` replaces
    /// the built binary, for example a copy of it elsewhere.
    public static func run(_ arguments: [String], in directory: String? = nil, program: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program ?? binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot fill a pipe and block.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: Fixtures.root)
        url.deleteLastPathComponent()
        return url.path
    }()
}
