import Foundation
import Testing
import TestSupport

/// Writes DICOM series of known volumes with `Tests/DICOM/make_dicom_series.py` (pydicom, in the
/// tests' private Python environment that `.ci/install-python-test-packages` sets up), and knows
/// each series' geometry and values to check the converted NIfTI against.
struct DICOMSeriesMaker {
    /// One single-frame MR series: the volume's size, spacing, orientation (LPS cosines), origin
    /// and rescale, as the generator writes them.
    struct Series {
        var folder: String
        var number: Int
        var description: String
        var size = (columns: 20, rows: 24, slices: 12)
        /// DICOM PixelSpacing: between rows, then between columns (mm).
        var pixelSpacing = (0.9, 0.8)
        var sliceThickness = 3.0
        var rowCosine = [1.0, 0, 0]
        var columnCosine = [0.0, 1, 0]
        var origin = [-10.5, -20.25, 5.0]
        var slope = 1.0
        var intercept = 0.0
        var offset = 0
        var acquisitionTime: String
        var repetitionTimeMS: Double
        var echoTimeMS: Double
        var inversionTimeMS: Double? = nil
        var scanningSequence = "SE"
        var contrastAgent: String? = nil
        /// One enhanced multi-frame file for the series instead of one file per slice.
        var enhanced = false
        /// Slices stored RLE Lossless compressed.
        var rle = false
        /// Diffusion weightings (b in s/mm², direction): the slices are repeated once per weighting.
        var diffusion: [(b: Double, direction: [Double])] = []

        var normal: [Double] {
            let r = rowCosine, c = columnCosine
            return [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]]
        }

        /// The LPS position (mm) of column i, row j, slice k (DICOM PS3.3 C.7.6.2).
        func position(_ i: Double, _ j: Double, _ k: Double) -> [Double] {
            (0..<3).map {
                origin[$0] + i * pixelSpacing.1 * rowCosine[$0] + j * pixelSpacing.0 * columnCosine[$0] + k * sliceThickness * normal[$0]
            }
        }

        /// The real value of column i, row j, slice k: stored * slope + intercept.
        func value(_ i: Int, _ j: Int, _ k: Int) -> Double {
            Double((i + 37 * j + 211 * k + offset) % 4096) * slope + intercept
        }

