import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan
import LesionStudy

/// One participant of a batch run, from its folder to the rows and files of its result.
///
/// 1. **discover**: the participant's folders and `sub-<id>_sessions.tsv` must resolve inside the
///    study; files that resolve elsewhere are refused, files in the output folder ignored.
/// 2. **hash**: every NIfTI file of every session and the sessions table are hashed (SHA-256);
///    with the tool version, the pipeline file's hash, the classifier's identity and the
///    participant's `participants.tsv` row they make the input key. An unchanged key ends the
///    job: nothing is read further, nothing written.
/// 3. **select**, **header**, **longitudinal**: the sessions' files are chosen by the pipeline,
///    their headers checked, then the visits are labelled and compared on the baseline grid
///    (`LongitudinalRun`), writing each visit's label maps as it goes.
/// 4. **classify**: the classifier, when the run has one, from what it measured of each visit
///    during step 3 (no visit is read or labelled again) and the comparison.
///
/// A problem with one file becomes an error row and its session is left out; the participant
/// is then processed again from its remaining sessions, so one broken scan costs one session,
/// never the participant's other results nor the run. A problem that belongs to no session
/// (the participant's folder or sessions table) fails the participant. An output that cannot
/// be written stops the run.
struct PatientJob: Sendable {
    let participantID: String
    let context: BatchContext
    /// The input key of the result already stored, if any.
    let storedKey: String?

    enum Result: Sendable {
        case unchanged(participantID: String)
        case processed(PatientOutcome)
        /// An output could not be written: the run stops.
        case stopped(ScanError)
    }

    private var paths: StudyPaths { context.paths }

    func run() async -> Result {
        let start = ContinuousClock.now
        var state = State(participantID: participantID, paths: paths)
        guard let folder = discover(&state) else { return finish(state, start) }
        var clock = Lap()
        guard hash(folder, &state) else { return finish(state, start) }
        state.stageSeconds.hashing += clock.next()
        let participantColumns = context.participantColumns(participantID)
        let key = inputKey(state.keyLines + [RegistrationContext.keyLine], participantColumns)
        state.inputKey = key
        if key == storedKey { return .unchanged(participantID: participantID) }

        _ = clock.next()
        var compared: Compared
        switch await compare(folder, &state) {
        case .stopped(let error): return .stopped(error)
        case .compared(let result): compared = result
        }
        var tables = OutcomeTables(participantID: participantID, paths: paths)
        if let (run, usable, measured) = compared.outcome {
            let processed = ProcessedPatient(
                folder: usable, run: run, participantColumns: participantColumns,
                excludedSessions: folder.sessions.map(\.label).filter { state.dropped.contains($0) }, measured: measured)
            let review = classify(processed, into: &tables, &state)
            do {
                let start = ContinuousClock.now
                state.reportFiles = try writeReports(run, review: review)
                compared.writingSeconds += BatchRunner.seconds(since: start)
            } catch {
                return .stopped(error)
            }
            tables.add(run)
            for (visit, session, found) in state.gdLesions { tables.addGd(visit: visit, session: session, found) }
        }
        tables.addScans(folder, state: state, headers: compared.headers, run: compared.outcome?.run)
        do {
            try tables.addOutputs(state.visitFiles + state.reportFiles)
        } catch {
            return .stopped(error)
        }
        state.run = compared.outcome?.run
        // Everything since hashing that was neither reading nor writing.
        let working = clock.next()
        state.stageSeconds.reading += compared.readingSeconds
        state.stageSeconds.writing += compared.writingSeconds
        let registering = (compared.outcome?.run.registrations ?? []).filter { !$0.reused }
            .reduce(0.0) { total, record in total + (record.figures.first { $0.0 == "elastix_seconds" }?.1 ?? 0) }
        state.stageSeconds.registration += registering
        let segmenting = compared.outcome?.run.segmentationSeconds ?? 0
        state.stageSeconds.segmentation += segmenting
        state.stageSeconds.labelling += max(
            0, working - compared.readingSeconds - compared.writingSeconds - registering - segmenting)
        return finish(state, start, tables: tables)
    }

