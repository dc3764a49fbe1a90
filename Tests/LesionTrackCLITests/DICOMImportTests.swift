import Foundation
import LesionEngines
import LesionIO
import Testing
import TestSupport

@Suite(
    "lesiontrack import: DICOM through dcm2niix into a BIDS study",
    .enabled(if: DICOMSeriesMaker.available, DICOMSeriesMaker.reason), .serialized)
struct DICOMImportTests {
    typealias Maker = DICOMSeriesMaker

    /// A fresh folder with the two visits written as DICOM.
    func makeVisits() throws -> (root: String, visits: [Maker.Study]) {
        let root = try Fixtures.temporaryDirectory()
        let visits = Maker.visits()
        try Maker.write(visits, into: root)
        return (root, visits)
    }

    /// The largest distance (mm) between each NIfTI voxel's world position and the DICOM voxel it
    /// lands on, and whether every NIfTI value equals that DICOM voxel's real value.
    func compare(nifti path: String, with series: Maker.Series) throws -> (errorMM: Double, valuesEqual: Bool, covered: Int) {
        let scan = try NIfTIReader().read(path)
        let a = scan.header.affine.rows
        let dims = scan.header.dims
        #expect(dims[0] * dims[1] * dims[2] == series.size.columns * series.size.rows * series.size.slices)
        // Columns of the DICOM voxel-to-LPS matrix, for solving LPS -> (i, j, k).
        let o = series.origin
        let normal = series.normal
        var m: [[Double]] = []
        for r in 0..<3 {
            let row: [Double] = [
                series.pixelSpacing.1 * series.rowCosine[r], series.pixelSpacing.0 * series.columnCosine[r],
                series.sliceThickness * normal[r],
            ]
            m.append(row)
        }
        func d3(_ x: [[Double]]) -> Double {
            let a: Double = x[0][0] * (x[1][1] * x[2][2] - x[1][2] * x[2][1])
            let b: Double = x[0][1] * (x[1][0] * x[2][2] - x[1][2] * x[2][0])
            let c: Double = x[0][2] * (x[1][0] * x[2][1] - x[1][1] * x[2][0])
            return a - b + c
        }
        let det = d3(m)
        // Cramer's rule: the DICOM index (column, row, slice) of an LPS offset from the origin.
        func solve(_ p: [Double]) -> [Double] {
            (0..<3).map { c in
                var x = m
                for r in 0..<3 { x[r][c] = p[r] }
                return d3(x) / det
            }
        }
        var worst = 0.0
        var equal = true
        var seen = Set<Int>()
        for c in 0..<dims[2] {
            for b in 0..<dims[1] {
                for i in 0..<dims[0] {
                    let v = [Double(i), Double(b), Double(c)]
                    var lps = [0.0, 0, 0]
                    for r in 0..<3 {
                        let world: Double = a[r][0] * v[0] + a[r][1] * v[1] + a[r][2] * v[2] + a[r][3]
                        lps[r] = r < 2 ? -world : world
                    }
                    let relative: [Double] = [lps[0] - o[0], lps[1] - o[1], lps[2] - o[2]]
                    let index = solve(relative).map { $0.rounded() }
                    let p = series.position(index[0], index[1], index[2])
                    var squared = 0.0
                    for r in 0..<3 { squared += (p[r] - lps[r]) * (p[r] - lps[r]) }
                    worst = max(worst, squared.squareRoot())
                    let (ii, jj, kk) = (Int(index[0]), Int(index[1]), Int(index[2]))
                    guard (0..<series.size.columns).contains(ii), (0..<series.size.rows).contains(jj),
                        (0..<series.size.slices).contains(kk)
                    else {
                        equal = false
                        continue
                    }
                    seen.insert(ii + 1000 * (jj + 1000 * kk))
                    let offset = i + dims[0] * (b + dims[1] * c)
                    if abs(scan.intensity(at: offset) - series.value(ii, jj, kk)) > 1e-9 { equal = false }
                }
            }
        }
        return (worst, equal, seen.count)
    }

