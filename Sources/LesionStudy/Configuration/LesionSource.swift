import LesionKernels

/// One way a pipeline finds a visit's lesions: a file pattern and how to turn the file into a mask.
///
/// - `mask`: a lesion mask from an upstream segmenter; foreground is value ≥ `threshold`.
/// - `probseg`: a lesion probability map; foreground is probability ≥ `threshold`.
/// - `image`: a raw image (FLAIR, post-contrast T1w); foreground is a z-score ≥ `zThreshold`
///   inside the brain mask, the z-score taken over the brain mask's voxels. With a pre-contrast
///   pattern, foreground is instead `z(post) − z(pre) ≥ subtractionZThreshold`, each z-score over
///   the brain mask. An image source without a brain mask is refused, never guessed.
public struct LesionSource: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case mask
        case probseg
        case image
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

    /// True when the stem is this source's pre-contrast image.
    public func matchesPreContrast(stem: String) -> Bool {
        guard let preContrast else { return false }
        return preContrast.matches(stem) && !preContrastExclude.contains { $0.matches(stem) }
    }
}