    /// Step 1, **discover**: the participant's folders and sessions, every path checked to stay
    /// inside the study and out of the output folder. Nil when the participant fails.
    private func discover(_ state: inout State) -> PatientFolder? {
        let pipeline = context.pipeline.pipeline
        var folders = [subject]
        let derivatives = FileSystem.join(paths.root, "derivatives")
        if pipeline.searchDerivatives && FileSystem.kind(derivatives) == .directory {
            for name in (try? FileSystem.list(derivatives)) ?? [] {
                let folder = FileSystem.join(FileSystem.join(derivatives, name), participantID)
                if FileSystem.kind(folder) == .directory && !paths.isOutput(folder) { folders.append(folder) }
            }
        }
        if FileSystem.kind(sessionsTable) != .missing { folders.append(sessionsTable) }
        for path in folders {
            if let why = paths.refusal(path) {
                state.fail(path, .discover, why)
                return nil
            }
        }
        var folder: PatientFolder
        do {
            folder = try PatientFolder.open(subject, searchDerivatives: pipeline.searchDerivatives)
        } catch {
            state.fail(error.path, .discover, error.problem)
            return nil
        }
        folder = folder.withSessions { session in
            let files = session.files.filter { !paths.isOutput($0) }
            if files.isEmpty && paths.isOutput(session.folder) { return nil }
            return Session(label: session.label, acquisitionTime: session.acquisitionTime, folder: session.folder, files: files)
        }
        state.sessionsFound = folder.sessions.count
        for session in folder.sessions {
            for file in session.files {
                if let why = paths.refusal(file) { state.refuse(session.label, file, .discover, why) }
            }
        }
        return folder
    }

    /// Step 2, **hash**: the sessions table and every file of every session, as the input key's
    /// lines. False when the participant fails (its sessions table cannot be read).
    private func hash(_ folder: PatientFolder, _ state: inout State) -> Bool {
        if FileSystem.kind(sessionsTable) == .file {
            do {
                state.keyLines.append("sessions_table \(try ContentHash.of(file: sessionsTable).sha256)")
            } catch {
                state.fail(error.path, .hash, error.problem)
                return false
            }
        }
        for session in folder.sessions where !state.dropped.contains(session.label) {
            for file in session.files {
                do {
                    let (sha, bytes) = try ContentHash.of(file: file)
                    state.hashes[file] = (sha, bytes)
                    state.keyLines.append("file \(paths.relative(file)) \(sha)")
                } catch {
                    state.refuse(session.label, file, .hash, error.problem)
                }
            }
        }
        return true
    }

    /// What step 3 leaves for the rest of the job.
    struct Compared {
        var outcome: (run: LongitudinalRun, usable: PatientFolder, measured: Swift.Result<ReviewMeasurement, ScanError>?)?
        var headers: [String: ScanHeader] = [:]
        var readingSeconds = 0.0
        var writingSeconds = 0.0
    }

    enum Comparison {
        case compared(Compared)
        /// An output could not be written.
        case stopped(ScanError)
    }

    /// Step 3, **select**, **header**, **longitudinal**: the visits chosen by the pipeline, their
    /// headers checked, then labelled and compared on the baseline grid, each visit's label maps
    /// written as it goes. A broken file leaves its session out and the attempt starts again with
    /// the sessions left.
    private func compare(_ folder: PatientFolder, _ state: inout State) async -> Comparison {
        let readClock = ReadClock()
        var reader = context.reader
        reader.stagesObserver = { _, stages in readClock.add(stages.totalSeconds) }
        var compared = Compared()
        var written: Set<String> = []
        attempts: while true {
            let usable = folder.withSessions { state.dropped.contains($0.label) ? nil : $0 }
            guard !usable.sessions.isEmpty else { break }
            let visits: [VisitInputs]
            switch select(usable, &state, &compared.headers, reader, readClock) {
            case .visits(let chosen): visits = chosen
            case .retry: continue attempts
            case .giveUp: break attempts
            }
            let files = visits.flatMap { [$0.t2File, $0.gdFile, $0.preContrastFile, $0.brainMaskFile].compactMap { $0 } }
            let reservation = BatchContext.peakBytes(
                referenceVoxels: compared.headers[visits[0].t2File]!.grid.voxelCount,
                largestInputBytes: files.map {
                    compared.headers[$0]!.grid.voxelCount * (compared.headers[$0]!.datatype.bytesPerVoxel ?? 8)
                }.max() ?? 0)
            await context.budget.reserve(reservation)
            let maps = DerivativeMaps(paths: paths, participantID: participantID, headers: compared.headers)
            var visitFiles: [String] = []
            var gd: [(visit: Int, session: String, lesions: [Lesion])] = []
            var measuring = Measuring(context.classifier, usable)
            let result: Swift.Result<LongitudinalRun, ScanError>
            do {
                result = .success(
                    try LongitudinalRun.patient(
                        usable, visits: visits, directory: subject, pipeline: context.pipeline, reader: reader,
                        eachVisit: { (n, lesions, record, ledger) throws(ScanError) in
                            let start = ContinuousClock.now
                            defer { compared.writingSeconds += BatchRunner.seconds(since: start) }
                            visitFiles += try maps.write(visit: n, lesions: lesions, record: record, ledger: ledger)
                            if let found = lesions.gd?.lesions { gd.append((n + 1, record.inputs.session ?? "", found)) }
                        },
                        observe: { n, lesions, grid in measuring.observe(n, lesions, grid) }, registration: context.registration))
            } catch {
                result = .failure(error)
            }
            await context.budget.release(reservation)
            written.formUnion(visitFiles)
            switch result {
            case .success(let run):
                compared.outcome = (run, usable, measuring.result)
                // The stored transforms are outputs too: listed, hashed, and copied by merges.
                state.visitFiles = visitFiles + run.registrations.flatMap(\.files)
                state.gdLesions = gd
                state.scansRead = Set(files).count
                state.voxelsRead = files.reduce(0) { $0 + compared.headers[$1]!.grid.voxelCount }
                break attempts
            case .failure(let error):
                if error.kind == .output { return .stopped(error) }
                guard let session = state.session(of: error.path, in: usable) else {
                    state.fail(error.path, .longitudinal, error.problem)
                    break attempts
                }
                state.refuse(session, error.path, .longitudinal, error.problem)
            }
        }
        if compared.outcome == nil && state.errors.isEmpty {
            state.fail(subject, .select, "no session left to compare")
        }
        for stale in written.subtracting(state.visitFiles) { unlink(paths.outputPath(stale)) }
        compared.readingSeconds = readClock.seconds
        return .compared(compared)
    }

