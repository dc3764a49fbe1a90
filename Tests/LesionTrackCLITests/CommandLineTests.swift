import Foundation
import LesionIO
import Testing
import TestSupport

@Suite("The lesiontrack command")
struct CommandLineTests {
    let example = "Fixtures/example/sub-01_ses-01_FLAIR.nii.gz"

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    @Test("label: JSON with the documented keys, lesions and parameters")
    func labelJSON() throws {
        let result = try CommandRunner.run(["label", example, "--connectivity", "6"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let doc = try json(result.stdout)
        #expect(doc["input"] as? String == example)
        #expect(doc["threshold"] as? Double == 0.5)
        #expect(doc["connectivity"] as? Int == 6)
        #expect(doc["min_volume_mm3"] as? Double == 0)
        #expect(doc["voxel_size_mm"] as? [Double] == [2, 2, 2])
        #expect(doc["count"] as? Int == 13)
        let lesions = doc["lesions"] as! [[String: Any]]
        #expect(lesions.count == 13)
        #expect(lesions.map { $0["id"] as! Int } == Array(1...13))
        for lesion in lesions {
            #expect(lesion["volume_mm3"] as! Double == 8 * Double(lesion["voxels"] as! Int))
            #expect((lesion["bbox_voxel"] as! [Int]).count == 6)
            #expect((lesion["centroid_mm"] as! [Double]).count == 3)
        }
        #expect(lesions.map { $0["voxels"] as! Int }.reduce(0, +) == doc["foreground_voxels"] as! Int)
    }

    @Test("the size floor: 3 voxels or 3 mm drops the two specks")
    func sizeFloor() throws {
        for flags in [["--min-voxels", "3"], ["--min-extent", "3"], ["--min-volume", "24"]] {
            let doc = try json(try CommandRunner.run(["label", example] + flags).stdout)
            #expect(doc["count"] as? Int == 11, "\(flags)")
            #expect(doc["components_before_size_floor"] as? Int == 13)
        }
    }

    @Test("CSV and TSV: a header row, one row per lesion, and a sidecar when written to a file")
    func tables() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = try CommandRunner.run(["label", example, "--format", "csv"]).stdout
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 14)
        #expect(rows[0].hasPrefix("id,voxels,volume_mm3,centroid_i"))
        #expect(rows[1].split(separator: ",").count == rows[0].split(separator: ",").count)
        let out = directory + "/lesions.tsv"
        let result = try CommandRunner.run(["label", example, "--format", "tsv", "--output", out, "--min-voxels", "3"])
        #expect(result.status == 0 && result.stdout.isEmpty)
        let tsv = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(tsv.count == 12 && tsv[0].contains("\tvoxels\t"))
        let sidecar = try json(try String(contentsOfFile: directory + "/lesions.json", encoding: .utf8))
        #expect(sidecar["min_voxels"] as? Int == 3 && sidecar["count"] as? Int == 11)
        #expect(sidecar["version"] as? String == "0.1.0")
    }

    @Test("label writes a label map and a PNG that read back")
    func outputs() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try CommandRunner.run([
            "label", example, "--labels", directory + "/labels.nii.gz", "--png", directory + "/slice.png",
            "--png-plane", "coronal",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let labels = try NIfTIReader().read(directory + "/labels.nii.gz")
        let source = try NIfTIReader().read(CommandRunner.repositoryRoot + "/" + example)
        #expect(labels.header.affine == source.header.affine)
        guard case .uint16(let v) = labels.voxels else {
            Issue.record("expected uint16 labels")
            return
        }
        #expect(Set(v.voxels) == Set(0...13))
        let png = try PNGFile.read(directory + "/slice.png")
        #expect(png.width == 160 && png.height == 128)  // 80 × 64 voxels of 2 mm at 1 mm pixels
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["labels.nii.gz", "slice.png"])
    }

