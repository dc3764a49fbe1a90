/// A test on one converted series, as the DICOM series rules file writes it (`when:`).
///
/// Text patterns are case-insensitive shell patterns (`*`, `?`), matched against the whole text.
public indirect enum SeriesCondition: Sendable, Equatable {
    /// Every condition holds (true when empty).
    case all([SeriesCondition])
    /// At least one condition holds (false when empty).
    case any([SeriesCondition])
    /// The condition does not hold.
    case not(SeriesCondition)
    /// SeriesDescription or ProtocolName matches one of the patterns.
    case text([String])
    /// The sidecar has the key (or not).
    case present(field: String, Bool)
    /// The key's text (or an element of its list) matches one of the patterns.
    case matches(field: String, [String])
    /// The key's number is at least this.
    case atLeast(field: String, Double)
    /// The key's number is at most this.
    case atMost(field: String, Double)
    /// dcm2niix wrote a file with this extension for the series (`bval`).
    case file(String)

    /// Whether the condition holds for a series with this sidecar and these file extensions.
    public func holds(for sidecar: Sidecar, extensions: Set<String>) -> Bool {
        switch self {
        case .all(let conditions): return conditions.allSatisfy { $0.holds(for: sidecar, extensions: extensions) }
        case .any(let conditions): return conditions.contains { $0.holds(for: sidecar, extensions: extensions) }
        case .not(let condition): return !condition.holds(for: sidecar, extensions: extensions)
        case .text(let patterns):
            let texts = ["SeriesDescription", "ProtocolName"].compactMap { sidecar.string($0) }
            return texts.contains { text in patterns.contains { Self.match($0, text) } }
        case .present(let field, let wanted): return (sidecar[field] != nil) == wanted
        case .matches(let field, let patterns):
            let texts = sidecar[field]?.texts ?? []
            return texts.contains { text in patterns.contains { Self.match($0, text) } }
        case .atLeast(let field, let bound): return sidecar.number(field).map { $0 >= bound } ?? false
        case .atMost(let field, let bound): return sidecar.number(field).map { $0 <= bound } ?? false
        case .file(let ext): return extensions.contains(ext)
        }
    }

    /// Case-insensitive shell-pattern match of the whole text.
    static func match(_ pattern: String, _ text: String) -> Bool {
        FileNamePattern(pattern.lowercased()).matches(text.lowercased())
    }
}
