import LesionIO

/// What a folder given as a BIDS study is, checked before anything in it is read or anything is
/// written, so that a wrong folder is refused once, with what was expected, rather than with an
/// error per file.
public enum StudyFolder {
    /// The results database every output folder of `lesiontrack run` holds.
    public static let outputMarker = "lesiontrack.sqlite"

    /// The layout of the scans LesionTrack reads, as the refusals state it.
    public static let expectedLayout = "sub-*/[ses-*/]anat/*.nii[.gz]"

    /// The `sub-<id>` folders of the study root `root`, unsorted.
    ///
    /// Refused (`invalidInput`): a missing folder; an output folder of `lesiontrack run` (it holds
    /// `lesiontrack.sqlite`); a `sub-<id>` folder given in place of its study; a folder with no
    /// `sub-<id>` folder at all.
    public static func participants(of root: String) throws(ScanError) -> [String] {
        var path = root
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard FileSystem.kind(path) == .directory else {
            throw ScanError(root, FileSystem.kind(path) == .missing ? "no such folder" : "not a folder")
        }
        if let refusal = outputFolderRefusal(path) { throw ScanError(root, refusal) }
        let subjects = try FileSystem.list(path).filter {
            $0.hasPrefix("sub-") && FileSystem.kind(FileSystem.join(path, $0)) == .directory
        }
        guard subjects.isEmpty else { return subjects }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("sub-") {
            let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            throw ScanError(
                root,
                "is a participant folder, not a study: give the study folder that holds it (\(parent.isEmpty ? "/" : parent)), with --participant-label \(name) to process only this participant"
            )
        }
        throw ScanError(root, "not a BIDS study: expected \(expectedLayout) under it, and it holds no sub-* folder")
    }

    /// Why `path` (a study root or a `sub-<id>` folder) is an output folder of `lesiontrack run`
    /// rather than a study, or nil.
    public static func outputFolderRefusal(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let parent = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let holder =
            FileSystem.kind(FileSystem.join(path, outputMarker)) == .file
            ? path
            : name.hasPrefix("sub-") && FileSystem.kind(FileSystem.join(parent, outputMarker)) == .file ? parent : nil
        guard let holder else { return nil }
        return
            "this is a LesionTrack output folder (\(FileSystem.join(holder, outputMarker)) is its results database), not a BIDS study: give the study folder it was made from"
    }
}
