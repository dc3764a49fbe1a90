import LesionIO

/// The input study and the output folder of a batch run, and the rule that keeps every input
/// inside the study: a path is used only when its real path (symbolic links resolved) lies
/// under the study's real path, and never when it lies under the output folder.
public struct StudyPaths: Sendable {
    /// The study root as given, without trailing slashes.
    public let root: String
    /// The study root with symbolic links resolved.
    public let realRoot: String
    /// The output folder as given, without trailing slashes.
    public let output: String
    /// The output folder with symbolic links resolved.
    public let realOutput: String

    /// Resolves both folders; the study must exist, the output folder is created when missing.
    public init(root: String, output: String) throws(ScanError) {
        self.root = Self.trimmed(root)
        self.output = Self.trimmed(output)
        guard FileSystem.kind(self.root) == .directory else {
            throw ScanError(root, FileSystem.kind(self.root) == .missing ? "no such folder" : "not a folder")
        }
        guard let realRoot = Self.realPath(self.root) else { throw ScanError(root, "cannot resolve the folder's path") }
        try FileSystem.makeDirectory(self.output)
        guard let realOutput = Self.realPath(self.output) else {
            throw ScanError(output, "cannot resolve the folder's path", kind: .output)
        }
        guard realOutput != realRoot else {
            throw ScanError(
                output, "is the study folder itself: give an output folder of its own (BIDS: derivatives/lesiontrack)", kind: .output)
        }
        self.realRoot = realRoot
        self.realOutput = realOutput
    }

    /// Why `path` may not be read, or nil when it lies inside the study and outside the output.
    public func refusal(_ path: String) -> String? {
        guard let real = Self.realPath(path) else { return "cannot resolve the path: \(errnoText())" }
        if !Self.isInside(real, realRoot) {
            return "resolves to \(real), outside the study folder \(realRoot): refused"
        }
        return nil
    }

    /// True when `path` resolves into the output folder (LesionTrack's own results).
    public func isOutput(_ path: String) -> Bool {
        guard let real = Self.realPath(path) else { return false }
        return Self.isInside(real, realOutput)
    }

    /// `path` relative to the study root when it lies under it as given, else `path`.
    public func relative(_ path: String) -> String {
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// A path inside the output folder.
    public func outputPath(_ relative: String) -> String { FileSystem.join(output, relative) }

    /// Removes an output file named by the results database at `database`, after checking that the
    /// name stays inside the output folder.
    public func removeOutput(_ relative: String, database: String) throws(ScanError) {
        unlink(try ContainedPath.resolve(relative, in: output, source: database))
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func trimmed(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }
}
