/// What happened to a lesion between the previous visit and this one.
///
/// `baseline` marks every lesion of the first visit. `new`, `stable`, `enlarging`, `shrinking`,
/// `merged` and `split` describe a lesion present at this visit; `resolved` and `absorbed`
/// describe a lesion of the previous visit that has no continuation at this one (its row carries
/// no volume). The rules are in `LesionMatcher`.
public enum LesionState: String, Sendable, CaseIterable {
    case baseline
    /// No overlap with any lesion of the previous visit.
    case new
    /// One-to-one with a previous lesion, volume change within the enlarging rule both ways.
    case stable
    /// One-to-one, volume ratio ≥ the enlarging ratio and increase ≥ the absolute floor.
    case enlarging
    /// One-to-one, volume ratio ≤ 1 / the enlarging ratio and decrease ≥ the absolute floor.
    case shrinking
    /// Overlaps two or more lesions of the previous visit.
    case merged
    /// Its only previous lesion overlaps two or more lesions of this visit.
    case split
    /// A previous lesion that overlaps no lesion of this visit.
    case resolved
    /// A previous lesion now part of a lesion that carries another ID (after a merge).
    case absorbed

    /// True for the states of a lesion present at the visit.
    public var isPresent: Bool { self != .resolved && self != .absorbed }
}
