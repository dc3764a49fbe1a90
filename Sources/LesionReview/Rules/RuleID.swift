/// A rule's stable name: kebab-case words of lowercase letters and digits (`gd-above-pre-ntz-level`).
public struct RuleID: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    /// Nil unless `text` is kebab-case: `[a-z0-9]+(-[a-z0-9]+)*`.
    public init?(_ text: String) {
        let words = text.split(separator: "-", omittingEmptySubsequences: false)
        guard !words.isEmpty,
            words.allSatisfy({ word in
                !word.isEmpty && word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            })
        else { return nil }
        self.text = text
    }

    public var description: String { text }
}
