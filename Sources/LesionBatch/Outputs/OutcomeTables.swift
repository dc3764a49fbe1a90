import GRDB
import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionStudy

/// Builds a participant's rows of the results tables from its run, in the columns of
/// `ResultsSchema`. Paths are stored relative to the study root (inputs) or to the output
/// folder (outputs), so results of one study written on different machines compare equal.
struct OutcomeTables {
    let participantID: String
    let paths: StudyPaths
    private var scans = TableRows(
        table: "scans",
        columns: [
            "participant_id", "session_id", "path", "role", "sha256", "size_bytes", "nifti_version", "dims", "datatype",
            "voxel_size_mm", "orientation_source", "affine", "grid",
        ])
    private var visits = TableRows(
        table: "visits",
        columns: [
            "participant_id", "visit", "session_id", "acq_time", "grid", "resampled", "t2_lesions", "t2_volume_mm3",
            "new_t2", "enlarging_t2", "new_or_enlarging_t2", "stable_t2", "shrinking_t2", "merged_t2", "split_t2",
            "resolved_t2", "absorbed_t2", "gd_lesions", "enhancing_t2", "t2_file", "gd_file", "brain_mask_file",
            "brain_mask_dice", "recurrent_t2", "confluent_t2", "active_merged_split_t2", "active_recurrent_t2",
            "t2_field_coverage", "t2_voxel_mm", "gd_field_coverage", "gd_voxel_mm",
        ])
    private var lesions = TableRows(
        table: "lesions",
        columns: [
            "participant_id", "lesion_id", "first_visit", "first_session_id", "last_visit", "end_state", "split_from",
            "largest_volume_mm3",
        ])
    private var ledger = TableRows(
        table: "ledger",
        columns: [
            "participant_id", "lesion_id", "visit", "session_id", "state", "label", "voxels", "volume_mm3",
            "previous_volume_mm3", "volume_ratio", "previous_ids", "merged_into", "split_from", "enhancing",
            "centroid_x_mm", "centroid_y_mm", "centroid_z_mm", "largest_extent_mm", "confluent", "active",
            "largest_added_region_mm3", "absent_visits",
        ])
    private var gdLesions = TableRows(
        table: "gd_lesions",
        columns: [
            "participant_id", "visit", "session_id", "label", "voxels", "volume_mm3", "centroid_x_mm", "centroid_y_mm",
            "centroid_z_mm", "largest_extent_mm",
        ])
    private var classifications = TableRows(
        table: "classifications",
        columns: [
            "participant_id", "session_id", "class", "urgent_review", "scores", "reasons", "missing_data", "rules_file",
            "rules_sha256", "decision_support",
        ])
    private var windows = TableRows(
        table: "review_windows",
        columns: [
            "participant_id", "hypothesis", "rule_id", "features", "event", "event_date", "from_days", "to_days",
            "start_date", "end_date",
        ])
    private var outputs = TableRows(table: "outputs", columns: ["path", "participant_id", "kind", "sha256"])
    private var registrations = TableRows(
        table: "registrations", columns: ["participant_id", "moving", "fixed", "reused", "figures"])

    init(participantID: String, paths: StudyPaths) {
        self.participantID = participantID
        self.paths = paths
    }

    var all: [TableRows] { [scans, visits, lesions, ledger, gdLesions, classifications, windows, registrations, outputs] }

