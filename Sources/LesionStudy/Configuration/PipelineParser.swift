import LesionIO
import LesionKernels
import LesionLongitudinal
import Yams

/// Reads the YAML of a pipeline file into a `Pipeline`, refusing anything it does not understand.
///
/// Unknown keys, wrong types and values out of range are refused with the line they are on
/// (`FILE: line N: problem`), so a typo never silently falls back to a default. Keys left out take
/// the values of `Pipeline.standard`. The accepted keys are those of `Pipelines/default.yaml`.
struct PipelineParser: YAMLFileReading {
    let path: String

    /// The only pipeline file format so far.
    static let formatVersion = 1

    func parse(_ text: String) throws(ScanError) -> Pipeline {
        let root = try compose(text, what: "pipeline file")
        let top = try mapping(root, "the file")
        try allowKeys(
            top, ["pipeline_format", "name", "inputs", "t2_sources", "gd_sources", "lesions", "matching", "grid"] + Self.registrationKeys,
            "the file")
        var pipeline = Pipeline.standard
        if let format = top["pipeline_format"] {
            let version = try integer(format, "pipeline_format")
            guard version == Self.formatVersion else {
                throw fail(format, "pipeline_format \(version) is not supported (this version reads \(Self.formatVersion))")
            }
        }
        if let name = top["name"] { pipeline.name = try string(name, "name") }
        if let inputs = top["inputs"] {
            let m = try mapping(inputs, "inputs")
            try allowKeys(m, ["derivatives", "brain_mask"], "inputs")
            if let node = m["derivatives"] { pipeline.searchDerivatives = try boolean(node, "inputs.derivatives") }
            if let node = m["brain_mask"] { pipeline.brainMask = FileNamePattern(try string(node, "inputs.brain_mask")) }
        }
        if let node = top["t2_sources"] {
            pipeline.t2Sources = try sources(node, "t2_sources")
            guard !pipeline.t2Sources.isEmpty else { throw fail(node, "t2_sources must list at least one source") }
        }
        if let node = top["gd_sources"] { pipeline.gdSources = try sources(node, "gd_sources") }
        if let lesions = top["lesions"] {
            let m = try mapping(lesions, "lesions")
            try allowKeys(m, ["connectivity", "min_voxels", "min_volume_mm3", "min_extent_mm", "min_reader_length_mm"], "lesions")
            if let node = m["connectivity"] {
                let value = try integer(node, "lesions.connectivity")
                guard let connectivity = Connectivity(rawValue: value) else {
                    throw fail(node, "lesions.connectivity must be 6, 18 or 26, not \(value)")
                }
                pipeline.connectivity = connectivity
            }
            if let node = m["min_voxels"] {
                pipeline.floor.minimumVoxels = try integer(node, "lesions.min_voxels", atLeast: 1)
            }
            if let node = m["min_volume_mm3"] {
                pipeline.floor.minimumVolumeMM3 = try number(node, "lesions.min_volume_mm3", atLeast: 0)
            }
            if let node = m["min_extent_mm"] {
                pipeline.floor.minimumExtentMM = try number(node, "lesions.min_extent_mm", atLeast: 0)
            }
            if let node = m["min_reader_length_mm"] {
                pipeline.floor.minimumReaderLengthMM = try number(node, "lesions.min_reader_length_mm", atLeast: 0)
            }
        }
        if let matching = top["matching"] {
            let m = try mapping(matching, "matching")
            try allowKeys(
                m,
                [
                    "min_overlap_voxels", "enlarging_ratio", "enlarging_volume_mm3", "min_volume_change_mm3",
                    "min_confluent_volume_mm3", "recurrent_max_absent_visits",
                ], "matching")
            var rule = pipeline.matching
            if let node = m["min_overlap_voxels"] {
                rule.minimumOverlapVoxels = try integer(node, "matching.min_overlap_voxels", atLeast: 1)
            }
            if let node = m["enlarging_ratio"] {
                rule.enlargingRatio = try number(node, "matching.enlarging_ratio", atLeast: 1)
            }
            if let node = m["enlarging_volume_mm3"] {
                rule.enlargingVolumeMM3 = try number(node, "matching.enlarging_volume_mm3", atLeast: 0)
                guard rule.enlargingVolumeMM3 > 0 else { throw fail(node, "matching.enlarging_volume_mm3 must be above 0") }
            }
            if let node = m["min_volume_change_mm3"] {
                rule.minimumVolumeChangeMM3 = try number(node, "matching.min_volume_change_mm3", atLeast: 0)
            }
            if let node = m["min_confluent_volume_mm3"] {
                rule.minimumConfluentVolumeMM3 = try number(node, "matching.min_confluent_volume_mm3", atLeast: 0)
            }
            if let node = m["recurrent_max_absent_visits"] {
                rule.recurrentMaximumAbsentVisits = try integer(node, "matching.recurrent_max_absent_visits", atLeast: 0)
            }
            pipeline.matching = rule
        }
        if let grid = top["grid"] {
            let m = try mapping(grid, "grid")
            try allowKeys(m, ["same_grid_tolerance_mm", "min_field_coverage", "min_brain_mask_dice"], "grid")
            if let node = m["same_grid_tolerance_mm"] {
                pipeline.grid.sameGridToleranceMM = try number(node, "grid.same_grid_tolerance_mm", atLeast: 0)
            }
            if let node = m["min_field_coverage"] {
                pipeline.grid.minimumFieldCoverage = try fraction(node, "grid.min_field_coverage")
                guard pipeline.grid.minimumFieldCoverage > 0 else {
                    throw fail(node, "grid.min_field_coverage must be above 0: scans that share no field are never compared")
                }
            }
            if let node = m["min_brain_mask_dice"] {
                pipeline.grid.minimumBrainMaskDice = try fraction(node, "grid.min_brain_mask_dice")
            }
        }
        try parseRegistration(top, into: &pipeline)
        return pipeline
    }
}
