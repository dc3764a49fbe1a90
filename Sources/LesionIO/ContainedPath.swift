/// The one check for a relative path read from a database or a table before it is joined to a
/// folder and read, written or removed: the result must stay inside that folder.
///
/// Refused: an empty path, an absolute path, a `..` component, a NUL byte, and a path whose
/// existing part (symbolic links resolved) leaves the folder.
public enum ContainedPath {
    /// `root/relative`, or an error naming `source` (the database or table the path came from).
    public static func resolve(_ relative: String, in root: String, source: String) throws(ScanError) -> String {
        if let problem = lexicalProblem(relative) {
            throw ScanError(source, "path \(quoted(relative)) \(problem): refused, it must stay inside \(root)")
        }
        let joined = FileSystem.join(root, relative)
        guard let realRoot = realPath(root) else { return joined }
        // The deepest part of the path that exists must resolve inside the folder; the final
        // component is checked too, so a symbolic link there cannot lead a read or write out.
        var probe = joined
        while true {
            if let real = realPath(probe) {
                guard real == realRoot || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
                    throw ScanError(
                        source, "path \(quoted(relative)) resolves to \(real), outside \(realRoot): refused")
                }
                return joined
            }
            guard let slash = probe.lastIndex(of: "/"), probe.count > root.count else { return joined }
            probe = String(probe[..<slash])
        }
    }

    /// Why `relative` cannot be trusted before touching the disk, or nil.
    public static func lexicalProblem(_ relative: String) -> String? {
        if relative.isEmpty { return "is empty" }
        if relative.utf8.contains(0) { return "contains a NUL byte" }
        if relative.hasPrefix("/") { return "is absolute" }
        if relative.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) {
            return "contains '..'"
        }
        return nil
    }

    private static func quoted(_ text: String) -> String {
        "'" + String(text.unicodeScalars.map { $0.value < 0x20 || $0 == "'" ? "?" : Character($0) }) + "'"
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