        var json: [String: Any] {
            var d: [String: Any] = [
                "folder": folder, "number": number, "description": description,
                "size": [size.columns, size.rows, size.slices], "pixel_spacing": [pixelSpacing.0, pixelSpacing.1],
                "slice_thickness": sliceThickness, "row_cosine": rowCosine, "column_cosine": columnCosine, "origin": origin,
                "slope": slope, "intercept": intercept, "offset": offset, "acquisition_time": acquisitionTime,
                "repetition_time_ms": repetitionTimeMS, "echo_time_ms": echoTimeMS, "scanning_sequence": scanningSequence,
            ]
            if let inversionTimeMS { d["inversion_time_ms"] = inversionTimeMS }
            if let contrastAgent { d["contrast_agent"] = contrastAgent }
            if enhanced { d["enhanced"] = true }
            if rle { d["rle"] = true }
            if !diffusion.isEmpty { d["diffusion"] = diffusion.map { [$0.b, $0.direction] as [Any] } }
            return d
        }
    }

    /// One visit: its date and time, and its series.
    struct Study {
        var date: String
        var time: String
        var accession: String
        var uidSeed: String
        var series: [Series]
        /// Another patient than `DICOMSeriesMaker.patient`, when set.
        var patient: [String: String]? = nil
    }

    /// The identifying strings written into every DICOM file, none of which may reach an output.
    static let patient: [String: String] = [
        "name": "Quixote^Dulcinea^Tobosa", "id": "PID778899X", "birth_date": "19710304",
        "institution": "Saint Example Hospital", "referring_physician": "Sancho^Panza",
    ]
    static let identifiers = [
        "Quixote", "Dulcinea", "Tobosa", "PID778899X", "19710304", "1971-03-04", "Saint Example", "Sancho", "Panza",
        "ACC20240305", "ACC20240917",
    ]

    /// The tests' Python: `$LESIONTRACK_TEST_PYTHON`, else the private environment's.
    static let python: String = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LESIONTRACK_TEST_PYTHON"] { return path }
        let venv = environment["LESIONTRACK_PEERS_VENV"] ?? (NSHomeDirectory() + "/.cache/lesiontrack-peer-venv")
        return venv + "/bin/python"
    }()

    /// dcm2niix on PATH, nil when absent.
    static let dcm2niix: String? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = String(folder) + "/dcm2niix"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Whether the tests can run here: dcm2niix and pydicom present. In CI they always run (and
    /// fail when something is missing), since `.ci/install` installs both.
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        guard dcm2niix != nil, FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run(python, ["-c", "import pydicom"]).status) == 0
    }()

    static let reason: Comment =
        "needs dcm2niix and pydicom: bash .ci/install (Debian's dcm2niix, and .ci/install-python-test-packages)"

    /// The two visits of the tests: FLAIR, oblique T1w and post-contrast T1w each.
    static func visits() -> [Study] {
        func series(_ visit: String, time: (String, String, String)) -> [Series] {
            [
                Series(
                    folder: "\(visit)/flair", number: 3, description: "t2_flair_tra", slope: 0.5, intercept: -100, offset: 0,
                    acquisitionTime: time.0, repetitionTimeMS: 9000, echoTimeMS: 90, inversionTimeMS: 2500, scanningSequence: "SE\\IR"),
                Series(
                    folder: "\(visit)/t1", number: 5, description: "t1_se_tra", pixelSpacing: (1.1, 0.7), sliceThickness: 2.5,
                    rowCosine: [0.984807753012208, 0.17364817766693, 0],
                    columnCosine: [-0.150383733180435, 0.852868531952443, -0.5], origin: [30.25, -40.5, 12.75], slope: 2,
                    intercept: 0, offset: 5, acquisitionTime: time.1, repetitionTimeMS: 500, echoTimeMS: 10),
                Series(
                    folder: "\(visit)/t1post", number: 9, description: "t1_se_tra_post", slope: 1, intercept: 10, offset: 9,
                    acquisitionTime: time.2, repetitionTimeMS: 500, echoTimeMS: 10, contrastAgent: "Gadobutrol"),
            ]
        }
        return [
            Study(
                date: "20240305", time: "101500", accession: "ACC20240305", uidSeed: "visit-1",
                series: series("visit1", time: ("101700", "102300", "103100"))),
            Study(
                date: "20240917", time: "084000", accession: "ACC20240917", uidSeed: "visit-2",
                series: series("visit2", time: ("084200", "084800", "085600"))),
        ]
    }

    /// Writes the studies under `root` (`root/visit1/…`, `root/visit2/…`).
    static func write(_ studies: [Study], into root: String) throws {
        let spec: [String: Any] = [
            "patient": patient,
            "studies": studies.map {
                var study: [String: Any] = [
                    "date": $0.date, "time": $0.time, "accession": $0.accession, "uid_seed": $0.uidSeed, "series": $0.series.map(\.json),
                ]
                if let other = $0.patient { study["patient"] = other }
                return study
            },
        ]
        let specPath = root + "/spec.json"
        try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]).write(to: URL(fileURLWithPath: specPath))
        let script = CommandRunner.repositoryRoot + "/Tests/DICOM/make_dicom_series.py"
        let result = try run(python, [script, specPath])
        guard result.status == 0 else { throw Failure("make_dicom_series.py failed: \(result.stderr)") }
        try FileManager.default.removeItem(atPath: specPath)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Every regular file under `root` (relative path → bytes), hidden ones included.
    static func tree(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return files
    }
}
