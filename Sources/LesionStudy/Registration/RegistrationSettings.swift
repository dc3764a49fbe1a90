/// The pipeline's registration keys: whether visits and series are co-registered, with which
/// images, and the quality figures a registration must reach.
///
/// Modes (`registration:` in the pipeline file):
/// - `auto`: register when the visits' images are present and not all on the baseline's grid
///   (scans straight from the scanner); images already on one grid are taken as co-registered.
/// - `rigid`: always register every visit and series rigidly; refused without images.
/// - `none`: never register: the inputs must already be co-registered (as in MSSEG-2); the
///   alignment check (`registration_qc.min_correlation`) still measures the visits' reference
///   images on the baseline grid when they are present.
public struct RegistrationSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case auto
        case rigid
        case none
    }

    public var mode: Mode
    /// The stem pattern of each visit's reference series (registered to the baseline's).
    public var referenceImage: FileNamePattern
    /// Stem patterns of the other series of a visit (each registered to its visit's reference).
    public var images: [FileNamePattern]
    /// The smallest normalised correlation, over the baseline's head, between the baseline's
    /// reference image and a later visit's reference image on the baseline grid, 0…1.
    public var minimumCorrelation: Double
    /// How much better (in correlation) the left-right mirrored image may fit before the pair is
    /// refused as flipped.
    public var maximumMirrorAdvantage: Double
    /// The template kit that gives a visit without a brain mask one (`registration_qc.template`):
    /// nil (`none`) never, `auto` (the default) the folder `.ci/install-template` fills, else a folder.
    public var template: String? = "auto"

    /// How the template is registered to the patient (`registration_qc.template_transform`).
    public enum TemplateTransform: String, Sendable, CaseIterable {
        /// Twelve parameters (`Pipelines/elastix/affine.txt`), the kit's maps resampled through it.
        case affine
        /// The affine stage, then a cubic B-spline deformation (`Pipelines/elastix/bspline.txt`);
        /// the kit's maps are carried through both by transformix.
        case bspline
    }

    /// The template's transform: `bspline` (the default) or `affine`.
    public var templateTransform: TemplateTransform = .bspline

    public static let standard = RegistrationSettings(
        mode: .auto, referenceImage: FileNamePattern("*_FLAIR"),
        images: [FileNamePattern("*_T1w"), FileNamePattern("*_T2w")], minimumCorrelation: 0.7,
        maximumMirrorAdvantage: 0.02)

    public init(
        mode: Mode, referenceImage: FileNamePattern, images: [FileNamePattern], minimumCorrelation: Double,
        maximumMirrorAdvantage: Double
    ) {
        self.mode = mode
        self.referenceImage = referenceImage
        self.images = images
        self.minimumCorrelation = minimumCorrelation
        self.maximumMirrorAdvantage = maximumMirrorAdvantage
    }
}
