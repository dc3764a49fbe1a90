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
                ] + Self.growthKeys + Self.subtractionKeys, context)
            let kinds = "mask, probseg, image, lesion-growth or subtraction"
            guard let kindNode = m["kind"] else { throw fail(item, "\(context) needs a kind: \(kinds)") }
            let kindText = try string(kindNode, "\(context).kind")
            guard let kind = LesionSource.Kind(rawValue: kindText) else {
                throw fail(kindNode, "\(context).kind must be \(kinds), not \"\(kindText)\"")
            }
            guard let patternNode = m["pattern"] else { throw fail(item, "\(context) needs a pattern") }
            var source = LesionSource(kind: kind, pattern: FileNamePattern(try string(patternNode, "\(context).pattern")))
            let imageOnly = ["z_threshold", "subtraction_z_threshold"]
            for key in imageOnly where kind != .image {
                if let node = m[key] { throw fail(node, "\(context).\(key) applies to kind image only, not \(kind.rawValue)") }
            }
            for key in ["pre_contrast", "pre_contrast_exclude"] where kind != .image && kind != .subtraction {
                if let node = m[key] {
                    throw fail(node, "\(context).\(key) applies to kinds image and subtraction only, not \(kind.rawValue)")
                }
            }
            for (keys, owner) in [(Self.growthOnlyKeys, LesionSource.Kind.lesionGrowth), (Self.subtractionOnlyKeys, .subtraction)] {
                for key in keys where kind != owner {
                    if let node = m[key] {
                        throw fail(node, "\(context).\(key) applies to kind \(owner.rawValue) only, not \(kind.rawValue)")
                    }
                }
            }
            for key in Self.sharedSegmentationKeys where !kind.needsAnatomy {
                if let node = m[key] {
                    throw fail(node, "\(context).\(key) applies to kinds lesion-growth and subtraction only, not \(kind.rawValue)")
                }
            }
            if kind == .lesionGrowth { source = LesionSource.rawFLAIR.with(pattern: source.pattern) }
            if kind == .subtraction { source = LesionSource.rawPostContrast.with(pattern: source.pattern) }
            if let node = m["exclude"] { source.exclude = try patterns(node, "\(context).exclude") }
            if kind.needsAnatomy { try segmentation(m, context, into: &source) }
            if let node = m["threshold"] {
                guard !kind.readsImage else {
                    throw fail(
                        node,
                        "\(context).threshold applies to masks and probability maps; an image takes z_threshold (relative to the brain)")
                }
                source.threshold = try number(node, "\(context).threshold")
            }
            if let node = m["z_threshold"] { source.zThreshold = try number(node, "\(context).z_threshold") }
            if let node = m["pre_contrast"] {
                let text = try string(node, "\(context).pre_contrast")
                source.preContrast = text == "none" ? nil : FileNamePattern(text)
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

    static var growthOnlyKeys: [String] {
        [
            "t1_image", "t1_image_exclude", "seed_ratio", "grow_ratio", "t1_max_ratio", "edge_fraction", "cortex_max_fraction",
            "enhancing_seeds", "enhancing_reach_mm", "change_seed_ratio", "drop_unchanged", "unchanged_neighbourhood_mm",
            "earlier_signal", "previous_lesion_seeds", "ventricle_wall_seeds", "ventricle_wall_reach", "white_matter_peaks",
        ]
    }
    static var subtractionOnlyKeys: [String] {
        ["seed_difference", "grow_difference", "brain_margin_mm", "closing_mm", "flair_min_ratio", "ventricle_reach_mm"]
    }
    static var sharedSegmentationKeys: [String] {
        [
            "white_matter_dilation_mm", "ventricle_margin_mm", "ventricle_csf_ratio", "reference_sigma_mm", "reference_erosion_mm",
            "reference_band",
        ]
    }
    static var growthKeys: [String] { growthOnlyKeys + sharedSegmentationKeys }
    static var subtractionKeys: [String] { subtractionOnlyKeys }

    /// The keys of `lesion-growth` and `subtraction` sources: ratios and differences above 0,
    /// distances in mm at least 0, the band a fraction.
    func segmentation(_ m: Node.Mapping, _ context: String, into source: inout LesionSource) throws(ScanError) {
        func positive(_ key: String) throws(ScanError) -> Double? {
            guard let node = m[key] else { return nil }
            let value = try number(node, "\(context).\(key)", atLeast: 0)
            guard value > 0 else { throw fail(node, "\(context).\(key) must be above 0") }
            return value
        }
        func distance(_ key: String) throws(ScanError) -> Double? {
            guard let node = m[key] else { return nil }
            return try number(node, "\(context).\(key)", atLeast: 0)
        }
        var normalisation = source.kind == .lesionGrowth ? source.flair.normalisation : source.enhancement.normalisation
        if let value = try positive("reference_sigma_mm") { normalisation.sigmaMM = value }
        if let value = try distance("reference_erosion_mm") { normalisation.erosionMM = value }
        if let node = m["reference_band"] { normalisation.band = try fraction(node, "\(context).reference_band") }
        if source.kind == .lesionGrowth {
            var f = source.flair
            f.normalisation = normalisation
            if let node = m["t1_image"] {
                let text = try string(node, "\(context).t1_image")
                source.t1Image = text == "none" ? nil : FileNamePattern(text)
            }
            if let node = m["t1_image_exclude"] { source.t1ImageExclude = try patterns(node, "\(context).t1_image_exclude") }
            if let value = try positive("seed_ratio") { f.seedRatio = value }
            if let value = try positive("grow_ratio") { f.growRatio = value }
            if let value = try positive("t1_max_ratio") { f.t1MaximumRatio = value }
            if let node = m["edge_fraction"] { f.edgeFraction = try fraction(node, "\(context).edge_fraction") }
            if let node = m["cortex_max_fraction"] {
                f.cortexMaximumFraction = try fraction(node, "\(context).cortex_max_fraction")
            }
            if let node = m["enhancing_seeds"] { f.enhancingSeeds = try boolean(node, "\(context).enhancing_seeds") }
            if let value = try distance("enhancing_reach_mm") { f.enhancingReachMM = value }
            if let value = try distance("unchanged_neighbourhood_mm") { f.unchangedNeighbourhoodMM = value }
            if let node = m["change_seed_ratio"] {
                f.changeSeedRatio = try number(node, "\(context).change_seed_ratio", atLeast: 0)
            }
            if let node = m["drop_unchanged"] { f.dropUnchanged = try boolean(node, "\(context).drop_unchanged") }
            if let node = m["earlier_signal"] { f.earlierSignal = try boolean(node, "\(context).earlier_signal") }
            if let node = m["previous_lesion_seeds"] {
                f.previousLesionSeeds = try boolean(node, "\(context).previous_lesion_seeds")
            }
            if let node = m["ventricle_wall_seeds"] {
                f.ventricleWallSeeds = try boolean(node, "\(context).ventricle_wall_seeds")
            }
            if let node = m["ventricle_wall_reach"] {
                f.ventricleWallReach = try boolean(node, "\(context).ventricle_wall_reach")
            }
            if let node = m["white_matter_peaks"] { f.whiteMatterPeaks = try boolean(node, "\(context).white_matter_peaks") }
            if let value = try distance("white_matter_dilation_mm") { f.whiteMatterDilationMM = value }
            if let value = try distance("ventricle_margin_mm") { f.ventricleMarginMM = value }
            if let node = m["ventricle_csf_ratio"] {
                f.ventricleCSFRatio = try number(node, "\(context).ventricle_csf_ratio", atLeast: 0)
            }
            guard f.growRatio <= f.seedRatio else {
                throw fail(
                    m["grow_ratio"] ?? m["seed_ratio"]!,
                    "\(context).grow_ratio (\(f.growRatio)) must not exceed seed_ratio (\(f.seedRatio))")
            }
            source.flair = f
        } else {
            var e = source.enhancement
            e.normalisation = normalisation
            if let value = try positive("seed_difference") { e.seedDifference = value }
            if let value = try positive("grow_difference") { e.growDifference = value }
            if let value = try distance("white_matter_dilation_mm") { e.whiteMatterDilationMM = value }
            if let value = try distance("ventricle_margin_mm") { e.ventricleMarginMM = value }
            if let value = try distance("brain_margin_mm") { e.brainMarginMM = value }
            if let value = try distance("closing_mm") { e.closingMM = value }
            if let value = try distance("flair_min_ratio") { e.flairMinimumRatio = value }
            if let node = m["ventricle_csf_ratio"] {
                e.ventricleCSFRatio = try number(node, "\(context).ventricle_csf_ratio", atLeast: 0)
            }
            if let value = try distance("ventricle_reach_mm") { e.ventricleReachMM = value }
            guard e.growDifference <= e.seedDifference else {
                throw fail(
                    m["grow_difference"] ?? m["seed_difference"]!,
                    "\(context).grow_difference (\(e.growDifference)) must not exceed seed_difference (\(e.seedDifference))")
            }
            source.enhancement = e
        }
    }

    /// A list of file-name patterns.
    func patterns(_ node: Node, _ key: String) throws(ScanError) -> [FileNamePattern] {
        guard case .sequence(let sequence) = node else { throw fail(node, "\(key) must be a list of patterns") }
        var result: [FileNamePattern] = []
        for item in sequence { result.append(FileNamePattern(try string(item, key))) }
        return result
    }
}