    @Test("label whose label map cannot be written prints and writes nothing else")
    func failedLabelMap() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let map = directory + "/missing/labels.nii.gz"
        for output in [["--output", directory + "/report.json"], ["--format", "tsv", "--output", directory + "/r.tsv"], []] {
            let result = try CommandRunner.run(
                ["label", example, "--labels", map, "--png", directory + "/slice.png"] + output)
            #expect(result.status == 73, "\(output)")
            #expect(result.stderr == "lesiontrack: \(map): cannot create output: No such file or directory\n")
            #expect(result.stdout == "")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
        }
    }

    @Test("label whose report cannot be written keeps the label map and the PNG, written before it")
    func failedReport() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = directory + "/missing/report.json"
        let result = try CommandRunner.run([
            "label", example, "--labels", directory + "/labels.nii.gz", "--png", directory + "/slice.png", "--output", report,
        ])
        #expect(result.status == 73)
        #expect(result.stderr == "lesiontrack: \(report): cannot create output: No such file or directory\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["labels.nii.gz", "slice.png"])
        guard case .uint16(let v) = try NIfTIReader().read(directory + "/labels.nii.gz").voxels else {
            Issue.record("expected uint16 labels")
            return
        }
        #expect(Set(v.voxels) == Set(0...13))
    }

    @Test("label without a PNG writes the same label map, from the runs, and the same report")
    func labelMapFromRuns() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let painted = try CommandRunner.run([
            "label", example, "--labels", directory + "/painted.nii.gz", "--png", directory + "/slice.png",
        ])
        let fromRuns = try CommandRunner.run(["label", example, "--labels", directory + "/runs.nii.gz"])
        #expect(painted.status == 0 && fromRuns.status == 0, "\(fromRuns.stderr)")
        var voxels: [[UInt16]] = []
        for name in ["painted", "runs"] {
            guard case .uint16(let v) = try NIfTIReader().read(directory + "/\(name).nii.gz").voxels else {
                Issue.record("expected uint16 labels")
                return
            }
            voxels.append(v.voxels)
        }
        #expect(voxels[0] == voxels[1] && Set(voxels[1]) == Set(0...13))
        var lesions = try json(fromRuns.stdout)["lesions"] as? [[String: Any]]
        #expect(lesions?.count == 13)
        lesions = try json(painted.stdout)["lesions"] as? [[String: Any]]
        #expect(lesions?.count == 13)
        let withoutFiles = { (text: String) in
            text.split(separator: "\n").filter { !$0.contains("_file") && !$0.contains("png_slice") }.joined(separator: "\n")
        }
        #expect(withoutFiles(fromRuns.stdout) == withoutFiles(painted.stdout))
    }

    @Test(
        "exit status and one error line for a bad scan",
        arguments: [
            ("Fixtures/broken/truncated.nii.gz", "truncated"), ("Fixtures/broken/rgb24.nii", "not a scalar"),
            ("no/such/scan.nii", "cannot open"),
        ])
    func badInput(path: String, problem: String) throws {
        for command in ["label", "info"] {
            let result = try CommandRunner.run([command, path])
            #expect(result.status == 65)
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("lesiontrack: \(path): ") == true)
            #expect(result.stderr.contains(problem))
        }
    }

    @Test("a mistyped command is refused with the nearest command, status 64")
    func mistypedCommand() throws {
        for (arguments, message) in [
            (["lable", example], "unknown command lable: did you mean label?"),
            (["pipeline", "shwo"], "unknown command shwo: did you mean pipeline show?"),
            (
                ["frobnicate"],
                "unknown command frobnicate: the commands of lesiontrack are info, label, bench, compare, patient, evaluate, explain, run, export, report, merge, slurm, status, pipeline, import, bench-batch, bench-process"
            ),
        ] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64 && result.stdout.isEmpty)
            #expect(result.stderr == "lesiontrack: \(message) (see lesiontrack --help)\n")
        }
    }

    @Test("a defaulted flag states its default once in the help")
    func defaultsOnce() throws {
        for (command, flag) in [("run", "--jobs"), ("label", "--threads")] {
            let help = try CommandRunner.run([command, "--help"]).stdout
            let entry = help.components(separatedBy: "  " + flag + " ")[1].components(separatedBy: "\n  --")[0]
            #expect(entry.components(separatedBy: "(default").count == 2, "\(command) \(flag): \(entry)")
        }
    }

    @Test("a gzip stream named .nii: one line saying to rename it, status 65")
    func gzipNamedNii() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/scan.nii"
        try FileManager.default.copyItem(atPath: CommandRunner.repositoryRoot + "/" + example, toPath: path)
        for command in ["info", "label"] {
            let result = try CommandRunner.run([command, path])
            #expect(result.status == 65 && result.stdout.isEmpty)
            #expect(result.stderr == "lesiontrack: \(path): is gzip-compressed but named .nii: rename it .nii.gz\n")
        }
    }

    @Test("a folder that is not a study, a participant folder and an output folder: one line each, status 65, nothing written")
    func notAStudy() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/scans/anat", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/out/sub-01/ses-01/anat", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/out/lesiontrack.sqlite", contents: Data()))
        let study = CommandRunner.repositoryRoot + "/Fixtures/study"
        let output =
            "this is a LesionTrack output folder (\(directory)/out/lesiontrack.sqlite is its results database), not a BIDS study: give the study folder it was made from"
        for (arguments, message) in [
            (
                ["run", directory + "/scans", directory + "/results", "participant"],
                directory + "/scans: not a BIDS study: expected sub-*/[ses-*/]anat/*.nii[.gz] under it, and it holds no sub-* folder"
            ),
            (
                ["run", study + "/sub-01", directory + "/results", "participant"],
                study
                    + "/sub-01: is a participant folder, not a study: give the study folder that holds it (\(study)), with --participant-label sub-01 to process only this participant"
            ),
            (["run", directory + "/out", directory + "/results", "participant"], directory + "/out: " + output),
            (["patient", directory + "/out"], directory + "/out: " + output),
            (["patient", directory + "/out/sub-01"], directory + "/out/sub-01: " + output),
        ] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 65, "\(arguments)")
            #expect(result.stderr == "lesiontrack: " + message + "\n")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/results"))
    }

    @Test("usage errors exit 64, unwritable outputs 73")
    func otherStatuses() throws {
        let bad = try CommandRunner.run(["label", example, "--connectivity", "8"])
        #expect(bad.status == 64 && bad.stderr.contains("'6', '18' or '26'"))
        let unwritable = try CommandRunner.run(["label", example, "--labels", "/nonexistent/dir/l.nii.gz"])
        #expect(unwritable.status == 73 && unwritable.stderr.contains("/nonexistent/dir/l.nii.gz"))
        #expect(try CommandRunner.run(["--version"]).stdout == "0.1.0\n")
        // run, export and report check participant labels alike, before touching any folder.
        for command in [
            ["run", "/nonexistent", "/nonexistent-out", "participant"], ["export", "/nonexistent", "--format", "csv"],
            ["report", "/nonexistent"],
        ] {
            let label = try CommandRunner.run(command + ["--participant-label", "04", "../sub-01"])
            #expect(label.status == 64 && label.stderr.contains("BIDS labels") && label.stderr.contains("../sub-01"), "\(command[0])")
        }
    }

    @Test("info: JSON facts of the example")
    func info() throws {
        let doc = try json(try CommandRunner.run(["info", example, "--format", "json"]).stdout)
        #expect(doc["dims"] as? [Int] == [80, 96, 64])
        #expect(doc["orientation_source"] as? String == "sform")
        #expect(doc["axis_codes"] as? String == "RAS")
        #expect(doc["datatype"] as? String == "FLOAT32")
        #expect((doc["affine"] as? [[Double]])?.first == [2, 0, 0, -79])
    }

    /// Every ```console block of the README and the docs pages starting with `$ lesiontrack …`
    /// prints exactly what follows it, run from the repository root.
    @Test("the documentation's examples are what the program prints")
    func documentedExamples() throws {
        var examples: [(page: String, command: String, output: String)] = []
        for page in CommandRunner.documentationPages {
            let text = try String(contentsOfFile: CommandRunner.repositoryRoot + page, encoding: .utf8)
            var inBlock = false
            var lines: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("```console") { inBlock = true; lines = []; continue }
                if inBlock && line.hasPrefix("```") {
                    inBlock = false
                    if let first = lines.first, first.hasPrefix("$ lesiontrack ") {
                        examples.append((page, String(first.dropFirst(14)), lines.dropFirst().joined(separator: "\n") + "\n"))
                    }
                    continue
                }
                if inBlock { lines.append(String(line)) }
            }
        }
        #expect(examples.count >= 5)
        #expect(examples.contains { $0.page == "/README.md" })
        for example in examples {
            let arguments = example.command.split(separator: " ").map(String.init)
            let result = try CommandRunner.run(arguments)
            #expect(result.stdout == example.output, "\(example.page): lesiontrack \(example.command)")
        }
    }
}
