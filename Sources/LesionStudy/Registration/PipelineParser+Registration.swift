import LesionIO
import Yams

extension PipelineParser {
    /// The top-level keys the registration adds to a pipeline file.
    static let registrationKeys = ["registration", "registration_qc"]

    /// Reads `registration: auto | rigid | none` and the `registration_qc` thresholds.
    func parseRegistration(_ top: Node.Mapping, into pipeline: inout Pipeline) throws(ScanError) {
        var settings = pipeline.registration
        if let node = top["registration"] {
            let value = try string(node, "registration")
            guard let mode = RegistrationSettings.Mode(rawValue: value) else {
                throw fail(node, "registration must be auto, rigid or none, not \(value)")
            }
            settings.mode = mode
        }
        if let qc = top["registration_qc"] {
            let m = try mapping(qc, "registration_qc")
            try allowKeys(
                m,
                ["reference_image", "images", "min_correlation", "max_mirror_advantage", "template", "template_transform"],
                "registration_qc")
            if let node = m["reference_image"] {
                settings.referenceImage = FileNamePattern(try string(node, "registration_qc.reference_image"))
            }
            if let node = m["images"] {
                guard case .sequence(let list) = node else { throw fail(node, "registration_qc.images must be a list of patterns") }
                var patterns: [FileNamePattern] = []
                for item in list { patterns.append(FileNamePattern(try string(item, "registration_qc.images"))) }
                settings.images = patterns
            }
            if let node = m["min_correlation"] {
                settings.minimumCorrelation = try fraction(node, "registration_qc.min_correlation")
            }
            if let node = m["template"] {
                let value = try string(node, "registration_qc.template")
                settings.template = value == "none" ? nil : value
            }
            if let node = m["template_transform"] {
                let value = try string(node, "registration_qc.template_transform")
                guard let transform = RegistrationSettings.TemplateTransform(rawValue: value) else {
                    throw fail(node, "registration_qc.template_transform must be affine or bspline, not \(value)")
                }
                settings.templateTransform = transform
            }
            if let node = m["max_mirror_advantage"] {
                settings.maximumMirrorAdvantage = try number(node, "registration_qc.max_mirror_advantage", atLeast: 0)
            }
        }
        pipeline.registration = settings
    }
}
