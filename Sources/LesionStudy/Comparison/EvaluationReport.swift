import LesionIO
import LesionLongitudinal
import LesionScan

/// The output of `evaluate`: JSON with the figures, parameters and every lesion's outcome, or a
/// one-row TSV of the figures.
public struct EvaluationReport {
    public let run: EvaluationRun

    public init(_ run: EvaluationRun) { self.run = run }

    /// The parameters and figures, as (key, JSON value, TSV text), in output order.
    public var summary: [(key: String, json: String, text: String)] {
        let e = run.evaluation, c = e.criteria
        func number(_ key: String, _ x: Double?) -> (String, String, String) { (key, JSON.number(x), TableFormat.number(x)) }
        func count(_ key: String, _ n: Int) -> (String, String, String) { (key, String(n), String(n)) }
        return [
            ("tool", JSON.string("lesiontrack"), "lesiontrack"),
            ("version", JSON.string(LesionTrackVersion.current), LesionTrackVersion.current),
            ("reference", JSON.string(run.reference.path), run.reference.path),
            ("test", JSON.string(run.test.path), run.test.path),
            number("threshold", run.threshold),
            count("connectivity", run.connectivity.rawValue),
            number("min_volume_mm3", run.minimumVolumeMM3),
            count("min_voxels", run.minimumVoxels),
            number("voxel_volume_mm3", run.reference.geometry.voxelVolumeMM3),
            number("alpha", c.alpha), number("beta", c.beta), number("gamma", c.gamma),
            count("reference_lesions", e.reference.count), count("test_lesions", e.test.count),
            count("detected_reference_lesions", e.detectedReferenceLesions),
            count("detected_test_lesions", e.detectedTestLesions),
            number("sensitivity", e.sensitivity), number("ppv", e.positivePredictiveValue), number("f1", e.f1),
            number("dice", run.voxels.dice), count("reference_voxels", run.voxels.firstVoxels),
            count("test_voxels", run.voxels.secondVoxels), count("overlap_voxels", run.voxels.sharedVoxels),
        ]
    }

    public func writeJSON(_ out: TextOutput) throws(ScanError) {
        try out.write("{\n")
        for field in summary { try out.write("  \(JSON.string(field.key)): \(field.json),\n") }
        let voxelVolume = run.reference.geometry.voxelVolumeMM3
        for (key, results, last) in [
            ("reference_lesion_results", run.evaluation.reference, false),
            ("test_lesion_results", run.evaluation.test, true),
        ] {
            try out.write("  \(JSON.string(key)): [")
            for (n, r) in results.enumerated() {
                var fields = [
                    "\"id\": \(r.label)", "\"voxels\": \(r.voxelCount)",
                    "\"volume_mm3\": \(JSON.number(Double(r.voxelCount) * voxelVolume))",
                    "\"covered_fraction\": \(JSON.number(r.coveredFraction))", "\"detected\": \(r.isDetected)",
                ]
                switch r.outcome {
                case .detected: fields.append("\"outcome\": \"detected\"")
                case .tooLittleCovered: fields.append("\"outcome\": \"too_little_covered\"")
                case .coveringLesionOutside(let label, let outside):
                    fields += [
                        "\"outcome\": \"covering_lesion_outside\"", "\"covering_lesion\": \(label)",
                        "\"outside_fraction\": \(JSON.number(outside))",
                    ]
                }
                try out.write((n == 0 ? "\n    {" : ",\n    {") + fields.joined(separator: ", ") + "}")
            }
            try out.write((results.isEmpty ? "]" : "\n  ]") + (last ? "\n" : ",\n"))
        }
        try out.write("}\n")
    }

    public func writeTable(_ out: TextOutput) throws(ScanError) {
        try out.write(TableFormat.tsv.row(summary.map(\.key)))
        try out.write(TableFormat.tsv.row(summary.map(\.text)))
    }
}
