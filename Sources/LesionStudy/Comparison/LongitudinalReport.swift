import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan
import LesionReview

/// The outputs of `compare` and `patient`: one JSON document, a table of visits and a table of
/// lesions (one row per lesion per visit), each carrying the provenance and parameters; with a
/// review, also its object in the JSON and a table of reviewed visits.
///
/// Visits are numbered from 1 (the baseline) in the outputs.
public struct LongitudinalReport {
    public let run: LongitudinalRun
    /// The review of a `patient` run; nil for `compare`.
    public let review: ReviewReport?
    private let growth: ContiguousGrowth
    /// For a reviewed run: each visit's lesion IDs by label, to name punctate foci's hosts.
    private let idsByLabel: [[Int: LesionID]]
    /// For a reviewed run: each visit's punctate foci (focus label → host label).
    private let fociHosts: [[Int: Int]]

    public init(_ run: LongitudinalRun, review: PatientReview? = nil) {
        self.run = run
        self.review = review.map { ReviewReport(run: run, review: $0) }
        growth = ContiguousGrowth(rule: run.ledger.rule, voxelVolumeMM3: run.ledger.geometry.voxelVolumeMM3)
        var ids = [[Int: LesionID]](repeating: [:], count: review == nil ? 0 : run.visits.count)
        if review != nil {
            for row in run.ledger.rows { if let label = row.label { ids[row.visit][label] = row.id } }
        }
        idsByLabel = ids
        fociHosts =
            review.map { review in
                run.visits.indices.map { n in
                    PunctateFoci(entries: run.ledger.entries(atVisit: n), image: review.imageFeatures[n], growth: review.growth).hostOf
                }
            } ?? []
    }

    // MARK: Provenance and parameters

    /// Tool, inputs, pipeline and parameters: every key of the JSON but `visits` and `lesions`.
    public var runFields: [(key: String, value: String)] {
        let p = run.pipeline.pipeline
        let reference = run.reference
        let spacing = reference.geometry.spacingMM
        return [
            ("tool", JSON.string("lesiontrack")),
            ("version", JSON.string(LesionTrackVersion.current)),
            ("command", JSON.string(run.command)),
            ("inputs", "[" + run.inputs.map(JSON.string).joined(separator: ", ") + "]"),
            ("participant_id", run.participantID.map(JSON.string) ?? "null"),
            ("visit_order", JSON.string(run.visitOrder)),
            (
                "pipeline",
                Self.object([
                    ("file", JSON.string(run.pipeline.path)), ("sha256", JSON.string(run.pipeline.sha256)),
                    ("name", JSON.string(p.name)),
                ])
            ),
            ("parameters", Self.object(parameterFields.map { ($0.key, $0.value) })),
            ("t2_sources", "[" + p.t2Sources.map(Self.sourceJSON).joined(separator: ", ") + "]"),
            ("gd_sources", "[" + p.gdSources.map(Self.sourceJSON).joined(separator: ", ") + "]"),
            (
                "reference_grid",
                Self.object([
                    ("file", JSON.string(reference.path)),
                    ("dims", JSON.array([reference.grid.nx, reference.grid.ny, reference.grid.nz])),
                    ("voxel_size_mm", JSON.array([spacing.0, spacing.1, spacing.2])),
                    ("voxel_volume_mm3", JSON.number(reference.geometry.voxelVolumeMM3)),
                    ("orientation_source", JSON.string(reference.orientationSource.rawValue)),
                    ("affine", JSON.matrix(reference.affine.matrix4x4)),
                ])
            ),
            ("label_order", JSON.string(LabelReport.labelOrder)),
        ] + (review?.provenanceFields ?? [])
    }

    /// The numeric parameters that decide counts or refusals, as JSON values.
    public var parameterFields: [(key: String, value: String)] { Self.parameterFields(run.pipeline.pipeline) }

