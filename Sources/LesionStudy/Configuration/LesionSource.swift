import LesionKernels

/// One way a pipeline finds a visit's lesions: a file pattern and how to turn the file into a mask.
///
/// - `mask`: a lesion mask from an upstream segmenter; foreground is value ≥ `threshold`.
/// - `probseg`: a lesion probability map; foreground is probability ≥ `threshold`.
/// - `image`: a raw image (FLAIR, post-contrast T1w); foreground is a z-score ≥ `zThreshold`
///   inside the brain mask, the z-score taken over the brain mask's voxels. With a pre-contrast
///   pattern, foreground is instead `z(post) − z(pre) ≥ subtractionZThreshold`, each z-score over
///   the brain mask. An image source without a brain mask is refused, never guessed.
/// - `lesion-growth`: a raw FLAIR; lesions by `FLAIRLesionSegmentation` (white-matter ratio and
///   lesion growth, confined by the anatomy), with the session's T1w (`t1Image`) when it has one.
/// - `subtraction`: a raw post-contrast T1w; Gd+ lesions by `EnhancementSegmentation` (registered
///   subtraction of the pre-contrast T1w, `preContrast`), or the post-contrast image alone.
public struct LesionSource: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case mask
        case probseg
        case image
        case lesionGrowth = "lesion-growth"
        case subtraction

        /// True for the kinds that read a raw image rather than a lesion map.
        public var readsImage: Bool { self == .image || self == .lesionGrowth || self == .subtraction }
        /// True for the kinds that need the patient's anatomy (white matter, cortex, ventricles).
        public var needsAnatomy: Bool { self == .lesionGrowth || self == .subtraction }
    }

    public var kind: Kind
    /// Matches the file's stem (the name without `.nii` or `.nii.gz`).
    public var pattern: FileNamePattern
    /// Stems matching any of these are skipped.
    public var exclude: [FileNamePattern]
    /// For `mask` and `probseg`: foreground is value ≥ this (scaled value).
    public var threshold: Double
    /// For `image`: foreground is z-score ≥ this inside the brain mask.
    public var zThreshold: Double
    /// For `image`: an optional pre-contrast image for subtraction.
    public var preContrast: FileNamePattern?
    public var preContrastExclude: [FileNamePattern]
    /// For `image` with a pre-contrast image: foreground is z(post) − z(pre) ≥ this.
    public var subtractionZThreshold: Double
    /// For `lesion-growth`: the session's T1w, whose bright voxels are not lesion.
    public var t1Image: FileNamePattern?
    public var t1ImageExclude: [FileNamePattern] = []
    /// For `lesion-growth`.
    public var flair = FLAIRLesionSegmentation.standard
    /// For `subtraction`.
    public var enhancement = EnhancementSegmentation.standard

    public init(
        kind: Kind, pattern: FileNamePattern, exclude: [FileNamePattern] = [], threshold: Double = 0.5,
        zThreshold: Double = 3, preContrast: FileNamePattern? = nil, preContrastExclude: [FileNamePattern] = [],
        subtractionZThreshold: Double = 3
    ) {
        self.kind = kind
        self.pattern = pattern
        self.exclude = exclude
        self.threshold = threshold
        self.zThreshold = zThreshold
        self.preContrast = preContrast
        self.preContrastExclude = preContrastExclude
        self.subtractionZThreshold = subtractionZThreshold
    }

    /// True when the stem matches the pattern and none of the exclusions.
    public func matches(stem: String) -> Bool {
        pattern.matches(stem) && !exclude.contains { $0.matches(stem) }
    }

    /// This source with another pattern.
    func with(pattern: FileNamePattern) -> LesionSource {
        var copy = self
        copy.pattern = pattern
        return copy
    }

    /// True when the stem is this source's T1w (`lesion-growth`).
    public func matchesT1Image(stem: String) -> Bool {
        guard let t1Image else { return false }
        return t1Image.matches(stem) && !t1ImageExclude.contains { $0.matches(stem) }
    }

    /// True when the stem is this source's pre-contrast image.
    public func matchesPreContrast(stem: String) -> Bool {
        guard let preContrast else { return false }
        return preContrast.matches(stem) && !preContrastExclude.contains { $0.matches(stem) }
    }
}

extension FLAIRLesionSegmentation {
    /// The values of `Pipelines/default.yaml` (their sources are cited there).
    public static let standard = FLAIRLesionSegmentation(
        normalisation: .standard, seedRatio: 1.4, growRatio: 1.2, whiteMatterDilationMM: 2, ventricleMarginMM: 2,
        t1MaximumRatio: 1.0, edgeFraction: 0.5, cortexMaximumFraction: 0.5, changeSeedRatio: 0.3, dropUnchanged: true,
        enhancingReachMM: 2, unchangedNeighbourhoodMM: 2, earlierSignal: true,
        previousLesionSeeds: true, ventricleCSFRatio: 0.5, ventricleWallSeeds: true, whiteMatterPeaks: true,
        ventricleWallReach: true)
}

extension EnhancementSegmentation {
    /// The values of `Pipelines/default.yaml` (their sources are cited there).
    public static let standard = EnhancementSegmentation(
        normalisation: .standard, seedDifference: 0.45, growDifference: 0.3, whiteMatterDilationMM: 2, brainMarginMM: 2,
        ventricleMarginMM: 0, closingMM: 2, flairMinimumRatio: 1.1, ventricleCSFRatio: 0.5, ventricleReachMM: 2)
}

extension WhiteMatterNormalisation {
    /// The values of `Pipelines/default.yaml`.
    public static let standard = WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25)
}