    @Test("two visits of FLAIR, oblique T1w and post-contrast T1w: BIDS names, geometry within 0.01 mm, values, dates")
    func importsTwoVisits() throws {
        let (root, visits) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        let inputBefore = try Maker.tree(root + "/visit1").merging(try Maker.tree(root + "/visit2")) { a, _ in a }
        let started = Date()
        for visit in ["visit1", "visit2"] {
            let result = try CommandRunner.run(["import", root + "/" + visit, study, "--participant-label", "01"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            #expect(result.stdout.contains("series 3 (t2_flair_tra): anat/FLAIR by rule flair, written"))
            #expect(result.stdout.contains("series 5 (t1_se_tra): anat/T1w by rule t1w, written"))
            #expect(result.stdout.contains("series 9 (t1_se_tra_post): anat/ce-gadolinium_T1w by rule t1w-post-contrast, written"))
        }
        let seconds = Date().timeIntervalSince(started)
        print("import of 2 visits (3 series of 12 slices each): \(String(format: "%.2f", seconds)) s")

        let sessions = ["ses-20240305", "ses-20240917"]
        let files = try Maker.tree(study).keys.sorted()
        var expected = ["dataset_description.json", "participants.tsv", "sub-01/sub-01_sessions.tsv"]
        for session in sessions {
            for name in ["FLAIR", "T1w", "ce-gadolinium_T1w"] {
                for ext in ["json", "nii.gz"] { expected.append("sub-01/\(session)/anat/sub-01_\(session)_\(name).\(ext)") }
            }
        }
        #expect(files == expected.sorted(), "the study holds exactly the BIDS files, and no working folder is left")

        // Geometry and values, series by series.
        var worstMM = 0.0
        for (visit, session) in zip(visits, sessions) {
            for (series, name) in zip(visit.series, ["FLAIR", "T1w", "ce-gadolinium_T1w"]) {
                let path = "\(study)/sub-01/\(session)/anat/sub-01_\(session)_\(name).nii.gz"
                let check = try compare(nifti: path, with: series)
                #expect(check.errorMM < 0.01, "\(name) of \(session): a voxel lies \(check.errorMM) mm from its DICOM position")
                #expect(check.valuesEqual, "\(name) of \(session): values differ from the DICOM's")
                #expect(check.covered == series.size.columns * series.size.rows * series.size.slices)
                worstMM = max(worstMM, check.errorMM)
            }
        }
        print("largest voxel position error over the 6 imported volumes: \(worstMM) mm")

        // Dated from the DICOM acquisition date and time: the first kept series of each visit.
        let sessionsTable = try String(contentsOfFile: study + "/sub-01/sub-01_sessions.tsv", encoding: .utf8)
        #expect(sessionsTable == "session_id\tacq_time\nses-20240305\t2024-03-05T10:17:00\nses-20240917\t2024-09-17T08:42:00\n")
        #expect(try String(contentsOfFile: study + "/participants.tsv", encoding: .utf8) == "participant_id\nsub-01\n")

        // The input is never modified.
        let inputAfter = try Maker.tree(root + "/visit1").merging(try Maker.tree(root + "/visit2")) { a, _ in a }
        #expect(inputAfter == inputBefore)
    }

    @Test("no patient name, ID, birth date, accession number or institution in any output file, decompressed too")
    func deidentified() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        // The DICOM files do carry them, so the check below can fail.
        let slice = try Data(contentsOf: URL(fileURLWithPath: root + "/visit1/flair/slice-001.dcm"))
        #expect(slice.range(of: Data("Quixote^Dulcinea".utf8)) != nil && slice.range(of: Data("Saint Example".utf8)) != nil)
        for visit in ["visit1", "visit2"] {
            let result = try CommandRunner.run(["import", root + "/" + visit, study, "--participant-label", "01"])
            #expect(result.status == 0, "\(result.stderr)")
            for identifier in Maker.identifiers { #expect(!result.stdout.contains(identifier)) }
        }
        let output = root + "/out"
        _ = try CommandRunner.run(["run", study, output, "participant"])
        var checked = 0
        for tree in [study, output] {
            for (relative, bytes) in try Maker.tree(tree) {
                var contents = [bytes]
                if relative.hasSuffix(".gz") {
                    // Binary bytes decode to replacement characters; ASCII text survives intact.
                    let inflated = try Maker.run("/bin/gzip", ["-dc", tree + "/" + relative])
                    #expect(inflated.status == 0 && inflated.stdout.utf8.count > 348, "\(relative) did not inflate")
                    contents.append(Data(inflated.stdout.utf8))
                }
                for identifier in Maker.identifiers {
                    for content in contents {
                        #expect(content.range(of: Data(identifier.utf8)) == nil, "\(identifier) in \(relative)")
                    }
                    #expect(!relative.contains(identifier))
                }
                checked += 1
            }
        }
        print("files checked for identifiers: \(checked)")
        #expect(checked >= 16)
        // What dcm2niix's anonymised sidecars keep, and the import removes: the institution.
        let sidecar = try String(contentsOfFile: study + "/sub-01/ses-20240305/anat/sub-01_ses-20240305_FLAIR.json", encoding: .utf8)
        #expect(!sidecar.contains("InstitutionName") && !sidecar.contains("PatientName") && sidecar.contains("\"SeriesNumber\": 3"))
        let parsed = try JSONSerialization.jsonObject(with: Data(sidecar.utf8)) as? [String: Any]
        #expect(parsed?["InversionTime"] as? Double == 2.5)
    }

    @Test("enhanced multi-frame DICOM (oblique T1w included) and RLE-compressed slices: same names, geometry and values")
    func enhancedMultiFrame() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var visit = Maker.visits()[0]
        visit.series[0].enhanced = true
        visit.series[1].enhanced = true
        visit.series[2].rle = true
        try Maker.write([visit], into: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/visit1/t1") == ["enhanced.dcm"])
        let compressed = try Data(contentsOf: URL(fileURLWithPath: root + "/visit1/t1post/slice-001.dcm"))
        #expect(compressed.range(of: Data("1.2.840.10008.1.2.5".utf8)) != nil, "RLE Lossless transfer syntax")
        let study = root + "/study"
        // A working folder left by an import that was killed (no process 2^22 + 1 exists: Linux
        // pids stop at 2^22), holding a full sidecar: removed by the next import.
        let stale = study + "/.lesiontrack-import-4194305-abc/full"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try "{\"PatientName\": \"Quixote^Dulcinea\"}\n".write(toFile: stale + "/3_1.json", atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["import", root + "/visit1", study, "--participant-label", "01"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imported sub-01/ses-20240305 (acq_time 2024-03-05T10:17:00): 9 files written"), "\(result.stdout)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: study).sorted() == [
                "dataset_description.json", "participants.tsv", "sub-01",
            ])
        for (series, name) in zip(visit.series, ["FLAIR", "T1w", "ce-gadolinium_T1w"]) {
            let check = try compare(nifti: "\(study)/sub-01/ses-20240305/anat/sub-01_ses-20240305_\(name).nii.gz", with: series)
            #expect(check.errorMM < 0.01, "\(name): a voxel lies \(check.errorMM) mm from its DICOM position")
            #expect(check.valuesEqual, "\(name): values differ from the DICOM's")
            #expect(check.covered == series.size.columns * series.size.rows * series.size.slices)
        }
    }

    @Test("a DWI series kept with its b-values, a localizer and an unknown series skipped with a line, two patients refused")
    func dwiSkippedAndPatients() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var visit = Maker.visits()[0]
        let flair = visit.series[0]
        var dwi = flair
        dwi.folder = "visit1/dwi"
        dwi.number = 11
        dwi.description = "ep2d_diff_3dir"
        dwi.size.slices = 6
        dwi.inversionTimeMS = nil
        dwi.scanningSequence = "EP"
        dwi.diffusion = [(0, [0, 0, 0]), (1000, [1, 0, 0]), (1000, [0, 1, 0]), (1000, [0, 0, 1])]
        var localizer = flair
        localizer.folder = "visit1/localizer"
        localizer.number = 1
        localizer.description = "localizer"
        localizer.size.slices = 3
        localizer.inversionTimeMS = nil
        var unknown = localizer
        unknown.folder = "visit1/unknown"
        unknown.number = 20
        unknown.description = "calibration_xyz"
        unknown.repetitionTimeMS = 1500
        unknown.echoTimeMS = 50
        visit.series = [flair, dwi, localizer, unknown]
        var other = visit
        other.uidSeed = "other-patient"
        other.patient = Maker.patient.merging(["name": "Other^Person", "id": "PID000111"]) { _, new in new }
        other.series = [flair].map {
            var series = $0
            series.folder = "visit1/other"
            series.number = 30
            return series
        }
        try Maker.write([visit], into: root)
        let study = root + "/study"
        let result = try CommandRunner.run(["import", root + "/visit1", study, "--participant-label", "01"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("series 1 (localizer): skipped by rule localizer"), "\(result.stdout)")
        #expect(lines.contains("series 20 (calibration_xyz): skipped, no rule of built-in:dicom-series.yaml matches"), "\(result.stdout)")
        #expect(
            lines.contains(
                "series 11 (ep2d_diff_3dir): dwi/dwi by rule dwi, written sub-01/ses-20240305/dwi/sub-01_ses-20240305_dwi.nii.gz"),
            "\(result.stdout)")
        let dwiFolder = study + "/sub-01/ses-20240305/dwi/sub-01_ses-20240305_dwi"
        #expect(try String(contentsOfFile: dwiFolder + ".bval", encoding: .utf8).split(separator: "\n") == ["0 1000 1000 1000"])
        #expect(FileManager.default.fileExists(atPath: dwiFolder + ".bvec") && FileManager.default.fileExists(atPath: dwiFolder + ".json"))
        #expect(try NIfTIReader().read(dwiFolder + ".nii.gz").header.dims.prefix(4) == [20, 24, 6, 4])

        // The same folder with another patient's series added: refused before anything is written.
        try Maker.write([other], into: root)
        let mixed = try CommandRunner.run(["import", root + "/visit1", root + "/study2", "--participant-label", "01"])
        #expect(mixed.status == 65)
        #expect(
            mixed.stderr
                == "lesiontrack: \(root)/visit1: holds the series of 2 different patients: import each patient's folder separately\n")
        #expect(!FileManager.default.fileExists(atPath: root + "/study2/sub-01"))
        #expect(!mixed.stderr.contains("PID000111") && !mixed.stderr.contains("PID778899X"))
    }

