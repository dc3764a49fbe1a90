import LesionIO

/// The files of an input DICOM folder, listed read-only, with those that look like DICOM marked,
/// so that a file dcm2niix could not read is named in an error line rather than lost silently.
///
/// A file looks like DICOM when it holds the `DICM` marker at byte 128 (DICOM PS3.10, 7.1), or is
/// named `*.dcm`, `*.ima` or `*.dicom`, or has no extension (the usual name of exported slices);
/// `DICOMDIR` and hidden files do not count. Folders are searched as deep as dcm2niix searches
/// (5 levels below the input).
struct DICOMInventory {
    /// Paths as `input/relative/path`, in byte order.
    var files: [String] = []
    /// Those of `files` that look like DICOM.
    var dicomLike: Set<String> = []

    static let maximumDepth = 5

    static func scan(_ input: String) throws(ScanError) -> DICOMInventory {
        var inventory = DICOMInventory()
        try inventory.walk(input, depth: 0)
        return inventory
    }

    private mutating func walk(_ folder: String, depth: Int) throws(ScanError) {
        for name in try FileSystem.list(folder) where !name.hasPrefix(".") {
            let path = FileSystem.join(folder, name)
            switch FileSystem.kind(path) {
            case .directory: if depth < Self.maximumDepth { try walk(path, depth: depth + 1) }
            case .file:
                files.append(path)
                if name != "DICOMDIR" && (Self.hasMarker(path) || Self.hasDICOMName(name)) { dicomLike.insert(path) }
            default: continue
            }
        }
    }

    static func hasDICOMName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return true }
        return ["dcm", "ima", "dicom"].contains(name[name.index(after: dot)...].lowercased())
    }

    /// Whether bytes 128..<132 are `DICM`.
    static func hasMarker(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 128) }
        return n == 4 && bytes == Array("DICM".utf8)
    }
}
