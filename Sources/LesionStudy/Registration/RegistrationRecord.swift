import LesionIO

/// One registration of a run as the outputs report it: which image was aligned to which, its
/// quality figures, and whether the stored transform was reused.
public struct RegistrationRecord: Sendable {
    /// The moving image (the `from` of the stored transform).
    public let from: String
    /// The fixed image (the `to`).
    public let to: String
    /// Quality figures by name (`correlation_after`, `mutual_information_mirrored`, …).
    public let figures: [(String, Double)]
    /// True when a stored transform with the same inputs and parameter file was used instead of elastix.
    public let reused: Bool
    /// The stored transform's files (the matrix and elastix's own file), relative to the output
    /// folder; empty when transforms are not kept.
    public let files: [String]
}

extension RegistrationRecord {
    /// The records as a JSON array, one object per line: `from`, `to`, `reused` and each figure.
    static func json(_ records: [RegistrationRecord]) -> String {
        let objects = records.map { record in
            LongitudinalReport.object(
                [("from", JSON.string(record.from)), ("to", JSON.string(record.to)), ("reused", String(record.reused))]
                    + record.figures.map { ($0.0, JSON.number($0.1)) })
        }
        return "[\n    " + objects.joined(separator: ",\n    ") + "\n  ]"
    }
}
