import Foundation
import GRDB
import LesionIO
import LesionKernels
import Testing
import TestSupport

/// `lesiontrack report` on the example study: the cohort index in urgency order with working
/// links, and each participant's page with its class, statement, timeline and decodable,
/// non-blank mosaics; no identifying header text anywhere.
@Suite("Review report", .tags(.slow), .fullTierOnly)
struct ReportTests {
    static let urgency = ["suspected_pml_iris", "rebound", "reactivation", "indeterminate", "no_new_activity"]

    /// The values of `attribute="…"` in `html`, in order.
    func attributes(_ attribute: String, in html: String) -> [String] {
        html.components(separatedBy: attribute + "=\"").dropFirst().compactMap {
            $0.split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
    }

    /// A study copy whose sub-01 ses-01 T2 input carries a patient name in its `descrip`.
    func studyWithName() throws -> (folder: String, study: String) {
        let (folder, study) = try BatchSupport.studyCopy()
        let path = study + "/derivatives/segmenter/sub-01/ses-01/anat/sub-01_ses-01_label-T2lesion_mask.nii.gz"
        let scan = try NIfTIReader().read(path)
        let mask = Volume(size: scan.voxels.size, voxels: (0..<scan.voxels.size.voxelCount).map { scan.intensity(at: $0) != 0 })
        try NIfTIWriter.writeMask(mask, like: scan.header, to: path, description: "Doe^John")
        #expect(try gunzipped(path).contains("Doe^John"))
        return (folder, study)
    }

    /// The bytes of a gzip file, decompressed by `gzip -dc`, as text (invalid UTF-8 replaced).
    func gunzipped(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\"", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("a run given a relative study path: the report written later from another folder still finds the therapy dates")
    func relativeStudyPath() throws {
        let (folder, _) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try CommandRunner.run(["run", "study", "out", "participant", "--quiet", "--no-report"], in: folder)
        #expect(run.status == 1)  // sub-03's broken scan
        let report = try CommandRunner.run(["report", folder + "/out", "--quiet", "--participant-label", "sub-02"])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: folder + "/out/report/sub-02.html", encoding: .utf8)
        #expect(page.contains("last natalizumab infusion 2020-08-20"))
    }

    @Test("run --log-format json reports the report phase as events: start, one per page, done")
    func reportProgressEvents() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try BatchSupport.run(study, folder + "/out", ["--log-format", "json"])
        #expect(result.status == 1)  // sub-03's broken scan
        let events = result.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let report = events.filter { ($0["event"] as? String)?.hasPrefix("report_") == true }
        #expect(report.map { $0["event"] as! String } == ["report_start"] + Array(repeating: "report_page", count: 5) + ["report_done"])
        #expect(report.first?["pages"] as? Int == 5)
        #expect(report.dropFirst().dropLast().map { $0["done"] as! Int } == Array(1...5))
        #expect(report.last?["folder"] as? String == folder + "/out/report")
    }

