import LesionKernels

/// The lesions of one visit on the patient's common grid: T2 lesions and, when the visit has a
/// gadolinium source, the enhancing (Gd+) lesions.
public struct VisitLesions: Sendable {
    public let t2: LesionLabelling
    /// Nil when the visit has no gadolinium source.
    public let gd: LesionLabelling?
    /// The T2 label map, painted once from the labelling's runs.
    public let t2Map: LabelMap
    /// For each T2 label (index label − 1): does it share a voxel with a Gd+ lesion? Nil without Gd.
    public let enhancing: [Bool]?
    /// The T2 components under the reader's length floor (`LesionLabelling.underReaderLength`):
    /// not lesions, not counted, but seen by the review as possible punctate foci. Nil when the
    /// floor is off.
    public let t2Specks: LesionLabelling?
    /// Half the T2 series' acquired voxel along each axis of the common grid, in whole grid voxels
    /// (rounded down): a lesion's edge is uncertain by this much from partial volume, so growth
    /// within it is not growth (`LesionMatcher.match`'s `shell`). [0, 0, 0] when the series was
    /// acquired at the grid's resolution or finer; [0, 0, 1] for 6 mm slices on a 2 mm grid.
    public let partialVolumeVoxels: [Int]
    /// The previous visit's T2 lesions as this visit's T2 series would have shown them: found by
    /// the same method in the previous visit's image re-acquired as this series
    /// (`Reacquisition`). Growth into them is acquisition, not change (`LesionMatcher.match`'s
    /// `reacquired`). Nil when there is none: the first visit, lesions from a segmenter's maps,
    /// or a previous image not acquired at the grid's resolution.
    public let earlierReacquired: Volume<Bool>?
    /// The voxels whose FLAIR changed since the previous visit (`PreviousVisit.changed`): a lesion
    /// with earlier partners has grown only where one of its new voxels is among them
    /// (`LesionMatcher.match`'s `changed`). Nil when that is not known: the first visit, lesions
    /// from a segmenter's maps, or a previous visit without a FLAIR.
    public let changed: Volume<Bool>?
    /// The voxels of this visit's T2 lesions that the previous visit's image already showed as
    /// lesion, where the previous visit found none (`FLAIRLesionSegmentation.shownBefore`): a
    /// lesion grown from such a part is enlarging, not new (`LesionMatcher.match`'s `shown`). Nil
    /// when that is not known: the first visit, lesions from a segmenter's maps, a previous visit
    /// without a FLAIR, or `earlier_signal` off.
    public let shownBefore: ShownBefore?

    public init(
        t2: LesionLabelling, gd: LesionLabelling?, t2Specks: LesionLabelling? = nil, partialVolumeVoxels: [Int] = [0, 0, 0],
        earlierReacquired: Volume<Bool>? = nil, changed: Volume<Bool>? = nil, shownBefore: ShownBefore? = nil
    ) {
        precondition(partialVolumeVoxels.count == 3 && partialVolumeVoxels.allSatisfy { $0 >= 0 })
        precondition(shownBefore.map { $0.voxels.size == t2.size } ?? true, "the shown voxels are on another grid")
        self.shownBefore = shownBefore
        precondition(earlierReacquired.map { $0.size == t2.size } ?? true, "the re-acquired lesions are on another grid")
        precondition(changed.map { $0.size == t2.size } ?? true, "the changed voxels are on another grid")
        self.earlierReacquired = earlierReacquired
        self.changed = changed
        self.t2 = t2
        self.gd = gd
        self.t2Specks = t2Specks
        self.partialVolumeVoxels = partialVolumeVoxels
        self.t2Map = t2.map
        if let gd {
            precondition(gd.size == t2.size, "T2 and Gd lesions must share the grid")
            let table = OverlapTable(t2Map, gd.map)
            self.enhancing = stride(from: 1, through: t2Map.count, by: 1).map { !table.partners(ofFirst: $0).isEmpty }
        } else {
            self.enhancing = nil
        }
    }
}
