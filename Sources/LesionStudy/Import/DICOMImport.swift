import LesionEngines
import LesionIO

/// One visit's DICOM folder converted by dcm2niix into a BIDS session of a study, de-identified.
///
/// dcm2niix runs twice into a private folder inside the study: first for full sidecars only (the
/// acquisition date and the patient ID, read and removed at once, and the list of files it read),
/// then for compressed images with anonymised sidecars. Each series is named by the series rules
/// file; the kept ones are moved into `sub-<id>/ses-<label>/<datatype>/` with their sidecars (keys
/// of `Deidentification.removedSidecarKeys` left out), and the visit's row goes into
/// `sub-<id>_sessions.tsv`, the participant's into `participants.tsv`. Files whose bytes would
/// not change are not written. The input folder is only read.
public struct DICOMImport: Sendable {
    /// What to import and where.
    public struct Request: Sendable {
        public var dicomFolder: String
        public var study: String
        /// The participant label (without `sub-`); nil to derive it from `salt`.
        public var participant: String?
        /// The salt of a label made from the patient ID (`Deidentification.saltedLabel`).
        public var salt: String?
        /// The session label (without `ses-`); nil for the acquisition date, `YYYYMMDD`.
        public var session: String?

        public init(dicomFolder: String, study: String, participant: String?, salt: String?, session: String?) {
            self.dicomFolder = dicomFolder
            self.study = study
            self.participant = participant
            self.salt = salt
            self.session = session
        }
    }

    /// What an import did: lines for the user, and the problems that did not stop it.
    public struct Outcome: Sendable {
        public var participant = ""
        public var session = ""
        /// ISO 8601, or nil when the DICOM files carried no acquisition date.
        public var acquisitionTime: String?
        /// One line per series (kept, skipped) and per file written or unchanged.
        public var lines: [String] = []
        /// Input files or series that could not be converted; the rest was imported.
        public var problems: [ScanError] = []
        /// Paths (relative to the study) of the files written by this run.
        public var written: [String] = []
        /// Paths (relative to the study) of the files that already held these bytes.
        public var unchanged: [String] = []
        /// Why the visit was not imported (nothing of it written), or nil when it was.
        public var refusal: ScanError?
    }

    public let rules: SeriesRulesFile
    public let converter: Dcm2niix

    public init(rules: SeriesRulesFile, converter: Dcm2niix) {
        self.rules = rules
        self.converter = converter
    }

    /// dcm2niix warnings that make a series' volume wrong, so it is refused rather than kept.
    static let refusingWarnings = ["Interslice distance varies", "Missing images", "incompatible with NIfTI"]

    /// Imports one visit. A refused visit (bad input, two series for one name, nothing to keep)
    /// comes back with its `refusal` and the problems found before it; an output that cannot be
    /// written is thrown.
    public func run(_ request: Request) throws(ScanError) -> Outcome {
        var outcome = Outcome()
        do {
            try perform(request, &outcome)
        } catch  where error.kind == .invalidInput {
            outcome.refusal = error
        }
        return outcome
    }

    /// The stages of one visit's import, in order; each names what it refuses.
    private func perform(_ request: Request, _ outcome: inout Outcome) throws(ScanError) {
        let input = try checkedInput(request)
        let working = try PrivateFolder(inside: request.study)
        defer { working.remove() }
        let (times, patientIDs) = try readDatesAndPatient(input, working, &outcome)
        let images = try convertImages(input, working, &outcome)
        let kept = try nameSeries(images, times: times, input: input, &outcome)
        let runs = try numberRuns(kept, input: input)
        let (participant, session) = try labels(request, kept: kept, times: times, patientIDs: patientIDs, input: input, &outcome)
        guard !kept.isEmpty else {
            throw ScanError(input, "no series was kept: nothing to import (see the lines above, and the series rules \(rules.path))")
        }
        try placeFiles(kept, runs: runs, participant: participant, session: session, study: request.study, &outcome)
        try updateTables(participant: participant, session: session, study: request.study, &outcome)
    }

    /// The DICOM folder, the labels and the study folder checked before anything runs.
    private func checkedInput(_ request: Request) throws(ScanError) -> String {
        let input = Self.trimmed(request.dicomFolder)
        guard FileSystem.kind(input) == .directory else {
            throw ScanError(input, FileSystem.kind(input) == .missing ? "no such folder" : "not a folder of DICOM files")
        }
        for label in [request.participant, request.session].compactMap({ $0 }) {
            guard Self.isLabel(label) else {
                throw ScanError(label, "a BIDS label must be letters and digits only (no sub-/ses- prefix, no '_' or '-')")
            }
        }
        guard request.participant != nil || request.salt != nil else {
            throw ScanError(input, "no participant label: give --participant-label ID, or --salt SALT to derive one from the patient ID")
        }
        try Self.prepareStudy(request.study, input: input)

        return input
    }