    /// A pipeline's parameters that decide counts or refusals, as JSON values.
    public static func parameterFields(_ p: Pipeline) -> [(key: String, value: String)] {
        [
            ("connectivity", String(p.connectivity.rawValue)),
            ("min_voxels", String(p.floor.minimumVoxels)),
            ("min_volume_mm3", JSON.number(p.floor.minimumVolumeMM3)),
            ("min_extent_mm", JSON.number(p.floor.minimumExtentMM)),
            ("min_reader_length_mm", JSON.number(p.floor.minimumReaderLengthMM)),
            ("min_overlap_voxels", String(p.matching.minimumOverlapVoxels)),
            ("enlarging_ratio", JSON.number(p.matching.enlargingRatio)),
            ("enlarging_volume_mm3", JSON.number(p.matching.enlargingVolumeMM3)),
            ("min_volume_change_mm3", JSON.number(p.matching.minimumVolumeChangeMM3)),
            ("min_confluent_volume_mm3", JSON.number(p.matching.minimumConfluentVolumeMM3)),
            ("recurrent_max_absent_visits", String(p.matching.recurrentMaximumAbsentVisits)),
            ("same_grid_tolerance_mm", JSON.number(p.grid.sameGridToleranceMM)),
            ("min_field_coverage", JSON.number(p.grid.minimumFieldCoverage)),
            ("min_brain_mask_dice", JSON.number(p.grid.minimumBrainMaskDice)),
            ("brain_mask_pattern", JSON.string(p.brainMask.text)),
            ("search_derivatives", String(p.searchDerivatives)),
            ("registration", JSON.string(p.registration.mode.rawValue)),
            ("registration_min_correlation", JSON.number(p.registration.minimumCorrelation)),
        ]
    }

    /// A lesion source (kind, pattern, exclusions, thresholds) as a JSON object.
    public static func sourceJSON(_ s: LesionSource) -> String {
        var fields: [(String, String)] = [("kind", JSON.string(s.kind.rawValue)), ("pattern", JSON.string(s.pattern.text))]
        if !s.exclude.isEmpty { fields.append(("exclude", "[" + s.exclude.map { JSON.string($0.text) }.joined(separator: ", ") + "]")) }
        switch s.kind {
        case .mask, .probseg:
            fields.append(("threshold", JSON.number(s.threshold)))
        case .image:
            fields.append(("z_threshold", JSON.number(s.zThreshold)))
            if let pre = s.preContrast {
                fields.append(("pre_contrast", JSON.string(pre.text)))
                fields.append(("subtraction_z_threshold", JSON.number(s.subtractionZThreshold)))
            }
        case .lesionGrowth:
            if let t1 = s.t1Image { fields.append(("t1_image", JSON.string(t1.text))) }
            fields += segmentationFields(.lesionGrowth(s.flair, t1: s.t1Image != nil, enhancementVoxels: 0))
        case .subtraction:
            if let pre = s.preContrast { fields.append(("pre_contrast", JSON.string(pre.text))) }
            fields += segmentationFields(.enhancement(s.enhancement, preContrast: s.preContrast != nil))
        }
        return object(fields)
    }

    // MARK: JSON

