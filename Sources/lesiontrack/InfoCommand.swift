import ArgumentParser
import LesionIO
import LesionScan

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a scan's header facts, orientation and value range.",
        discussion: """
            The orientation rule: the sform when sform_code > 0, else the qform when \
            qform_code > 0, else the voxel size alone (diag(dx, dy, dz), origin at voxel 0). \
            The value range is over scaled values (scl_slope and scl_inter applied); NaN and \
            infinite voxels are counted apart.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "A NIfTI-1 or NIfTI-2 scan (.nii or .nii.gz).")
    var scan: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(help: "The volume of a 4D file to summarise (0-based).")
    var volume: Int = 0

    @Option(help: "Refuse volumes larger than this many MiB.")
    var maxScanMb: Int = NIfTIReader.defaultMaximumVolumeBytes >> 20

    func run() throws {
        try reportingErrors { () throws(ScanError) in
            let scan = try NIfTIReader(maximumVolumeBytes: maxScanMb << 20).read(self.scan, volume: volume)
            let report = ScanInfoReport(header: scan.header, summary: scan.intensitySummary)
            try TextOutput.standardOutput { (out: TextOutput) throws(ScanError) in
                try out.write(format == .json ? report.json() : report.text())
            }
        }
    }
}
