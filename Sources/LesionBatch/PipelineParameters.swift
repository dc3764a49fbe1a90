import LesionIO
import LesionStudy

/// A pipeline's values as one JSON object, for the `runs` table: the parameters that decide
/// counts or refusals (the keys of the `parameters` object of `patient`'s JSON) and the sources.
enum PipelineParameters {
    static func json(_ p: Pipeline) -> String {
        func source(_ s: LesionSource) -> String {
            var fields = ["\"kind\": \(JSON.string(s.kind.rawValue))", "\"pattern\": \(JSON.string(s.pattern.text))"]
            if !s.exclude.isEmpty { fields.append("\"exclude\": [" + s.exclude.map { JSON.string($0.text) }.joined(separator: ", ") + "]") }
            switch s.kind {
            case .mask, .probseg: fields.append("\"threshold\": \(JSON.number(s.threshold))")
            case .image:
                fields.append("\"z_threshold\": \(JSON.number(s.zThreshold))")
                if let pre = s.preContrast {
                    fields.append("\"pre_contrast\": \(JSON.string(pre.text))")
                    fields.append("\"subtraction_z_threshold\": \(JSON.number(s.subtractionZThreshold))")
                }
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        let fields: [(String, String)] = [
            ("connectivity", String(p.connectivity.rawValue)),
            ("min_voxels", String(p.floor.minimumVoxels)),
            ("min_volume_mm3", JSON.number(p.floor.minimumVolumeMM3)),
            ("min_extent_mm", JSON.number(p.floor.minimumExtentMM)),
            ("min_overlap_voxels", String(p.matching.minimumOverlapVoxels)),
            ("enlarging_ratio", JSON.number(p.matching.enlargingRatio)),
            ("min_volume_change_mm3", JSON.number(p.matching.minimumVolumeChangeMM3)),
            ("same_grid_tolerance_mm", JSON.number(p.grid.sameGridToleranceMM)),
            ("min_field_coverage", JSON.number(p.grid.minimumFieldCoverage)),
            ("min_brain_mask_dice", JSON.number(p.grid.minimumBrainMaskDice)),
            ("brain_mask_pattern", JSON.string(p.brainMask.text)),
            ("search_derivatives", String(p.searchDerivatives)),
            ("t2_sources", "[" + p.t2Sources.map(source).joined(separator: ", ") + "]"),
            ("gd_sources", "[" + p.gdSources.map(source).joined(separator: ", ") + "]"),
        ]
        return "{" + fields.map { "\(JSON.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