    public func writeJSON(_ out: TextOutput) throws(ScanError) {
        try out.write("{\n")
        for (key, value) in runFields { try out.write("  \(JSON.string(key)): \(value),\n") }
        if let review { try out.write("  \"review\": " + review.json(indent: "  ") + ",\n") }
        if !run.registrations.isEmpty { try out.write("  \"registrations\": " + RegistrationRecord.json(run.registrations) + ",\n") }
        try out.write("  \"visits\": [")
        for (n, visit) in run.visits.enumerated() {
            try out.write((n == 0 ? "\n    " : ",\n    ") + visitJSON(n, visit))
        }
        try out.write("\n  ],\n  \"lesions\": [")
        for (n, entry) in run.ledger.entries.enumerated() {
            try out.write((n == 0 ? "\n    " : ",\n    ") + Self.object(lesionFields(entry).map { ($0.key, $0.json) }))
        }
        try out.write(run.ledger.entries.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    private func visitJSON(_ n: Int, _ visit: VisitRecord) -> String {
        let inputs = visit.inputs
        var file: [(String, String)] = [
            ("file", JSON.string(inputs.t2File)), ("source", JSON.string(inputs.t2Source.kind.rawValue)),
            ("pattern", JSON.string(inputs.t2Source.pattern.text)),
        ]
        file += Self.ruleFields(visit.t2Rule) + Self.fitFields(visit.t2Fit)
        if case .lesionGrowth(_, true, _, _, _, _, _, _, _, _) = visit.t2Rule, let t1 = inputs.t1File {
            file.append(("t1_image", JSON.string(t1)))
        }
        var gd = "null"
        if let gdFile = inputs.gdFile, let source = inputs.gdSource, let rule = visit.gdRule, let fit = visit.gdFit {
            var fields: [(String, String)] = [
                ("file", JSON.string(gdFile)), ("source", JSON.string(source.kind.rawValue)),
                ("pattern", JSON.string(source.pattern.text)),
            ]
            fields += Self.ruleFields(rule) + Self.fitFields(fit)
            if let pre = inputs.preContrastFile, let preFit = visit.preContrastFit {
                fields.append(("pre_contrast", Self.object([("file", JSON.string(pre))] + Self.fitFields(preFit))))
            }
            gd = Self.object(fields)
        }
        var brain = "null"
        if let mask = inputs.brainMaskFile, let fit = visit.brainMaskFit {
            brain = Self.object(
                [("file", JSON.string(mask))] + Self.fitFields(fit)
                    + [("dice_with_baseline", JSON.number(visit.brainMaskDice))])
        }
        let counts = countFields(run.ledger.counts[n]).map { ($0.key, $0.json) }
        return Self.object([
            ("visit", String(n + 1)), ("session_id", inputs.session.map(JSON.string) ?? "null"),
            ("acq_time", inputs.acquisitionTime.map(JSON.string) ?? "null"), ("resampled", String(visit.resampled)),
            ("t2", Self.object(file)), ("gd", gd), ("brain_mask", brain), ("counts", Self.object(counts)),
        ])
    }

    static func ruleFields(_ rule: ForegroundRule) -> [(String, String)] {
        func stats(_ s: BrainStatistics) -> String {
            object([("mean", JSON.number(s.mean)), ("sd", JSON.number(s.standardDeviation)), ("voxels", String(s.voxelCount))])
        }
        switch rule {
        case .threshold(let t):
            return [("method", JSON.string(rule.method)), ("threshold", JSON.number(t))]
        case .zScore(let z, let brain):
            return [("method", JSON.string(rule.method)), ("z_threshold", JSON.number(z)), ("brain_statistics", stats(brain))]
        case .subtraction(let z, let post, let pre):
            return [
                ("method", JSON.string(rule.method)), ("subtraction_z_threshold", JSON.number(z)),
                ("brain_statistics", stats(post)), ("pre_contrast_brain_statistics", stats(pre)),
            ]
        case .lesionGrowth(
            let f, let t1, let enhancementVoxels, let corticalVoxels, let reacquiredVoxels, let changeKnown, let unchangedVoxels,
            let changeVoxels, let marginVoxels, let grownVoxels):
            // Recorded only when the rule is on, so outputs with it off read as before it existed.
            let cortical = f.cortexMaximumFraction < 1 ? [("voxels_dropped_as_cortical", String(corticalVoxels))] : []
            // Recorded only when the previous visit was re-acquired as this visit's series.
            let reacquired = reacquiredVoxels.map { [("previous_visit_reacquired_voxels", String($0))] } ?? []
            // Recorded only when growth needed a change of the FLAIR (a later visit with the previous one's FLAIR).
            let change = changeKnown ? [("flair_change_ratio", JSON.number(PreviousVisit.changeRatio))] : []
            // Recorded only when the rules applied (on, at a later visit with the previous FLAIR).
            let unchanged = unchangedVoxels.map { [("voxels_dropped_as_unchanged", String($0))] } ?? []
            let byChange = changeVoxels.map { [("voxels_found_by_change", String($0))] } ?? []
            // Recorded only when ventricle_wall_seeds is on.
            let margin = marginVoxels.map { [("voxels_dropped_within_ventricle_margin", String($0))] } ?? []
            // Recorded at later visits (a previous visit with a FLAIR): the lesions a rule read as
            // unchanged voxel by voxel and kept because they grew.
            let grown = grownVoxels.map { [("voxels_kept_as_grown", String($0))] } ?? []
            return [
                ("method", JSON.string(rule.method)), ("t1_support", String(t1)),
                ("voxels_seeded_by_enhancement", String(enhancementVoxels)),
            ] + cortical + reacquired + change + unchanged + byChange + margin + grown + segmentationFields(rule)
        case .enhancement(_, let preContrast):
            return [("method", JSON.string(rule.method)), ("less_specific", String(!preContrast))] + segmentationFields(rule)
        }
    }

    /// The count-deciding values of a segmentation, as the pipeline file names them.
    static func segmentationFields(_ rule: ForegroundRule) -> [(String, String)] {
        func normalisation(_ n: WhiteMatterNormalisation) -> [(String, String)] {
            [
                ("reference_sigma_mm", JSON.number(n.sigmaMM)), ("reference_erosion_mm", JSON.number(n.erosionMM)),
                ("reference_band", JSON.number(n.band)),
            ]
        }
        switch rule {
        case .lesionGrowth(let f, _, _, _, _, _, _, _, _, _):
            return [
                ("seed_ratio", JSON.number(f.seedRatio)), ("grow_ratio", JSON.number(f.growRatio)),
                ("t1_max_ratio", JSON.number(f.t1MaximumRatio)), ("white_matter_dilation_mm", JSON.number(f.whiteMatterDilationMM)),
                ("ventricle_margin_mm", JSON.number(f.ventricleMarginMM)),
                ("ventricle_csf_ratio", JSON.number(f.ventricleCSFRatio)), ("ventricle_wall_seeds", String(f.ventricleWallSeeds)),
                ("ventricle_wall_reach", String(f.ventricleWallReach)),
                ("edge_fraction", JSON.number(f.edgeFraction)), ("white_matter_peaks", String(f.whiteMatterPeaks)),
                ("cortex_max_fraction", JSON.number(f.cortexMaximumFraction)), ("enhancing_seeds", String(f.enhancingSeeds)),
                ("enhancing_reach_mm", JSON.number(f.enhancingReachMM)),
                ("unchanged_neighbourhood_mm", JSON.number(f.unchangedNeighbourhoodMM)),
                ("change_seed_ratio", JSON.number(f.changeSeedRatio)), ("drop_unchanged", String(f.dropUnchanged)),
                ("earlier_signal", String(f.earlierSignal)), ("previous_lesion_seeds", String(f.previousLesionSeeds)),
            ] + normalisation(f.normalisation)
        case .enhancement(let e, _):
            return [
                ("seed_difference", JSON.number(e.seedDifference)), ("grow_difference", JSON.number(e.growDifference)),
                ("white_matter_dilation_mm", JSON.number(e.whiteMatterDilationMM)), ("brain_margin_mm", JSON.number(e.brainMarginMM)),
                ("ventricle_margin_mm", JSON.number(e.ventricleMarginMM)), ("closing_mm", JSON.number(e.closingMM)),
                ("flair_min_ratio", JSON.number(e.flairMinimumRatio)), ("ventricle_csf_ratio", JSON.number(e.ventricleCSFRatio)),
                ("ventricle_reach_mm", JSON.number(e.ventricleReachMM)),
            ] + normalisation(e.normalisation)
        default:
            return []
        }
    }

    static func fitFields(_ fit: GridFit) -> [(String, String)] {
        switch fit {
        case .reference: [("grid", JSON.string(fit.name))]
        case .same(let displacement): [("grid", JSON.string(fit.name)), ("displacement_mm", JSON.number(displacement))]
        case .resampled(let method, let coverage):
            [("grid", JSON.string(fit.name)), ("resampling", JSON.string(method.rawValue)), ("field_coverage", JSON.number(coverage))]
        }
    }

    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(JSON.string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    // MARK: Tables

    /// A field of a table row: its JSON value and its text in a TSV cell.
    public struct Field {
        public let key: String
        public let json: String
        public let text: String

        init(_ key: String, json: String, text: String) {
            self.key = key
            self.json = json
            self.text = text
        }

        static func count(_ key: String, _ n: Int?) -> Field {
            Field(key, json: n.map(String.init) ?? "null", text: n.map(String.init) ?? "n/a")
        }

        static func number(_ key: String, _ x: Double?) -> Field {
            Field(key, json: JSON.number(x), text: TableFormat.number(x))
        }

        static func text(_ key: String, _ s: String?) -> Field {
            Field(key, json: s.map(JSON.string) ?? "null", text: s ?? "n/a")
        }

        static func flag(_ key: String, _ b: Bool?) -> Field {
            Field(key, json: b.map { String($0) } ?? "null", text: b.map { String($0) } ?? "n/a")
        }

        static func ids(_ key: String, _ ids: [LesionID]) -> Field {
            Field(key, json: JSON.array(ids.map(\.value)), text: ids.isEmpty ? "n/a" : ids.map(\.description).joined(separator: ","))
        }
    }

    func countFields(_ c: VisitCounts) -> [Field] {
        [
            .count("t2_lesions", c.t2Lesions), .number("t2_volume_mm3", c.t2VolumeMM3),
            .count("new_t2", c.newT2), .count("enlarging_t2", c.enlargingT2),
            .count("new_or_enlarging_t2", c.newOrEnlargingT2), .count("stable_t2", c.stableT2),
            .count("shrinking_t2", c.shrinkingT2), .count("merged_t2", c.mergedT2), .count("split_t2", c.splitT2),
            .count("resolved_t2", c.resolvedT2), .count("absorbed_t2", c.absorbedT2),
            .count("recurrent_t2", c.recurrentT2), .count("confluent_t2", c.confluentT2),
            .count("active_merged_split_t2", c.activeMergedSplitT2), .count("active_recurrent_t2", c.activeRecurrentT2),
            .count("gd_lesions", c.gdLesions), .count("enhancing_t2", c.enhancingT2),
        ]
    }

    func visitRow(_ n: Int) -> [Field] {
        let visit = run.visits[n], inputs = visit.inputs
        return [
            .count("visit", n + 1), .text("session_id", inputs.session), .text("acq_time", inputs.acquisitionTime),
            .text("grid", visit.t2Fit.name),
        ]
            + countFields(run.ledger.counts[n])
            + [.text("t2_file", inputs.t2File), .text("gd_file", inputs.gdFile)]
            + [
                .number("t2_field_coverage", visit.t2Fit.coverage), .number("t2_voxel_mm", visit.t2CoarsestVoxelMM),
                .number("gd_field_coverage", visit.gdFit?.coverage), .number("gd_voxel_mm", visit.gdCoarsestVoxelMM),
            ]
    }

    func lesionFields(_ e: LedgerEntry) -> [Field] {
        let centroid = e.lesion?.centroidMM
        return [
            .count("lesion_id", e.id.value), .count("visit", e.visit + 1),
            .text("session_id", run.visits[e.visit].inputs.session), .text("state", e.state.rawValue),
            .count("label", e.label), .count("voxels", e.voxelCount), .number("volume_mm3", e.volumeMM3),
            .number("previous_volume_mm3", e.previousVolumeMM3), .number("volume_ratio", e.volumeRatio),
            .ids("previous_ids", e.previousIDs), .ids("merged_into", e.mergedInto),
            .count("split_from", e.splitFrom?.value),
            .flag("confluent", e.state.isPresent && e.state != .baseline ? e.confluent : nil),
            .flag("active", e.state.isPresent && e.state != .baseline ? e.active : nil),
            .number("largest_added_region_mm3", e.largestAddedRegionMM3), .count("absent_visits", e.absentVisits),
            .flag("enhancing", e.enhancing),
            .number("centroid_x_mm", centroid?.x), .number("centroid_y_mm", centroid?.y), .number("centroid_z_mm", centroid?.z),
            .number("largest_extent_mm", e.lesion?.largestExtentMM),
            .flag("contiguous_growth", growth.grew(e)), .number("growth_mm3", growth.growthMM3(e)),
        ] + imageFields(e)
    }

    /// The review's image features of a present lesion (`n/a` without a review).
    private func imageFields(_ e: LedgerEntry) -> [Field] {
        let f = e.label.flatMap { label in review.map { $0.review.imageFeatures[e.visit].lesions[label - 1] } }
        let host = e.label.flatMap { label in fociHosts.isEmpty ? nil : fociHosts[e.visit][label] }.flatMap { idsByLabel[e.visit][$0] }
        return [
            .flag("large_lesion", f?.isLarge), .flag("cortical_contact", f?.corticalContact),
            .flag("grey_matter_contact", f?.greyMatterContact), .flag("periventricular", f?.periventricular),
            .count("punctate_focus_of", host?.value), .count("enhancing_voxels", f?.enhancement?.enhancingVoxels),
            .number("enhancing_rim_share", f?.enhancement?.enhancingRimShare),
        ]
    }

    public enum Table: String, Sendable, CaseIterable {
        /// One row per visit: the counts.
        case visits
        /// One row per lesion per visit: the ledger.
        case lesions
        /// One row per reviewed visit: the class, scores and reasons (`patient` only).
        case review
    }

    /// The rows of a table, each in the order of `columns(table)`.
    public func rows(_ table: Table) -> [[Field]] {
        let rows =
            switch table {
            case .visits: run.visits.indices.map(visitRow)
            case .lesions: run.ledger.entries.map(lesionFields)
            case .review: review?.rows ?? []
            }
        #if LESIONTRACK_CHECKS
        for row in rows { precondition(row.map(\.key) == Self.columns(table), "\(table) row keys differ from its columns") }
        #endif
        return rows
    }

    /// The column names of a table, in order.
    public static func columns(_ table: Table) -> [String] {
        switch table {
        case .visits:
            [
                "visit", "session_id", "acq_time", "grid", "t2_lesions", "t2_volume_mm3", "new_t2", "enlarging_t2",
                "new_or_enlarging_t2", "stable_t2", "shrinking_t2", "merged_t2", "split_t2", "resolved_t2",
                "absorbed_t2", "recurrent_t2", "confluent_t2", "active_merged_split_t2", "active_recurrent_t2",
                "gd_lesions", "enhancing_t2", "t2_file", "gd_file", "t2_field_coverage", "t2_voxel_mm", "gd_field_coverage",
                "gd_voxel_mm",
            ]
        case .lesions:
            [
                "lesion_id", "visit", "session_id", "state", "label", "voxels", "volume_mm3", "previous_volume_mm3",
                "volume_ratio", "previous_ids", "merged_into", "split_from", "confluent", "active",
                "largest_added_region_mm3", "absent_visits", "enhancing", "centroid_x_mm",
                "centroid_y_mm", "centroid_z_mm", "largest_extent_mm", "contiguous_growth", "growth_mm3", "large_lesion",
                "cortical_contact", "grey_matter_contact", "periventricular", "punctate_focus_of", "enhancing_voxels",
                "enhancing_rim_share",
            ]
        case .review: ReviewReport.columns
        }
    }

    /// A TSV table; with `provenance`, led by `#` comment lines naming the tool, the pipeline file
    /// and its hash and the parameters, and for a reviewed run the rules file with its hash and the
    /// decision-support statement (for standard output, where no sidecar can go).
    public func writeTable(_ out: TextOutput, _ table: Table, provenance: Bool) throws(ScanError) {
        if provenance {
            try out.write("# lesiontrack \(LesionTrackVersion.current) \(run.command) \(run.inputs.joined(separator: " "))\n")
            try out.write("# pipeline \(run.pipeline.path) sha256 \(run.pipeline.sha256)\n")
            try out.write("# parameters " + parameterFields.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n")
            if let review {
                try out.write("# rules \(review.review.rules.path) sha256 \(review.review.rules.sha256)\n")
                try out.write("# \(RulesFile.statement)\n")
            }
        }
        try out.write(TableFormat.tsv.row(Self.columns(table)))
        for row in rows(table) { try out.write(TableFormat.tsv.row(row.map(\.text))) }
    }

    /// The BIDS sidecar of a table file: its columns and every key of the JSON but the rows.
    public func writeSidecar(_ out: TextOutput, table: Table, file: String) throws(ScanError) {
        var fields: [(key: String, value: String)] = [
            ("table", JSON.string(file)),
            ("columns", "[" + Self.columns(table).map(JSON.string).joined(separator: ", ") + "]"),
        ]
        fields += runFields
        try out.write("{\n" + fields.map { "  \(JSON.string($0.key)): \($0.value)" }.joined(separator: ",\n") + "\n}\n")
    }

    /// Writes `PREFIX_longitudinal.json`, `PREFIX_visits.tsv`, `PREFIX_lesions.tsv`, with a review
    /// `PREFIX_review.tsv`, and the tables' sidecars (`PREFIX_visits.json`, …) into `directory`,
    /// each atomically. Returns the paths written.
    @discardableResult
    public func writeFiles(into directory: String, prefix: String) throws(ScanError) -> [String] {
        try FileSystem.makeDirectory(directory)
        let base = FileSystem.join(directory, prefix)
        var written: [String] = []
        try TextOutput.file(base + "longitudinal.json") { (out: TextOutput) throws(ScanError) in try writeJSON(out) }
        written.append(base + "longitudinal.json")
        for table in Table.allCases where table != .review || review != nil {
            let tsv = base + table.rawValue + ".tsv", sidecar = base + table.rawValue + ".json"
            try TextOutput.file(tsv) { (out: TextOutput) throws(ScanError) in try writeTable(out, table, provenance: false) }
            try TextOutput.file(sidecar) { (out: TextOutput) throws(ScanError) in
                try writeSidecar(out, table: table, file: tsv)
            }
            written += [tsv, sidecar]
        }
        return written
    }
}
