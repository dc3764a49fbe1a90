import LesionKernels
import LesionLongitudinal

/// Everything a longitudinal run needs to find a patient's lesions and compare them: the roles
/// of the input files, the lesion definition, the matching rule and the grid rule.
///
/// `standard` holds the values of `Pipelines/default.yaml`; a pipeline file that leaves a key out
/// takes its value from here. Every value is recorded in each output.
public struct Pipeline: Sendable, Equatable {
    public var name: String
    /// Also look for a session's files under `derivatives/<any>/sub-<id>/ses-<label>/anat/`.
    public var searchDerivatives: Bool
    /// The brain mask's stem pattern (`*_desc-brain_mask`).
    public var brainMask: FileNamePattern
    /// Ways to find T2 lesions, in order of preference.
    public var t2Sources: [LesionSource]
    /// Ways to find gadolinium-enhancing lesions, in order of preference (may be empty).
    public var gdSources: [LesionSource]
    public var connectivity: Connectivity
    public var floor: SizeFloor
    public var matching: MatchingRule
    public var grid: GridRule
    /// Whether and how visits and series are co-registered (`registration`, `registration_qc`).
    public var registration: RegistrationSettings = .standard

    public init(
        name: String, searchDerivatives: Bool, brainMask: FileNamePattern, t2Sources: [LesionSource],
        gdSources: [LesionSource], connectivity: Connectivity, floor: SizeFloor, matching: MatchingRule, grid: GridRule
    ) {
        self.name = name
        self.searchDerivatives = searchDerivatives
        self.brainMask = brainMask
        self.t2Sources = t2Sources
        self.gdSources = gdSources
        self.connectivity = connectivity
        self.floor = floor
        self.matching = matching
        self.grid = grid
    }

    /// The values of `Pipelines/default.yaml`.
    public static let standard = Pipeline(
        name: "default",
        searchDerivatives: true,
        brainMask: FileNamePattern("*_desc-brain_mask"),
        t2Sources: [
            LesionSource(kind: .mask, pattern: FileNamePattern("*_label-T2lesion_mask")),
            LesionSource(kind: .probseg, pattern: FileNamePattern("*_label-T2lesion_probseg")),
            LesionSource.rawFLAIR,
        ],
        gdSources: [
            LesionSource(kind: .mask, pattern: FileNamePattern("*_label-Gdlesion_mask")),
            LesionSource(kind: .probseg, pattern: FileNamePattern("*_label-Gdlesion_probseg")),
            LesionSource.rawPostContrast,
        ],
        connectivity: .twentySix,
        floor: SizeFloor(minimumVoxels: 3, minimumVolumeMM3: 3, minimumExtentMM: 0, minimumReaderLengthMM: 3),
        matching: .default,
        grid: .default)
}

extension LesionSource {
    /// The default pipeline's raw FLAIR source: lesion growth, with the session's T1w.
    public static var rawFLAIR: LesionSource {
        var source = LesionSource(kind: .lesionGrowth, pattern: FileNamePattern("*_FLAIR"))
        source.t1Image = FileNamePattern("*_T1w")
        source.t1ImageExclude = [FileNamePattern("*_ce-*")]
        return source
    }

    /// The default pipeline's raw post-contrast source: subtraction of the pre-contrast T1w.
    public static var rawPostContrast: LesionSource {
        LesionSource(
            kind: .subtraction, pattern: FileNamePattern("*_ce-gadolinium_T1w"), preContrast: FileNamePattern("*_T1w"),
            preContrastExclude: [FileNamePattern("*_ce-*")])
    }
}
