import LesionStudy

/// A pipeline's values as one JSON object, for the `runs` table: the parameters that decide
/// counts or refusals (the keys of the `parameters` object of `patient`'s JSON) and the sources.
enum PipelineParameters {
    static func json(_ p: Pipeline) -> String {
        LongitudinalReport.object(
            LongitudinalReport.parameterFields(p).map { ($0.key, $0.value) } + [
                ("t2_sources", "[" + p.t2Sources.map(LongitudinalReport.sourceJSON).joined(separator: ", ") + "]"),
                ("gd_sources", "[" + p.gdSources.map(LongitudinalReport.sourceJSON).joined(separator: ", ") + "]"),
            ])
    }
}