    enum Selection {
        case visits([VisitInputs])
        /// A session was refused: try again without it.
        case retry
        /// A problem of the whole participant.
        case giveUp
    }

    /// The visits the pipeline chooses from `usable`, with every file's header read and checked.
    private func select(
        _ usable: PatientFolder, _ state: inout State, _ headers: inout [String: ScanHeader], _ reader: NIfTIReader,
        _ readClock: ReadClock
    ) -> Selection {
        let visits: [VisitInputs]
        do {
            visits = try VisitInputs.select(usable, pipeline: context.pipeline.pipeline)
        } catch {
            guard let session = state.session(of: error.path, in: usable) else {
                state.fail(error.path, .select, error.problem)
                return .giveUp
            }
            state.refuse(session, error.path, .select, error.problem)
            return .retry
        }
        for visit in visits {
            for file in [visit.t2File, visit.gdFile, visit.preContrastFile, visit.brainMaskFile].compactMap({ $0 })
            where headers[file] == nil {
                do {
                    let start = ContinuousClock.now
                    headers[file] = try reader.readHeader(file)
                    readClock.add(BatchRunner.seconds(since: start))
                } catch {
                    state.refuse(visit.session!, file, .header, error.problem)
                    return .retry
                }
            }
        }
        return .visits(visits)
    }

    /// Step 4, **classify**: the review classes, when the run has a classifier; a failure is an
    /// error row of the `classify` stage and the counts stand without it.
    private func classify(_ processed: ProcessedPatient, into tables: inout OutcomeTables, _ state: inout State) -> PatientReview? {
        do {
            if let classification = try context.classifier.classify(processed) {
                tables.add(classification)
                return classification.review
            }
        } catch {
            state.errors.append(
                ErrorRow(
                    participantID: participantID, sessionID: nil, file: paths.relative(error.path), stage: .classify,
                    message: error.problem))
        }
        return nil
    }

    private var subject: String { FileSystem.join(paths.root, participantID) }
    private var sessionsTable: String { FileSystem.join(subject, participantID + "_sessions.tsv") }

    /// Seconds between successive calls.
    struct Lap {
        private var last = ContinuousClock.now

        mutating func next() -> Double {
            let now = ContinuousClock.now
            defer { last = now }
            return BatchRunner.seconds(between: last, and: now)
        }
    }

    /// Writes `sub-<id>_longitudinal.json`, the visits and lesions tables and their sidecars,
    /// and with a review its table and its object in the JSON, as `patient --output-dir` does.
    private func writeReports(_ run: LongitudinalRun, review: PatientReview?) throws(ScanError) -> [String] {
        let report = LongitudinalReport(run, review: review)
        try FileSystem.makeDirectory(paths.outputPath(participantID))
        let base = participantID + "/" + participantID + "_"
        var files = [base + "longitudinal.json"]
        try TextOutput.file(paths.outputPath(files[0])) { (out: TextOutput) throws(ScanError) in try report.writeJSON(out) }
        for table in LongitudinalReport.Table.allCases where table != .review || review != nil {
            let tsv = base + table.rawValue + ".tsv", sidecar = base + table.rawValue + ".json"
            try TextOutput.file(paths.outputPath(tsv)) { (out: TextOutput) throws(ScanError) in
                try report.writeTable(out, table, provenance: false)
            }
            try TextOutput.file(paths.outputPath(sidecar)) { (out: TextOutput) throws(ScanError) in
                try report.writeSidecar(out, table: table, file: participantID + "_" + table.rawValue + ".tsv")
            }
            files += [tsv, sidecar]
        }
        return files
    }

