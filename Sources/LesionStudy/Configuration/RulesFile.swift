import LesionIO
import LesionReview

/// A rules file as read: where it is, the SHA-256 of its bytes, the rule set it defines and the
/// patterns of the anatomical maps its features use.
public struct RulesFile: Sendable {
    public let path: String
    public let sha256: String
    public let ruleSet: RuleSet
    /// Cortical-ribbon maps, in order of preference (`features.cortex`).
    public let cortex: [LesionSource]
    /// Grey-matter maps, in order of preference (`features.grey_matter`).
    public let greyMatter: [LesionSource]
    /// Ventricle maps, in order of preference (`features.ventricles`).
    public let ventricles: [LesionSource]

    public init(
        path: String, sha256: String, ruleSet: RuleSet, cortex: [LesionSource], greyMatter: [LesionSource], ventricles: [LesionSource]
    ) {
        self.path = path
        self.sha256 = sha256
        self.ruleSet = ruleSet
        self.cortex = cortex
        self.greyMatter = greyMatter
        self.ventricles = ventricles
    }

    /// The anatomical maps of `Pipelines/rules.yaml`.
    public static let standardAnatomy: (cortex: [LesionSource], greyMatter: [LesionSource], ventricles: [LesionSource]) = (
        [
            LesionSource(kind: .probseg, pattern: FileNamePattern("*_label-CGM_probseg")),
            LesionSource(kind: .mask, pattern: FileNamePattern("*_label-CGM_mask")),
            LesionSource(kind: .mask, pattern: FileNamePattern("*_label-cortex_mask")),
        ],
        [
            LesionSource(kind: .probseg, pattern: FileNamePattern("*_label-GM_probseg")),
            LesionSource(kind: .mask, pattern: FileNamePattern("*_label-GM_mask")),
        ],
        [LesionSource(kind: .mask, pattern: FileNamePattern("*_label-ventricles_mask"))]
    )

    /// The statement every review output carries.
    public static let statement =
        "Decision support for review by a neurologist or neuroradiologist, not a diagnosis."

    /// Reads and checks a rules file; a problem is reported with the file and the line.
    public static func load(_ path: String) throws(ScanError) -> RulesFile {
        try parse(try FileSystem.read(path), path: path)
    }

    /// The review rules built into the program (`Pipelines/rules.yaml`), recorded as
    /// `built-in:rules.yaml`.
    public static func builtIn() throws(ScanError) -> RulesFile {
        try parse(BuiltInFile.rules.bytes, path: BuiltInFile.rules.path)
    }

    /// The file at `path` when given, else the built-in rules.
    public static func load(_ path: String?) throws(ScanError) -> RulesFile {
        if let path { return try load(path) }
        return try builtIn()
    }

    /// Checks the bytes of a rules file that outputs will record as `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(ScanError) -> RulesFile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScanError(path, "not UTF-8 text")
        }
        let contents = try RulesParser(path: path).parse(text)
        return RulesFile(
            path: path, sha256: SHA256.hex(bytes), ruleSet: contents.ruleSet, cortex: contents.cortex, greyMatter: contents.greyMatter,
            ventricles: contents.ventricles)
    }
}
