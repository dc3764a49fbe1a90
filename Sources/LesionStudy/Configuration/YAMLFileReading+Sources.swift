import LesionIO
import Yams

extension YAMLFileReading {
    /// A list of lesion sources (`- kind: …, pattern: …`), each checked as the pipeline file
    /// documents: kinds, patterns, thresholds, and the keys that apply to images only.
    func sources(_ node: Node, _ key: String) throws(ScanError) -> [LesionSource] {
        guard case .sequence(let sequence) = node else {
            throw fail(node, "\(key) must be a list of sources (`- kind: …`)")
        }
        var result: [LesionSource] = []
        for (n, item) in sequence.enumerated() {
            let context = "\(key)[\(n + 1)]"
            let m = try mapping(item, context)
            try allowKeys(
                m,
                [
                    "kind", "pattern", "exclude", "threshold", "z_threshold", "pre_contrast",
                    "pre_contrast_exclude", "subtraction_z_threshold",
                ], context)
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
                    throw fail(
                        node,
                        "\(context).threshold applies to masks and probability maps; an image takes z_threshold (relative to the brain)")
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

    /// A list of file-name patterns.
    func patterns(_ node: Node, _ key: String) throws(ScanError) -> [FileNamePattern] {
        guard case .sequence(let sequence) = node else { throw fail(node, "\(key) must be a list of patterns") }
        var result: [FileNamePattern] = []
        for item in sequence { result.append(FileNamePattern(try string(item, key))) }
        return result
    }
}