    private func inputKey(_ lines: [String], _ columns: [String: String]) -> String {
        var text = "lesiontrack \(LesionTrackVersion.current)\n"
        text += "pipeline \(context.pipeline.sha256)\n"
        text += "parameters \(PipelineParameters.json(context.pipeline.pipeline))\n"
        text += "classifier \(context.classifier.identity)\n"
        for (column, value) in columns.sorted(by: { $0.key < $1.key }) { text += "participants.tsv \(column)=\(value)\n" }
        for line in lines.sorted() { text += line + "\n" }
        return ContentHash.of(bytes: Array(text.utf8))
    }

    private func finish(_ state: State, _ start: ContinuousClock.Instant, tables: OutcomeTables? = nil) -> Result {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        // A participant that failed before its files were hashed is keyed by its errors.
        let key = state.inputKey ?? inputKey(state.errors.map { "failed \($0.file) \($0.stage.rawValue) \($0.message)" }, [:])
        if key == storedKey { return .unchanged(participantID: participantID) }
        let run = state.run
        let status: PatientOutcome.Status = run == nil ? .failed : (state.dropped.isEmpty ? .complete : .partial)
        let reference = run.map { r -> String in
            let g = r.reference.grid, s = r.reference.geometry.spacingMM
            return
                "{\"dims\": \(JSON.array([g.nx, g.ny, g.nz])), \"voxel_size_mm\": \(JSON.array([s.0, s.1, s.2])), \"affine\": \(JSON.matrix(r.reference.affine.matrix4x4))}"
        }
        return .processed(
            PatientOutcome(
                participantID: participantID, inputKey: key, status: status,
                sessionsFound: state.sessionsFound, sessionsUsed: run?.visits.count ?? 0, visitOrder: run?.visitOrder,
                referenceFile: run.map { paths.relative($0.reference.path) }, referenceGridJSON: reference,
                tables: tables?.all ?? [], errors: state.errors, scansRead: state.scansRead, voxelsRead: state.voxelsRead,
                seconds: seconds, stageSeconds: state.stageSeconds, outputs: state.visitFiles + state.reportFiles))
    }

    /// The classifier's measurement of one attempt's visits. What it throws is kept for the
    /// `classify` stage rather than refusing a session: the counts stand without it.
    struct Measuring {
        private var measurement: ReviewMeasurement?
        private var error: ScanError?

        init(_ classifier: any PatientClassifying, _ folder: PatientFolder) {
            do throws(ScanError) {
                measurement = try classifier.measurement(of: folder)
            } catch {
                self.error = error
            }
        }

        mutating func observe(_ n: Int, _ lesions: VisitLesions, _ grid: ReferenceGrid) {
            guard error == nil else { return }
            do throws(ScanError) {
                try measurement?.observe(n, lesions, grid: grid)
            } catch {
                self.error = error
                measurement = nil
            }
        }

        /// Nil when the classifier measures nothing.
        var result: Swift.Result<ReviewMeasurement, ScanError>? {
            if let error { return .failure(error) }
            return measurement.map { .success($0) }
        }
    }

    /// What the job learned so far.
    struct State {
        let participantID: String
        let paths: StudyPaths
        var sessionsFound = 0
        var keyLines: [String] = []
        var inputKey: String?
        var hashes: [String: (sha256: String, bytes: Int)] = [:]
        var stageSeconds = StageSeconds()
        var dropped: Set<String> = []
        var errors: [ErrorRow] = []
        var visitFiles: [String] = []
        var reportFiles: [String] = []
        var scansRead = 0
        var voxelsRead = 0
        var gdLesions: [(visit: Int, session: String, lesions: [Lesion])] = []
        var run: LongitudinalRun?

        init(participantID: String, paths: StudyPaths) {
            self.participantID = participantID
            self.paths = paths
        }

        /// Records a problem of the whole participant.
        mutating func fail(_ path: String, _ stage: ErrorRow.Stage, _ message: String) {
            errors.append(
                ErrorRow(participantID: participantID, sessionID: nil, file: paths.relative(path), stage: stage, message: message))
        }

        /// Records a problem with one file and leaves its session out.
        mutating func refuse(_ session: String, _ path: String, _ stage: ErrorRow.Stage, _ message: String) {
            errors.append(
                ErrorRow(participantID: participantID, sessionID: session, file: paths.relative(path), stage: stage, message: message))
            dropped.insert(session)
            keyLines.append("refused \(paths.relative(path)) \(stage.rawValue) \(message)")
        }

        /// The session a file or session folder belongs to.
        func session(of path: String, in folder: PatientFolder) -> String? {
            for session in folder.sessions where session.folder == path || session.files.contains(path) {
                return session.label
            }
            return nil
        }
    }
}
