import LesionIO
import LesionLongitudinal

extension LongitudinalRun {
    /// Runs `patient` on visits already chosen from `folder` (a subset of its sessions, say),
    /// calling `observe` (a classifier measuring the visit) and then `eachVisit` after each visit
    /// while its label maps are in memory.
    public static func patient(
        _ folder: PatientFolder, visits: [VisitInputs], directory: String, pipeline: PipelineFile, reader: NIfTIReader,
        eachVisit: VisitHandler?, observe: VisitObserver = { _, _, _ in }, registration: RegistrationContext = .standalone
    ) throws(ScanError) -> LongitudinalRun {
        try run(
            command: "patient", inputs: [directory], participantID: folder.participantID,
            visitOrder: folder.sessionOrder, visits: visits, pipeline: pipeline, reader: reader, eachVisit: eachVisit,
            observe: observe, registration: registration)
    }
}