    /// Pass 1: full sidecars only, read for the acquisition times and the patient ID and removed at
    /// once; files dcm2niix did not read, or found no image in, are problems of the visit.
    private func readDatesAndPatient(
        _ input: String, _ working: PrivateFolder, _ outcome: inout Outcome
    ) throws(ScanError) -> (times: [String: String], patientIDs: Set<String>) {
        let fullFolder = try working.subfolder("full")
        let full = try engine { () throws(EngineError) in try converter.convert(input: input, into: fullFolder, output: .fullSidecarsOnly) }
        var times: [String: String] = [:]
        var patientIDs = Set<String>()
        for series in full.series {
            if let json = series.file("json") {
                let sidecar = try Sidecar.read(json)
                if let id = sidecar.string("PatientID") { patientIDs.insert(id) }
                if let time = sidecar.string("AcquisitionDateTime").flatMap(Self.isoDateTime) { times[series.stem] = time }
            }
            for file in series.files { unlink(file) }
        }
        let read = Set(full.filesRead)
        let inventory = try DICOMInventory.scan(input)
        for file in inventory.files where !read.contains(file) && inventory.dicomLike.contains(file) {
            outcome.problems.append(ScanError(file, "not read as DICOM by dcm2niix: truncated, damaged or not a DICOM file"))
        }
        for file in full.invalidFiles {
            outcome.problems.append(ScanError(file, "dcm2niix found no valid image in it: truncated or damaged"))
        }
        guard patientIDs.count <= 1 else {
            throw ScanError(input, "holds the series of \(patientIDs.count) different patients: import each patient's folder separately")
        }
        return (times, patientIDs)
    }

    /// Pass 2: the images, with anonymised sidecars.
    private func convertImages(_ input: String, _ working: PrivateFolder, _ outcome: inout Outcome) throws(ScanError) -> Dcm2niix.Conversion
    {
        let imageFolder = try working.subfolder("images")
        let images = try engine { () throws(EngineError) in
            try converter.convert(input: input, into: imageFolder, output: .anonymisedImages)
        }
        if images.series.isEmpty, outcome.problems.isEmpty,
            let said = images.problems.last(where: { $0.message.hasPrefix("Error: ") })
        {
            throw ScanError(input, "dcm2niix converted nothing: \(said.message.dropFirst("Error: ".count))")
        }
        for problem in images.problems where !outcome.problems.contains(where: { $0.path == problem.file }) {
            if let file = problem.file {
                outcome.problems.append(ScanError(file, problem.message + " (dcm2niix); its series was not converted"))
            } else if problem.message.hasPrefix("Error") {
                outcome.problems.append(ScanError(input, "dcm2niix: \(problem.message)"))
            }
        }
        return images
    }

    /// Each converted series named by the rules, or skipped with a line saying why.
    private func nameSeries(
        _ images: Dcm2niix.Conversion, times: [String: String], input: String, _ outcome: inout Outcome
    ) throws(ScanError) -> [Candidate] {
        var kept: [Candidate] = []
        for series in images.series {
            let label = "series \(series.seriesNumber.map(String.init) ?? series.stem)"
            guard let image = series.image, let json = series.file("json") else {
                outcome.lines.append("\(label): dcm2niix wrote no image with a sidecar, skipped")
                continue
            }
            let sidecar = try Sidecar.read(json)
            let described = label + (sidecar.string("SeriesDescription").map { " (\($0))" } ?? "")
            if let warning = series.warnings.first(where: { w in Self.refusingWarnings.contains { w.contains($0) } }) {
                outcome.problems.append(ScanError(input, "\(described): refused, dcm2niix reports \(warning)"))
                continue
            }
            let extensions = Set(series.files.map { Self.extensionOf($0) })
            guard let rule = rules.rule(for: sidecar, extensions: extensions) else {
                outcome.lines.append("\(described): skipped, no rule of \(rules.path) matches")
                continue
            }
            guard let target = rule.target else {
                outcome.lines.append("\(described): skipped by rule \(rule.id)")
                continue
            }
            kept.append(
                Candidate(
                    series: series, image: image, sidecar: sidecar, rule: rule, target: target, described: described,
                    time: times[series.stem]))
        }
        return kept
    }

    /// Two series for one name: refused, or numbered as runs in the order of acquisition.
    private func numberRuns(_ kept: [Candidate], input: String) throws(ScanError) -> [Int?] {
        var runs: [Int?] = Array(repeating: nil, count: kept.count)
        let groups = Dictionary(grouping: kept.indices, by: { kept[$0].target })
        for (target, members) in groups.sorted(by: { $0.key.description < $1.key.description }) where members.count > 1 {
            // Runs follow the acquisition: date and time, then series number, then dcm2niix's file name.
            let ordered = members.sorted {
                (kept[$0].time ?? "", kept[$0].series.seriesNumber ?? 0, kept[$0].series.stem)
                    < (kept[$1].time ?? "", kept[$1].series.seriesNumber ?? 0, kept[$1].series.stem)
            }
            switch rules.duplicates {
            case .refuse:
                let names = ordered.map { kept[$0].described }
                throw ScanError(
                    input,
                    "\(names.dropLast().joined(separator: ", ")) and \(names.last!) are \(names.count == 2 ? "both" : "all") \(target): "
                        + "the visit is refused "
                        + "(remove one, or set `duplicates: run` in the series rules file to keep them as run-1, run-2, …)")
            case .run:
                for (n, index) in ordered.enumerated() { runs[index] = n + 1 }
            }
        }
        return runs
    }

