/// One rule of the DICOM series rules file: a name, a condition and what a matching series
/// becomes (a BIDS name, or skipped).
public struct SeriesRule: Sendable, Equatable {
    /// The rule's stable name (`flair`, `t1w-post-contrast`), printed with each decision.
    public let id: String
    /// The BIDS name a matching series is kept under; nil for a rule that skips.
    public let target: BIDSName?
    public let condition: SeriesCondition

    public init(id: String, target: BIDSName?, condition: SeriesCondition) {
        self.id = id
        self.target = target
        self.condition = condition
    }
}
