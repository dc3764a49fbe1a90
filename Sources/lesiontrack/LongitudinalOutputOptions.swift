import ArgumentParser
import LesionIO
import LesionStudy

/// The pipeline and output flags shared by `compare` and `patient`.
struct LongitudinalOutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, tsv }

    @Option(help: "The pipeline file (YAML). Default: the built-in pipeline (lesiontrack pipeline show).")
    var pipeline: String?

    @Option(help: "Standard output format: json (everything) or tsv (one table, see --table).")
    var format: Format = .json

    @Option(
        help:
            "The table printed with --format tsv: visits (one row per visit), lesions (one row per lesion per visit) or review (one row per reviewed visit, patient only)."
    )
    var table: LongitudinalReport.Table = .visits

    @Option(help: "Write the JSON, the TSV tables and their sidecars into this folder instead of printing.")
    var outputDir: String?

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    func validate() throws {
        guard maxScanMb > 0 else { throw ValidationError("--max-scan-mb must be positive") }
    }

    var reader: NIfTIReader { NIfTIReader(maximumVolumeBytes: maxScanMb << 20) }

    func loadPipeline() throws(ScanError) -> PipelineFile { try PipelineFile.load(pipeline) }

    /// Prints the report, or writes its files into `--output-dir` with names starting `prefix`.
    func emit(_ report: LongitudinalReport, prefix: String) throws(ScanError) {
        if let outputDir {
            try report.writeFiles(into: outputDir, prefix: prefix)
            return
        }
        try TextOutput.standardOutput { (out: TextOutput) throws(ScanError) in
            switch format {
            case .json: try report.writeJSON(out)
            case .tsv: try report.writeTable(out, table, provenance: true)
            }
        }
    }
}

extension LongitudinalReport.Table: ExpressibleByArgument {}