    /// The participant and session labels: given, or derived (the acquisition date; a salted hash
    /// of the patient ID).
    private func labels(
        _ request: Request, kept: [Candidate], times: [String: String], patientIDs: Set<String>, input: String,
        _ outcome: inout Outcome
    ) throws(ScanError) -> (participant: String, session: String) {
        outcome.acquisitionTime = kept.compactMap(\.time).min() ?? times.values.min()
        guard let session = request.session ?? outcome.acquisitionTime.map({ Self.dateLabel($0) }) else {
            throw ScanError(input, "the DICOM files carry no acquisition date: give the session label with --session")
        }
        let participant: String
        if let given = request.participant {
            participant = given
        } else {
            guard let id = patientIDs.first, let salt = request.salt else {
                throw ScanError(input, "the DICOM files carry no patient ID to derive a label from: give --participant-label")
            }
            participant = Deidentification.saltedLabel(patientID: id, salt: salt)
        }
        outcome.participant = participant
        outcome.session = session
        return (participant, session)
    }

    /// The kept files moved into the session, each written only when its bytes change.
    private func placeFiles(
        _ kept: [Candidate], runs: [Int?], participant: String, session: String, study: String, _ outcome: inout Outcome
    ) throws(ScanError) {
        let subject = "sub-\(participant)"
        let sessionFolder = "\(subject)/ses-\(session)"
        for (index, candidate) in kept.enumerated().sorted(by: { $0.element.target.description < $1.element.target.description }) {
            let folder = "\(sessionFolder)/\(candidate.target.datatype)"
            try makeFolders(folder, in: study)
            let stem = candidate.target.stem(participant: participant, session: session, run: runs[index])
            let imageExt = candidate.image.hasSuffix(".nii.gz") ? "nii.gz" : "nii"
            var files: [(relative: String, changed: Bool)] = []
            let imagePath = "\(folder)/\(stem).\(imageExt)"
            files.append((imagePath, try place(file: candidate.image, as: imagePath, in: study)))
            let scrubbed = candidate.sidecar.text { Deidentification.removedSidecarKeys.contains($0) }
            let sidecarPath = "\(folder)/\(stem).json"
            files.append((sidecarPath, try place(bytes: Array(scrubbed.utf8), as: sidecarPath, in: study)))
            for ext in ["bval", "bvec"] {
                guard let file = candidate.series.file(ext) else { continue }
                let path = "\(folder)/\(stem).\(ext)"
                files.append((path, try place(file: file, as: path, in: study)))
            }
            let state = files.contains(where: \.changed) ? "written" : "unchanged"
            outcome.lines.append("\(candidate.described): \(candidate.target) by rule \(candidate.rule.id), \(state) \(imagePath)")
            for file in files {
                if file.changed { outcome.written.append(file.relative) } else { outcome.unchanged.append(file.relative) }
            }
        }
    }

    /// The visit's row of the sessions table and the participant's row of `participants.tsv`.
    private func updateTables(participant: String, session: String, study: String, _ outcome: inout Outcome) throws(ScanError) {
        let subject = "sub-\(participant)"
        let sessionsTable = "\(subject)/\(subject)_sessions.tsv"
        let sessionsPath = try contained(sessionsTable, in: study)
        if try StudyTables.upsert(
            sessionsPath, keyColumn: "session_id", key: "ses-\(session)", values: [("acq_time", outcome.acquisitionTime ?? "n/a")])
        {
            outcome.written.append(sessionsTable)
        } else {
            outcome.unchanged.append(sessionsTable)
        }
        // `run` orders sessions by acq_time and refuses a table where some have none: say which.
        let table = try BIDSTable.read(sessionsPath)
        let undated = table.rows.indices.filter { table.value("acq_time", row: $0) == nil }.compactMap {
            table.value("session_id", row: $0)
        }
        if !undated.isEmpty {
            outcome.lines.append(
                "note: \(sessionsTable): \(undated.joined(separator: ", ")) \(undated.count == 1 ? "has" : "have") no acq_time; "
                    + "lesiontrack run refuses a sessions table where some sessions have a time and others not: fill it in")
        }
        if try StudyTables.upsert(
            try contained("participants.tsv", in: study), keyColumn: "participant_id", key: subject, values: [])
        {
            outcome.written.append("participants.tsv")
        } else {
            outcome.unchanged.append("participants.tsv")
        }
        if try StudyTables.describe(study: study) { outcome.written.append("dataset_description.json") }
    }

    /// A kept series before it is moved.
    struct Candidate {
        let series: Dcm2niix.Series
        let image: String
        let sidecar: Sidecar
        let rule: SeriesRule
        let target: BIDSName
        let described: String
        let time: String?
    }
}
