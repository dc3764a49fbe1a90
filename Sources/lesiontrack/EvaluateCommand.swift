import ArgumentParser
import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionStudy

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Lesion-wise sensitivity, PPV, F1 and Dice of a segmentation against a reference (animaSegPerfAnalyzer's rule).",
        discussion: """
            Both masks are thresholded (value >= --threshold), labelled at 6-connectivity and kept \
            when strictly larger than --min-volume mm³, as animaSegPerfAnalyzer does for MSSEG-2. \
            A reference lesion is detected when more than alpha of it is covered by test lesions \
            and the covering lesions, largest overlap first until gamma of the covered voxels are \
            accounted for, each have at most beta of their voxels outside the reference lesions; \
            PPV runs the same test the other way. Dice is voxel-wise over the whole masks. Files \
            on different grids are refused.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, tsv }

    @Argument(help: "The reference (ground truth) lesion mask.")
    var reference: String

    @Argument(help: "The segmentation to evaluate, on the reference's grid.")
    var test: String

    @Option(help: "Detected needs more than this fraction of a lesion covered.")
    var alpha: Double = DetectionCriteria.anima.alpha

    @Option(help: "Each covering lesion may have at most this fraction of its voxels outside.")
    var beta: Double = DetectionCriteria.anima.beta

    @Option(help: "Covering lesions are examined until they account for this fraction of the overlap.")
    var gamma: Double = DetectionCriteria.anima.gamma

    @Option(help: "Keep lesions strictly larger than this volume in mm³.")
    var minVolume: Double = 3

    @Option(help: "Voxel connectivity: 6 (as Anima), 18 or 26.")
    var connectivity: Connectivity = .six

    @Option(help: "Foreground is value >= this, after NIfTI scaling.")
    var threshold: Double = 0.5

    @Option(help: "Output format: json or tsv (one row of figures).")
    var format: Format = .json

    @Option(help: "Write the output here instead of standard output.")
    var output: String?

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    func validate() throws {
        for (name, value) in [("--alpha", alpha), ("--beta", beta), ("--gamma", gamma)] where !(0...1).contains(value) {
            throw ValidationError("\(name) must be a fraction from 0 to 1, not \(value)")
        }
        guard minVolume >= 0, minVolume.isFinite else { throw ValidationError("--min-volume must be a number ≥ 0") }
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number") }
        guard maxScanMb > 0 else { throw ValidationError("--max-scan-mb must be positive") }
    }

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let run = try EvaluationRun.run(
                reference: reference, test: test, threshold: threshold,
                criteria: DetectionCriteria(alpha: alpha, beta: beta, gamma: gamma), minimumVolumeMM3: minVolume,
                connectivity: connectivity,
                reader: NIfTIReader(maximumVolumeBytes: maxScanMb << 20))
            let report = EvaluationReport(run)
            let body = { (out: TextOutput) throws(ScanError) in
                switch format {
                case .json: try report.writeJSON(out)
                case .tsv: try report.writeTable(out)
                }
            }
            if let output { try TextOutput.file(output, body) } else { try TextOutput.standardOutput(body) }
        }
    }
}
