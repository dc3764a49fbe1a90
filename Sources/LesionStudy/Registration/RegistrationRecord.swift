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
}
