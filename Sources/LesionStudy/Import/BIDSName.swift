/// Where a kept series goes in a BIDS session: its datatype folder, entities and suffix.
///
/// Written in the series rules file as `DATATYPE/[KEY-VALUE_…]SUFFIX`, for example
/// `anat/ce-gadolinium_T1w`; the participant and session entities come first and a `run-`
/// entity, when duplicates are resolved by runs, goes before the suffix (the BIDS order for `ce`,
/// `run`).
public struct BIDSName: Sendable, Hashable, CustomStringConvertible {
    /// `anat`, `dwi`, …
    public let datatype: String
    /// Entities other than `sub`, `ses` and `run`, in order: `[("ce", "gadolinium")]`.
    public let entities: [Entity]
    /// `T1w`, `FLAIR`, `dwi`, …
    public let suffix: String

    /// One `key-value` entity.
    public struct Entity: Sendable, Hashable {
        public let key: String
        public let value: String
    }

    /// The datatypes a rule may name.
    public static let datatypes = ["anat", "dwi", "func", "fmap", "perf"]

    /// Parses `DATATYPE/[KEY-VALUE_…]SUFFIX`; nil with a reason when malformed.
    public static func parse(_ text: String) -> (name: BIDSName?, problem: String?) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, datatypes.contains(String(parts[0])) else {
            return (nil, "must be DATATYPE/NAME with DATATYPE one of \(datatypes.joined(separator: ", ")), not \"\(text)\"")
        }
        let pieces = parts[1].split(separator: "_", omittingEmptySubsequences: false)
        guard let suffix = pieces.last, isAlphanumeric(suffix) else {
            return (nil, "needs a suffix of letters and digits after the last underscore, not \"\(text)\"")
        }
        var entities: [Entity] = []
        for piece in pieces.dropLast() {
            let kv = piece.split(separator: "-", omittingEmptySubsequences: false)
            guard kv.count == 2, isAlphanumeric(kv[0]), isAlphanumeric(kv[1]) else {
                return (nil, "entity \"\(piece)\" must be KEY-VALUE of letters and digits")
            }
            guard !["sub", "ses", "run"].contains(String(kv[0])) else {
                return (nil, "entity \(kv[0]) is set by the import, not by a rule")
            }
            entities.append(Entity(key: String(kv[0]), value: String(kv[1])))
        }
        return (BIDSName(datatype: String(parts[0]), entities: entities, suffix: String(suffix)), nil)
    }

    public init(datatype: String, entities: [Entity], suffix: String) {
        self.datatype = datatype
        self.entities = entities
        self.suffix = suffix
    }

    public var description: String {
        datatype + "/" + (entities.map { "\($0.key)-\($0.value)_" }.joined()) + suffix
    }

    /// The file stem in a session: `sub-<p>_ses-<s>[_key-value…][_run-<n>]_<suffix>`.
    public func stem(participant: String, session: String, run: Int?) -> String {
        var parts = ["sub-\(participant)", "ses-\(session)"]
        parts += entities.map { "\($0.key)-\($0.value)" }
        if let run { parts.append("run-\(run)") }
        parts.append(suffix)
        return parts.joined(separator: "_")
    }

    static func isAlphanumeric(_ s: Substring) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }
    }
}