    @Test(
        "the index lists participants by urgency with links that exist; each page shows its class, the statement, the timeline and its mosaics"
    )
    func report() throws {
        let (folder, study) = try studyWithName()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out"
        let rules = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"
        #expect(try BatchSupport.run(study, output, ["--rules", rules, "--quiet"]).status == 1)  // sub-03's broken scan
        #expect(FileManager.default.fileExists(atPath: output + "/report/index.html"), "run writes the report by default")
        let result = try CommandRunner.run(["report", output])
        #expect(result.status == 0, "\(result.stderr)")
        // Standard error is no terminal here: one progress line per page.
        let progress = result.stderr.split(separator: "\n").map(String.init)
        #expect(progress.count == 7 && progress[0] == "report: 5 participant pages to write", "\(result.stderr)")
        #expect(Array(progress[1...5]) == (1...5).map { "report: sub-0\($0).html, \($0) of 5" })
        #expect(progress[6].hasPrefix("report: \(output)/report/index.html written in "))
        let queue = try DatabaseQueue(path: output + "/lesiontrack.sqlite")
        let classes = try queue.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT participant_id, class FROM classifications WHERE session_id IS NULL")
                    .map { ($0["participant_id"] as String, $0["class"] as String) })
        }
        #expect(classes.count == 5)

        let report = output + "/report"
        let index = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        let links = attributes("href", in: index)
        #expect(links.sorted() == classes.keys.sorted().map { $0 + ".html" })
        let ranks = links.map { Self.urgency.firstIndex(of: classes[String($0.dropLast(5))]!)! }
        #expect(ranks == ranks.sorted(), "index order \(links)")
        #expect(links.first == "sub-02.html")  // the suspected PML-IRIS participant
        for (id, className) in classes {
            #expect(FileManager.default.fileExists(atPath: report + "/" + id + ".html"))
            #expect(index.contains("<td>\(className)</td>"))
            let page = try String(contentsOfFile: report + "/" + id + ".html", encoding: .utf8)
            #expect(page.contains("class=\"class \(className)\">\(className)</span>"), "\(id)")
            #expect(page.contains("not a diagnosis"))
            #expect(page.contains("<svg") && page.contains("</svg>"))
            #expect(page.contains("<script") == false)
            #expect(page.contains("http://") == false || page.components(separatedBy: "http://").count == 2)  // the SVG namespace only
            let sessions = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT session_id FROM visits WHERE participant_id = ? ORDER BY visit", arguments: [id])
            }
            let fired = try queue.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT json_extract(c.reasons, j.fullkey || '.id') FROM classifications c, json_each(c.reasons) j
                        WHERE c.participant_id = ? AND j.type = 'object'
                        """, arguments: [id])
            }
            for rule in fired { #expect(page.contains("<td>\(rule)</td>"), "\(id) lacks rule \(rule)") }
            let images = attributes("src", in: page)
            let closeUps = images.filter { $0.hasSuffix("_closeup.png") }
            #expect(images == sessions.flatMap { ["\(id)/\($0)_mosaic.png", "\(id)/\($0)_mip.png"] } + closeUps)
            #expect((1...3).contains(closeUps.count), "\(id): \(closeUps)")
            let enhancingSessions = try queue.read { db in
                Set(
                    try String.fetchAll(
                        db, sql: "SELECT DISTINCT session_id FROM ledger WHERE participant_id = ? AND enhancing = 1", arguments: [id]))
            }
            let yellow = [ReviewTint.enhancingColour.r, ReviewTint.enhancingColour.g, ReviewTint.enhancingColour.b]
            for image in images {
                let png = try PNGFile.read(report + "/" + image)
                var colours = Set<[UInt8]>()
                for p in stride(from: 0, to: png.pixels.count, by: 3) { colours.insert(Array(png.pixels[p..<(p + 3)])) }
                #expect(colours.count >= 3, "\(image) has \(colours.count) colours")
                #expect(colours.contains { $0[0] != $0[1] || $0[1] != $0[2] }, "\(image) has no tinted lesion")
                if let session = sessions.first(where: { image.hasPrefix("\(id)/\($0)_") }) {
                    #expect(colours.contains(yellow) == enhancingSessions.contains(session), "\(image): enhancing outline")
                }
            }
        }
        let sub02 = try String(contentsOfFile: report + "/sub-02.html", encoding: .utf8)
        #expect(sub02.contains("plasma exchange 2020-09-10"))

        for name in try FileManager.default.subpathsOfDirectory(atPath: report) where name.hasSuffix(".html") {
            let text = try String(contentsOfFile: report + "/" + name, encoding: .utf8)
            #expect(!text.contains("Doe"), "\(name) copies header text")
        }
        #expect(!(try gunzipped(output + "/sub-01/ses-01/anat/sub-01_ses-01_desc-T2lesions_dseg.nii.gz").contains("Doe")))
    }

    @Test("run --no-report writes none; report --participant-label writes only those pages, the index everyone")
    func selected() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out"
        _ = try BatchSupport.run(study, output, ["--quiet", "--no-report"])
        #expect(!FileManager.default.fileExists(atPath: output + "/report"))
        let result = try CommandRunner.run(["report", output, "--participant-label", "04"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: output + "/report").sorted()
        #expect(files == ["index.html", "sub-04", "sub-04.html"])
        let index = try String(contentsOfFile: output + "/report/index.html", encoding: .utf8)
        #expect(attributes("href", in: index).count == 5)
        let page = try String(contentsOfFile: output + "/report/sub-04.html", encoding: .utf8)
        #expect(page.contains(">no_new_activity</span>"))
    }

    @Test("an output folder without a database is refused with one line naming it")
    func noDatabase() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try CommandRunner.run(["report", folder])
        #expect(result.status == 65)
        #expect(result.stderr.contains("lesiontrack.sqlite") && result.stderr.contains("no results database"))
    }
}