    /// Visits (1-based, as in every output), lesions and the ledger of a compared participant.
    mutating func add(_ run: LongitudinalRun) {
        for record in run.registrations {
            let figures = "{" + record.figures.map { "\(JSON.string($0.0)): \(JSON.number($0.1))" }.joined(separator: ", ") + "}"
            registrations.append([participantID, paths.relative(record.from), paths.relative(record.to), record.reused, figures])
        }
        for (n, visit) in run.visits.enumerated() {
            let c = run.ledger.counts[n], inputs = visit.inputs
            visits.append([
                participantID, n + 1, inputs.session, inputs.acquisitionTime, visit.t2Fit.name, visit.resampled,
                c.t2Lesions, c.t2VolumeMM3, c.newT2, c.enlargingT2, c.newOrEnlargingT2, c.stableT2, c.shrinkingT2,
                c.mergedT2, c.splitT2, c.resolvedT2, c.absorbedT2, c.gdLesions, c.enhancingT2,
                paths.relative(inputs.t2File), inputs.gdFile.map(paths.relative), inputs.brainMaskFile.map(paths.relative),
                visit.brainMaskDice, c.recurrentT2, c.confluentT2, c.activeMergedSplitT2, c.activeRecurrentT2,
                visit.t2Fit.coverage, visit.t2CoarsestVoxelMM, visit.gdFit?.coverage, visit.gdCoarsestVoxelMM,
            ])
        }
        let session = { (visit: Int) in run.visits[visit].inputs.session }
        var history: [LesionID: [LedgerEntry]] = [:]
        for entry in run.ledger.entries {
            history[entry.id, default: []].append(entry)
            let centroid = entry.lesion?.centroidMM
            let followUp = entry.state.isPresent && entry.state != .baseline
            ledger.append([
                participantID, entry.id.value, entry.visit + 1, session(entry.visit), entry.state.rawValue, entry.label,
                entry.voxelCount, entry.volumeMM3, entry.previousVolumeMM3, entry.volumeRatio,
                JSON.array(entry.previousIDs.map(\.value)), JSON.array(entry.mergedInto.map(\.value)),
                entry.splitFrom?.value, entry.enhancing, centroid?.x, centroid?.y, centroid?.z,
                entry.lesion?.largestExtentMM, followUp ? entry.confluent : nil, followUp ? entry.active : nil,
                entry.largestAddedRegionMM3, entry.absentVisits,
            ])
        }
        for (id, rows) in history.sorted(by: { $0.key < $1.key }) {
            let present = rows.filter { $0.state.isPresent }
            // A recurrent lesion's resolved row is not its end when it came back.
            let ended = rows.last.flatMap { $0.state.isPresent ? nil : $0 }
            lesions.append([
                participantID, id.value, rows[0].visit + 1, session(rows[0].visit), (present.last?.visit ?? rows[0].visit) + 1,
                ended?.state.rawValue, rows.compactMap(\.splitFrom).first?.value,
                present.map(\.volumeMM3).max() ?? 0,
            ])
        }
    }

    /// The Gd+ lesions of one visit (1-based), measured on the baseline grid.
    mutating func addGd(visit: Int, session: String, _ found: [Lesion]) {
        for lesion in found {
            gdLesions.append([
                participantID, visit, session, lesion.label, lesion.voxelCount, lesion.volumeMM3, lesion.centroidMM.x,
                lesion.centroidMM.y, lesion.centroidMM.z, lesion.largestExtentMM,
            ])
        }
    }

    mutating func add(_ classification: PatientClassification) {
        for (session, record) in [(String?.none, classification.overall)]
            + classification.sessions.map({ (Optional($0.sessionID), $0.record) })
        {
            classifications.append([
                participantID, session, record.className, record.urgentReview ? 1 : 0, record.scoresJSON, record.reasonsJSON,
                record.missingDataJSON,
                record.rulesFile, record.rulesSHA256, record.decisionSupport,
            ])
        }
        for w in classification.windows {
            windows.append([
                participantID, w.hypothesis, w.ruleID, w.features, w.event, w.eventDate, w.fromDays, w.toDays, w.startDate,
                w.endDate,
            ])
        }
    }

    /// Every file found in the participant's sessions, with its role in the run and, for the
    /// files read, their header facts and how they fit the baseline grid.
    mutating func addScans(_ folder: PatientFolder, state: PatientJob.State, headers: [String: ScanHeader], run: LongitudinalRun?) {
        var roles: [String: (role: String, fit: GridFit?)] = [:]
        for visit in run?.visits ?? [] {
            let i = visit.inputs
            roles[i.t2File] = ("t2", visit.t2Fit)
            if let f = i.gdFile { roles[f] = ("gd", visit.gdFit) }
            if let f = i.preContrastFile { roles[f] = ("pre_contrast", visit.preContrastFit) }
            if let f = i.brainMaskFile { roles[f] = ("brain_mask", visit.brainMaskFit) }
        }
        for session in folder.sessions {
            for file in session.files.sorted() {
                let hash = state.hashes[file]
                let header = roles[file] != nil ? headers[file] : nil
                let spacing = header?.geometry.spacingMM
                scans.append([
                    participantID, session.label, paths.relative(file), roles[file]?.role, hash?.sha256, hash?.bytes,
                    header?.niftiVersion, header.map { JSON.array($0.dims) }, header?.datatype.name,
                    spacing.map { JSON.array([$0.0, $0.1, $0.2]) }, header?.orientationSource.rawValue,
                    header.map { JSON.matrix($0.affine.matrix4x4) }, roles[file]?.fit?.name,
                ])
            }
        }
    }

    /// The files written for the participant, relative to the output folder, with their hashes.
    mutating func addOutputs(_ files: [String]) throws(ScanError) {
        for file in files.sorted() {
            let kind =
                file.hasSuffix("_dseg.nii.gz")
                ? "label_map"
                : file.hasSuffix("_dseg.json") ? "label_map_sidecar" : "report"
            outputs.append([file, participantID, kind, try ContentHash.of(file: paths.outputPath(file)).sha256])
        }
    }
}
