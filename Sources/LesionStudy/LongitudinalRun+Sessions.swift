import LesionIO

extension LongitudinalRun {
    /// Runs `patient` on visits already chosen from `folder` (a subset of its sessions, say),
    /// calling `eachVisit` after each visit while its label maps are in memory.
    public static func patient(
        _ folder: PatientFolder, visits: [VisitInputs], directory: String, pipeline: PipelineFile, reader: NIfTIReader,
        eachVisit: VisitHandler?
    ) throws(ScanError) -> LongitudinalRun {
        try run(command: "patient", inputs: [directory], participantID: folder.participantID,
                visitOrder: folder.sessionOrder, visits: visits, pipeline: pipeline, reader: reader, eachVisit: eachVisit)
    }
}
