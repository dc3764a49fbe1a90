/// A file of `Pipelines/` compiled into the program, so that it runs without its source tree.
///
/// The bytes are those of `Pipelines/<name>` when the program was built (SwiftPM embeds them
/// from `Sources/LesionStudy/BuiltIn/`, which links to `Pipelines/`). Outputs record the file as
/// `built-in:<name>` with the SHA-256 of these bytes, which equals the SHA-256 of the file in
/// `Pipelines/` of the same version.
public struct BuiltInFile: Sendable {
    /// The file's name in `Pipelines/`, for example `default.yaml`.
    public let name: String
    public let bytes: [UInt8]

    /// The path outputs record for it: `built-in:<name>`.
    public var path: String { Self.prefix + name }

    /// What a built-in file's recorded path starts with.
    public static let prefix = "built-in:"

    /// The default pipeline, `Pipelines/default.yaml`.
    public static let defaultPipeline = BuiltInFile(name: "default.yaml", bytes: PackageResources.default_yaml)

    /// The default review rules, `Pipelines/rules.yaml`.
    public static let rules = BuiltInFile(name: "rules.yaml", bytes: PackageResources.rules_yaml)

    /// The DICOM series rules of `lesiontrack import`, `Pipelines/dicom-series.yaml`.
    public static let dicomSeries = BuiltInFile(name: "dicom-series.yaml", bytes: PackageResources.dicom_series_yaml)

    /// The rigid registration's elastix parameters, `Pipelines/elastix/rigid.txt`.
    public static let rigidRegistration = BuiltInFile(name: "elastix/rigid.txt", bytes: PackageResources.rigid_txt)

    /// The template's affine registration parameters, `Pipelines/elastix/affine.txt`.
    public static let affineRegistration = BuiltInFile(name: "elastix/affine.txt", bytes: PackageResources.affine_txt)

    /// The template's deformable (B-spline) registration parameters, `Pipelines/elastix/bspline.txt`.
    public static let deformableRegistration = BuiltInFile(name: "elastix/bspline.txt", bytes: PackageResources.bspline_txt)

    /// Every built-in file, in the order `lesiontrack pipeline export` writes them.
    public static let all = [defaultPipeline, rules]
}
