import ArgumentParser

/// The `--participant-label` values of `run`, `export` and `report`: BIDS labels, with or without
/// `sub-`.
enum ParticipantLabels {
    /// `sub-<label>` for a label given with or without the prefix; nil unless alphanumeric.
    static func normalized(_ label: String) -> String? {
        let bare = label.hasPrefix("sub-") ? String(label.dropFirst(4)) : label
        guard !bare.isEmpty, bare.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else { return nil }
        return "sub-" + bare
    }

    /// Refuses the first value that is not a BIDS label.
    static func validate(_ labels: [String]) throws {
        for label in labels where normalized(label) == nil {
            throw ValidationError("--participant-label takes BIDS labels (letters and digits, optionally after sub-), not \(label)")
        }
    }

    /// The participants named, as `sub-<label>`; nil (every participant) when none are.
    static func selection(_ labels: [String]) -> [String]? {
        labels.isEmpty ? nil : labels.compactMap(normalized)
    }
}
