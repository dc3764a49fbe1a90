import LesionIO

/// The DICOM series rules file as read: its path, the SHA-256 of its bytes, its rules in order and
/// how two series given one BIDS name are handled.
///
/// The built-in file is `Pipelines/dicom-series.yaml` of the version built, recorded as
/// `built-in:dicom-series.yaml`.
public struct SeriesRulesFile: Sendable {
    /// What happens when two series of one visit are given the same BIDS name.
    public enum Duplicates: String, Sendable, Equatable, CaseIterable {
        /// The visit is refused, with a message naming both series.
        case refuse
        /// Each gets a `run-` entity (`run-1`, `run-2`, …) in order of acquisition time, then series number.
        case run
    }

    public let path: String
    public let sha256: String
    public let name: String
    public let duplicates: Duplicates
    public let rules: [SeriesRule]

    public init(path: String, sha256: String, name: String, duplicates: Duplicates, rules: [SeriesRule]) {
        self.path = path
        self.sha256 = sha256
        self.name = name
        self.duplicates = duplicates
        self.rules = rules
    }

    /// The first rule whose condition holds for the series, or nil when none does.
    public func rule(for sidecar: Sidecar, extensions: Set<String>) -> SeriesRule? {
        rules.first { $0.condition.holds(for: sidecar, extensions: extensions) }
    }

    /// The file at `path` when given, else the built-in rules.
    public static func load(_ path: String?) throws(ScanError) -> SeriesRulesFile {
        if let path { return try parse(try FileSystem.read(path), path: path) }
        return try parse(BuiltInFile.dicomSeries.bytes, path: BuiltInFile.dicomSeries.path)
    }

    /// Checks the bytes of a rules file that outputs will record as `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(ScanError) -> SeriesRulesFile {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ScanError(path, "not UTF-8 text") }
        let contents = try SeriesRulesParser(path: path).parse(text)
        return SeriesRulesFile(
            path: path, sha256: SHA256.hex(bytes), name: contents.name, duplicates: contents.duplicates, rules: contents.rules)
    }
}
