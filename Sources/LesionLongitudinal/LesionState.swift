/// What happened to a lesion between the previous visit and this one.
///
/// `baseline` marks every lesion of the first visit. `new`, `stable`, `enlarging`, `shrinking`,
/// `merged`, `split` and `recurrent` describe a lesion present at this visit; `resolved` and `absorbed`
/// describe a lesion of the previous visit that has no continuation at this one (its row carries
/// no volume). The rules are in `LesionMatcher`.
public enum LesionState: String, Sendable, CaseIterable {
    case baseline
    /// No overlap with any lesion of the previous visit, nor with a recently resolved one.
    case new
    /// One-to-one with a previous lesion, volume change within the enlarging rule both ways.
    case stable
    /// One-to-one, and grew by the enlarging rule (ratio or absolute growth, above the floor) or
    /// adds a confluent region (`LedgerEntry.confluent`).
    case enlarging
    /// One-to-one, shrank by the mirror of the enlarging rule, and adds no confluent region.
    case shrinking
    /// Overlaps two or more lesions of the previous visit.
    case merged
    /// Its only previous lesion overlaps two or more lesions of this visit.
    case split
    /// No overlap with any lesion of the previous visit, but with a lesion that resolved at most
    /// `MatchingRule.recurrentMaximumAbsentVisits` visits ago: it reappears where that one was.
    case recurrent
    /// A previous lesion that overlaps no lesion of this visit.
    case resolved
    /// A previous lesion now part of a lesion that carries another ID (after a merge).
    case absorbed

    /// True for the states of a lesion present at the visit.
    public var isPresent: Bool { self != .resolved && self != .absorbed }
}
