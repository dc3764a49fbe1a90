import LesionIO
import LesionKernels
import LesionLongitudinal

/// A patient's visits (or a pair of scans) compared on the baseline grid: the ledger, the counts
/// and how each file was read.
public struct LongitudinalRun: Sendable {
    /// `patient` or `compare`.
    public let command: String
    /// The folder or the pair of files given.
    public let inputs: [String]
    public let participantID: String?
    /// How visits were ordered.
    public let visitOrder: String
    public let pipeline: PipelineFile
    /// The header of the baseline T2 file, whose grid every visit is compared on.
    public let reference: ScanHeader
    public let visits: [VisitRecord]
    public let ledger: LesionLedger
    /// The registrations that placed the visits on the baseline (empty when none was needed).
    public internal(set) var registrations: [RegistrationRecord] = []
    /// Seconds the segmentation kernels took (lesion growth, subtraction), summed over the visits.
    public internal(set) var segmentationSeconds = 0.0

    /// Called after each visit is compared, while its label maps are in memory: the visit's
    /// index (0-based), its lesions on the baseline grid, how its files were read, and the
    /// ledger so far (whose rows of that visit give each label its lesion ID).
    public typealias VisitHandler = (Int, VisitLesions, VisitRecord, LesionLedger) throws(ScanError) -> Void

    /// Called after each visit is labelled, while its lesions are in memory: the visit's index
    /// (0-based), its lesions on the baseline grid, and that grid.
    public typealias VisitObserver = (_ visit: Int, _ lesions: VisitLesions, _ grid: ReferenceGrid) throws(ScanError) -> Void

    /// Runs `patient DIR`: discovers the sessions and compares each with the one before.
    public static func patient(_ directory: String, pipeline: PipelineFile, reader: NIfTIReader) throws(ScanError) -> LongitudinalRun {
        let folder = try PatientFolder.open(directory, searchDerivatives: pipeline.pipeline.searchDerivatives)
        let visits = try VisitInputs.select(folder, pipeline: pipeline.pipeline)
        return try run(
            command: "patient", inputs: [directory], participantID: folder.participantID,
            visitOrder: folder.sessionOrder, visits: visits, pipeline: pipeline, reader: reader)
    }

    /// Runs `compare BASELINE FOLLOWUP`, the visits given as files.
    public static func pair(_ visits: [VisitInputs], pipeline: PipelineFile, reader: NIfTIReader) throws(ScanError) -> LongitudinalRun {
        try run(
            command: "compare", inputs: visits.map(\.t2File), participantID: nil,
            visitOrder: "as given: baseline, follow-up", visits: visits, pipeline: pipeline, reader: reader)
    }

    /// Labels each visit, places it on the baseline grid and appends it to the ledger; `observe`
    /// sees each visit's lesions while they are in memory (the review measures its features there),
    /// and `eachVisit` sees the visit's record and the ledger so far (the batch writes its maps).
    static func run(
        command: String, inputs: [String], participantID: String?, visitOrder: String, visits: [VisitInputs],
        pipeline: PipelineFile, reader: NIfTIReader, eachVisit: VisitHandler? = nil, observe: VisitObserver = { _, _, _ in },
        registration: RegistrationContext = .standalone
    ) throws(ScanError) -> LongitudinalRun {
        let reference = try reader.readHeader(visits[0].t2File)
        var grid = ReferenceGrid(header: reference, rule: pipeline.pipeline.grid)
        grid.threads = registration.threads
        // The one place registration enters a run: every file's transform to the baseline.
        let aligned = try VisitAlignment(
            settings: pipeline.pipeline.registration, context: registration, reader: reader, participantID: participantID,
            sameGridToleranceMM: pipeline.pipeline.grid.sameGridToleranceMM
        ).align(visits, grid: grid)
        grid.alignments = aligned.alignments
        grid.alignedImages = aligned.images
        grid.templateAnatomy = try TemplateAnatomy.maps(
            for: visits, grid: grid, pipeline: pipeline.pipeline, context: registration, reader: reader)
        grid.templateBrain = grid.templateAnatomy?["brain"]
        let labeller = VisitLabeller(grid: grid, pipeline: pipeline.pipeline, reader: reader)
        var matching = pipeline.pipeline.matching
        matching.minimumConfluentVoxels = pipeline.pipeline.floor.minimumVoxels
        var ledger = LesionLedger(geometry: grid.geometry, rule: matching)
        var records: [VisitRecord] = []
        var baselineBrain: VisitLabeller.Brain?
        for (n, visit) in visits.enumerated() {
            let (lesions, record, brain) = try labeller.label(visit, baselineBrain: baselineBrain)
            if n == 0 { baselineBrain = brain }
            ledger.append(lesions)
            try observe(n, lesions, grid)
            records.append(record)
            try eachVisit?(n, lesions, record, ledger)
        }
        var run = LongitudinalRun(
            command: command, inputs: inputs, participantID: participantID, visitOrder: visitOrder,
            pipeline: pipeline, reference: reference, visits: records, ledger: ledger)
        run.registrations = aligned.records
        run.segmentationSeconds = labeller.segmentationSeconds.seconds
        return run
    }
}