    @Test("dcm2niix's anonymising option (-ba y): what it leaves out, and the institution it keeps, which the import removes")
    func anonymisingOption() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let engine = try Dcm2niix.locate()
        var sidecars: [Dcm2niix.Output: String] = [:]
        for output in [Dcm2niix.Output.anonymisedImages, .fullSidecarsOnly] {
            let folder = root + "/\(output)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            let conversion = try engine.convert(input: root + "/visit1/flair", into: folder, output: output)
            #expect(conversion.series.count == 1)
            let json = try #require(conversion.series.first?.file("json"))
            sidecars[output] = try String(contentsOfFile: json, encoding: .utf8)
            #expect((conversion.series.first?.image != nil) == (output == .anonymisedImages))
        }
        let full = try #require(sidecars[.fullSidecarsOnly]), anonymised = try #require(sidecars[.anonymisedImages])
        for identifier in ["Quixote^Dulcinea^Tobosa", "PID778899X", "1971-03-04", "ACC20240305", "Sancho^Panza", "2024-03-05T10:17"] {
            #expect(full.contains(identifier), "the full sidecar holds \(identifier)")
            #expect(!anonymised.contains(identifier), "-ba y leaves out \(identifier)")
        }
        #expect(anonymised.contains("\"InstitutionName\": \"Saint Example Hospital\""), "-ba y keeps the institution")
        #expect(full.contains("\"PatientID\": \"PID778899X\""))
    }

    @Test("importing the same folders again changes no byte, and says so")
    func idempotent() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        for visit in ["visit1", "visit2"] {
            #expect(try CommandRunner.run(["import", root + "/" + visit, study, "--participant-label", "01"]).status == 0)
        }
        let before = try Maker.tree(study)
        let times = try before.keys.map { try FileManager.default.attributesOfItem(atPath: study + "/" + $0)[.modificationDate] as? Date }
        for visit in ["visit1", "visit2"] {
            let again = try CommandRunner.run(["import", root + "/" + visit, study, "--participant-label", "01"])
            #expect(again.status == 0)
            #expect(again.stdout.contains("0 files written, 8 unchanged"), "\(again.stdout)")
        }
        #expect(try Maker.tree(study) == before)
        let timesAfter = try before.keys.map {
            try FileManager.default.attributesOfItem(atPath: study + "/" + $0)[.modificationDate] as? Date
        }
        #expect(timesAfter == times, "no file was even rewritten")
    }

    @Test("a truncated slice: an error line naming it, its series refused, the rest of the visit imported")
    func truncated() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Cut inside the pixel data (dcm2niix names the file and drops its series), inside the
        // header (dcm2niix lists the file with no valid image, and its series has a gap), and
        // before the header's end of the file meta information (dcm2niix does not see DICOM).
        let cutPixels = root + "/visit1/t1/slice-005.dcm"
        let cutHeader = root + "/visit1/flair/slice-007.dcm"
        let cutMeta = root + "/visit1/flair/slice-004.dcm"
        let size = try Data(contentsOf: URL(fileURLWithPath: cutPixels)).count
        for (path, length) in [(cutPixels, size - 100), (cutHeader, 1300), (cutMeta, 200)] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(length).write(to: URL(fileURLWithPath: path))
        }
        let study = root + "/study"
        let result = try CommandRunner.run(["import", root + "/visit1", study, "--participant-label", "01"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "lesiontrack: \(cutPixels): truncated: too short to hold its image data (dcm2niix); its series was not converted"),
            "\(result.stderr)")
        #expect(lines.contains("lesiontrack: \(cutHeader): dcm2niix found no valid image in it: truncated or damaged"), "\(result.stderr)")
        #expect(
            lines.contains("lesiontrack: \(cutMeta): not read as DICOM by dcm2niix: truncated, damaged or not a DICOM file"),
            "\(result.stderr)")
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "lesiontrack: \(root)/visit1: series 3 (t2_flair_tra): refused, dcm2niix reports Warning: Interslice distance varies")
            },
            "\(result.stderr)")
        #expect(lines.count == 4, "\(result.stderr)")
        let anat = study + "/sub-01/ses-20240305/anat"
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: anat).sorted() == [
                "sub-01_ses-20240305_ce-gadolinium_T1w.json", "sub-01_ses-20240305_ce-gadolinium_T1w.nii.gz",
            ])
    }

    @Test("a label from the salted patient ID, a session label given, and a visit whose folder holds two FLAIRs refused")
    func labelsAndDuplicates() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        let salted = try CommandRunner.run(["import", root + "/visit2", study, "--salt", "s3cret", "--session", "followup"])
        #expect(salted.status == 0, "\(salted.stderr)")
        // SHA-256("s3cret:PID778899X"), first 12 hex digits (Python's hashlib).
        #expect(
            FileManager.default.fileExists(atPath: study + "/sub-c1add65579ef/ses-followup/anat/sub-c1add65579ef_ses-followup_FLAIR.nii.gz")
        )
        #expect(
            try String(contentsOfFile: study + "/sub-c1add65579ef/sub-c1add65579ef_sessions.tsv", encoding: .utf8)
                == "session_id\tacq_time\nses-followup\t2024-09-17T08:42:00\n")

        // Both visits in one folder: two FLAIRs (and two of each T1w) for one session.
        let both = root + "/both"
        try FileManager.default.createDirectory(atPath: both, withIntermediateDirectories: true)
        for visit in ["visit1", "visit2"] { try FileManager.default.copyItem(atPath: root + "/" + visit, toPath: both + "/" + visit) }
        let refused = try CommandRunner.run(["import", both, root + "/study2", "--participant-label", "02", "--session", "x"])
        #expect(refused.status == 65)
        #expect(
            refused.stderr.contains("series 3 (t2_flair_tra) and series 3 (t2_flair_tra) are both anat/FLAIR: the visit is refused"),
            "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/study2/sub-02"))

        // With `duplicates: run` in a copy of the rules, both are kept as run-1 and run-2.
        let rules = try String(contentsOfFile: CommandRunner.repositoryRoot + "/Pipelines/dicom-series.yaml", encoding: .utf8)
        let runRules = root + "/runs.yaml"
        try rules.replacingOccurrences(of: "\nduplicates: refuse\n", with: "\nduplicates: run\n").write(
            toFile: runRules, atomically: true, encoding: .utf8)
        let runs = try CommandRunner.run([
            "import", both, root + "/study3", "--participant-label", "02", "--session", "x", "--series-rules", runRules,
        ])
        #expect(runs.status == 0, "\(runs.stderr)")
        // run-1 is the earlier acquisition: visit 1 (March, 10:17), not visit 2 (September, 08:42).
        let firstRun = try String(contentsOfFile: root + "/study3/sub-02/ses-x/anat/sub-02_ses-x_run-1_FLAIR.json", encoding: .utf8)
        #expect(firstRun.contains("\"AcquisitionTime\": \"10:17:0.000000\""), "\(firstRun)")
        for n in [1, 2] {
            #expect(FileManager.default.fileExists(atPath: root + "/study3/sub-02/ses-x/anat/sub-02_ses-x_run-\(n)_FLAIR.nii.gz"))
            #expect(
                FileManager.default.fileExists(atPath: root + "/study3/sub-02/ses-x/anat/sub-02_ses-x_ce-gadolinium_run-\(n)_T1w.nii.gz"))
        }
    }

    @Test("the imported study through `lesiontrack run` without a template: refused for want of the anatomy")
    func runOnImportedStudy() throws {
        // README (Patients in BIDS, Image sources): FLAIR and post-contrast T1w images are
        // thresholded by z-scores over a brain mask, and "a session without a brain mask is refused
        // for them rather than guessed". An import brings images without lesion maps or brain
        // masks, so `run` finds the participant and its two dated sessions, picks the imported
        // FLAIR as the T2 source, and refuses at the select stage naming it: exit status 1, one
        // error row per session, no result. Anything else (a discovery error, a table refused, a crash) fails.
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        for visit in ["visit1", "visit2"] {
            #expect(try CommandRunner.run(["import", root + "/" + visit, study, "--participant-label", "01"]).status == 0)
        }
        let output = root + "/out"
        // The default pipeline without a template: its raw-image sources need the template's
        // anatomy, so the sessions are refused at selection, naming the key.
        let pipelineFile = root + "/no-template.yaml"
        try "registration_qc:\n  template: none\n".write(toFile: pipelineFile, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["run", study, output, "participant", "--no-report", "--pipeline", pipelineFile])
        #expect(result.status == 1)
        #expect(result.stdout.contains("1 participants: 1 processed, 0 unchanged; 2 errors"), "\(result.stdout)")
        for session in ["ses-20240305", "ses-20240917"] {
            #expect(
                result.stdout.contains(
                    "failed: sub-01/\(session)/anat/sub-01_\(session)_FLAIR.nii.gz: select: kind lesion-growth needs the patient's anatomy"),
                "\(result.stdout)")
        }
        #expect(FileManager.default.fileExists(atPath: output + "/lesiontrack.sqlite"))
    }

    @Test("a mapping table of visits; existing tables keep their columns and rows; a missing folder refused alone")
    func mapping() throws {
        let (root, _) = try makeVisits()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let study = root + "/study"
        try FileManager.default.createDirectory(atPath: study + "/sub-01", withIntermediateDirectories: true)
        try "session_id\tacq_time\tntz_last_infusion\nses-0\tn/a\t2022-12-01\n".write(
            toFile: study + "/sub-01/sub-01_sessions.tsv", atomically: true, encoding: .utf8)
        try "participant_id\tage\nsub-07\t44\n".write(toFile: study + "/participants.tsv", atomically: true, encoding: .utf8)
        try "dicom_dir\tparticipant_id\tsession_id\nvisit1\tsub-01\tn/a\nvisit2\t01\tses-b\nmissing\t02\tn/a\n".write(
            toFile: root + "/mapping.tsv", atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["import", "--mapping", root + "/mapping.tsv", study])
        #expect(result.status == 1)
        #expect(result.stderr == "lesiontrack: \(root)/missing: no such folder\n")
        #expect(result.stdout.contains("imported sub-01/ses-20240305 (acq_time 2024-03-05T10:17:00): 9 files written, 0 unchanged"))
        #expect(result.stdout.contains("imported sub-01/ses-b (acq_time 2024-09-17T08:42:00): 7 files written, 1 unchanged"))
        #expect(
            try String(contentsOfFile: study + "/sub-01/sub-01_sessions.tsv", encoding: .utf8)
                == "session_id\tacq_time\tntz_last_infusion\nses-0\tn/a\t2022-12-01\n"
                + "ses-20240305\t2024-03-05T10:17:00\tn/a\nses-b\t2024-09-17T08:42:00\tn/a\n")
        #expect(
            try String(contentsOfFile: study + "/participants.tsv", encoding: .utf8) == "participant_id\tage\nsub-07\t44\nsub-01\tn/a\n")
        #expect(!FileManager.default.fileExists(atPath: study + "/sub-02"))
        // The session already in the table has no time: said once per import, so it can be filled in.
        #expect(
            result.stdout.components(separatedBy: "note: sub-01/sub-01_sessions.tsv: ses-0 has no acq_time; lesiontrack run refuses").count
                == 3, "\(result.stdout)")
    }

    @Test("a folder with no DICOM file is refused with dcm2niix's reason; the series rules are printed by pipeline show")
    func emptyFolderAndRules() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/dicom", withIntermediateDirectories: true)
        try "not DICOM\n".write(toFile: root + "/dicom/readme.txt", atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["import", root + "/dicom", root + "/study", "--participant-label", "01"])
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "lesiontrack: \(root)/dicom: dcm2niix converted nothing: Unable to find any DICOM images in \(root)/dicom (or subfolders 5 deep)\n"
        )
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/study").isEmpty, "no working folder is left")
        let shown = try CommandRunner.run(["pipeline", "show", "dicom-series"])
        #expect(shown.status == 0)
        #expect(
            shown.stdout == (try String(contentsOfFile: CommandRunner.repositoryRoot + "/Pipelines/dicom-series.yaml", encoding: .utf8)))
    }

    @Test("bad usage and a missing converter: clear errors, nothing written")
    func refusals() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let noLabel = try CommandRunner.run(["import", root, root + "/study"])
        #expect(noLabel.status == 64)
        #expect(noLabel.stderr.contains("give --participant-label ID, or --salt SALT"))
        let missing = try CommandRunner.run([
            "import", root, root + "/study", "--participant-label", "01", "--dcm2niix", "lesiontrack-no-dcm2niix",
        ])
        #expect(missing.status == 65)
        #expect(
            missing.stderr == "lesiontrack: lesiontrack-no-dcm2niix: not found on PATH (install it: apt-get install dcm2niix "
                + "(Debian, Ubuntu), or see https://github.com/rordenlab/dcm2niix)\n")
        let inside = try CommandRunner.run(["import", root, root + "/study", "--participant-label", "01"])
        #expect(inside.status == 65)
        #expect(inside.stderr.contains("lies inside the DICOM folder"))
        #expect(!FileManager.default.fileExists(atPath: root + "/study/sub-01"))
    }
}
