import LesionIO
import LesionKernels
import LesionLongitudinal
import Yams

/// Reads the YAML of a pipeline file into a `Pipeline`, refusing anything it does not understand.
///
/// Unknown keys, wrong types and values out of range are refused with the line they are on
/// (`FILE: line N: problem`), so a typo never silently falls back to a default. Keys left out take
/// the values of `Pipeline.standard`. The accepted keys are those of `Pipelines/default.yaml`.
struct PipelineParser {
    let path: String

    /// The only pipeline file format so far.
    static let formatVersion = 1

    func parse(_ text: String) throws(ScanError) -> Pipeline {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ScanError(path, "empty pipeline file: no YAML mapping")
            }
            root = node
        } catch let error as ScanError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw ScanError(path, "not readable as YAML: \(error)")
        }
        let top = try mapping(root, "the file")
        try allowKeys(top, ["pipeline_format", "name", "inputs", "t2_sources", "gd_sources", "lesions", "matching", "grid"], "the file")
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
            try allowKeys(m, ["connectivity", "min_voxels", "min_volume_mm3", "min_extent_mm"], "lesions")
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
        }
        if let matching = top["matching"] {
            let m = try mapping(matching, "matching")
            try allowKeys(m, ["min_overlap_voxels", "enlarging_ratio", "min_volume_change_mm3"], "matching")
            var rule = pipeline.matching
            if let node = m["min_overlap_voxels"] {
                rule.minimumOverlapVoxels = try integer(node, "matching.min_overlap_voxels", atLeast: 1)
            }
            if let node = m["enlarging_ratio"] {
                rule.enlargingRatio = try number(node, "matching.enlarging_ratio", atLeast: 1)
            }
            if let node = m["min_volume_change_mm3"] {
                rule.minimumVolumeChangeMM3 = try number(node, "matching.min_volume_change_mm3", atLeast: 0)
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
        return pipeline
    }

    private func sources(_ node: Node, _ key: String) throws(ScanError) -> [LesionSource] {
        guard case .sequence(let sequence) = node else {
            throw fail(node, "\(key) must be a list of sources (`- kind: …`)")
        }
        var result: [LesionSource] = []
        for (n, item) in sequence.enumerated() {
            let context = "\(key)[\(n + 1)]"
            let m = try mapping(item, context)
            try allowKeys(m, ["kind", "pattern", "exclude", "threshold", "z_threshold", "pre_contrast",
                              "pre_contrast_exclude", "subtraction_z_threshold"], context)
            guard let kindNode = m["kind"] else { throw fail(item, "\(context) needs a kind: mask, probseg or image") }
            let kindText = try string(kindNode, "\(context).kind")
            guard let kind = LesionSource.Kind(rawValue: kindText) else {
                throw fail(kindNode, "\(context).kind must be mask, probseg or image, not \"\(kindText)\"")
            }
            guard let patternNode = m["pattern"] else { throw fail(item, "\(context) needs a pattern") }
            var source = LesionSource(kind: kind, pattern: FileNamePattern(try string(patternNode, "\(context).pattern")))
            if let node = m["exclude"] { source.exclude = try patterns(node, "\(context).exclude") }
            let imageOnly = ["z_threshold", "pre_contrast", "pre_contrast_exclude", "subtraction_z_threshold"]
            for key in imageOnly where kind != .image {
                if let node = m[key] { throw fail(node, "\(context).\(key) applies to kind image only, not \(kind.rawValue)") }
            }
            if let node = m["threshold"] {
                guard kind != .image else {
                    throw fail(node, "\(context).threshold applies to masks and probability maps; an image takes z_threshold (relative to the brain)")
                }
                source.threshold = try number(node, "\(context).threshold")
            }
            if let node = m["z_threshold"] { source.zThreshold = try number(node, "\(context).z_threshold") }
            if let node = m["pre_contrast"] {
                source.preContrast = FileNamePattern(try string(node, "\(context).pre_contrast"))
            }
            if let node = m["pre_contrast_exclude"] {
                source.preContrastExclude = try patterns(node, "\(context).pre_contrast_exclude")
            }
            if let node = m["subtraction_z_threshold"] {
                source.subtractionZThreshold = try number(node, "\(context).subtraction_z_threshold")
            }
            result.append(source)
        }
        return result
    }

    // MARK: Typed access, each failure naming the line

    private func fail(_ node: Node?, _ message: String) -> ScanError {
        ScanError(path, "line \(node?.mark?.line ?? 1): \(message)")
    }

    private func mapping(_ node: Node, _ context: String) throws(ScanError) -> Node.Mapping {
        guard case .mapping(let m) = node else { throw fail(node, "\(context) must be a mapping of keys to values") }
        return m
    }

    private func allowKeys(_ m: Node.Mapping, _ allowed: [String], _ context: String) throws(ScanError) {
        for (key, _) in m {
            guard let name = key.scalar?.string, allowed.contains(name) else {
                throw fail(key, "unknown key \"\(key.scalar?.string ?? "?")\" in \(context) (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
    }

    private func scalar(_ node: Node, _ key: String, _ expected: String) throws(ScanError) -> Node.Scalar {
        guard case .scalar(let s) = node else { throw fail(node, "\(key) must be \(expected)") }
        return s
    }

    private func string(_ node: Node, _ key: String) throws(ScanError) -> String {
        let s = try scalar(node, key, "a text value")
        guard !s.string.isEmpty, node.tag.rawValue != Tag.Name.null.rawValue else { throw fail(node, "\(key) must not be empty") }
        return s.string
    }

    private func patterns(_ node: Node, _ key: String) throws(ScanError) -> [FileNamePattern] {
        guard case .sequence(let sequence) = node else { throw fail(node, "\(key) must be a list of patterns") }
        var result: [FileNamePattern] = []
        for item in sequence { result.append(FileNamePattern(try string(item, key))) }
        return result
    }

    private func boolean(_ node: Node, _ key: String) throws(ScanError) -> Bool {
        let s = try scalar(node, key, "true or false")
        guard let value = node.bool else { throw fail(node, "\(key) must be true or false, not \"\(s.string)\"") }
        return value
    }

    private func integer(_ node: Node, _ key: String, atLeast minimum: Int = .min) throws(ScanError) -> Int {
        let s = try scalar(node, key, "a whole number")
        guard let value = node.int else { throw fail(node, "\(key) must be a whole number, not \"\(s.string)\"") }
        guard value >= minimum else { throw fail(node, "\(key) must be at least \(minimum), not \(value)") }
        return value
    }

    private func number(_ node: Node, _ key: String, atLeast minimum: Double = -.infinity) throws(ScanError) -> Double {
        let s = try scalar(node, key, "a number")
        guard let value = node.float, value.isFinite else {
            throw fail(node, "\(key) must be a finite number, not \"\(s.string)\"")
        }
        guard value >= minimum else { throw fail(node, "\(key) must be at least \(JSON.number(minimum)), not \(s.string)") }
        return value
    }

    private func fraction(_ node: Node, _ key: String) throws(ScanError) -> Double {
        let value = try number(node, key, atLeast: 0)
        guard value <= 1 else { throw fail(node, "\(key) is a fraction from 0 to 1, not \(JSON.number(value))") }
        return value
    }

    private func syntaxError(_ error: YamlError) -> ScanError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return ScanError(path, "line \(mark.line), column \(mark.column): not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScanError(path, "line \(context.mark.line): key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) given twice")
        default:
            return ScanError(path, "not valid YAML: \(error)")
        }
    }
}
