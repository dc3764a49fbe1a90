import Foundation
import GRDB
import LesionIO
import LesionKernels
import Testing
import TestSupport

@testable import LesionBatch

/// The report's images draw each visit's anatomy under the lesion tints: a raw patient from
/// `Fixtures/generate_raw.py` (a random head pose per visit and per series), given a segmenter's
/// lesion masks on each visit's FLAIR grid, is run from scratch; the pages show each FLAIR
/// registered to the baseline under the lesions, and say so.
@Suite("Report: lesions over the anatomy", .tags(.slow), .fullTierOnly)
struct ReportAnatomyTests {
    static var generator: String { Fixtures.path("generate_raw.py") }
    static var python: String { RawTestKit.python }
    static var template: String { RawTestKit.template }
    static var elastixPresent: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/elastix")
        }
    }
    static var ready: Bool {
        FileManager.default.fileExists(atPath: generator) && FileManager.default.fileExists(atPath: python)
            && FileManager.default.fileExists(atPath: template) && elastixPresent
    }

    let participant = "sub-raw01"

    /// A generated two-visit patient (2 mm) with the truth's T2 lesions written as a segmenter's
    /// masks (`derivatives/segmenter`) on each visit's FLAIR grid and its Gd+ lesions on each
    /// visit's post-contrast T1w grid (another pose, registered to the FLAIR by the run), with
    /// a Gd+ lesion with no T2 lesion (`gdOnlyBox`) added to the Gd+ masks of both visits; returns
    /// the study and that lesion's clearance.
    func rawStudy(_ folder: String, seed: Int) throws -> (study: String, gdOnlyClearanceMM: Double) {
        let study = folder + "/study"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.generator, study, "--template", Self.template, "--seed", String(seed), "--size", "small", "--quiet"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let images = try Self.truthImages(study)
        let reader = NIfTIReader()
        let (gdOnly, clearance) = try gdOnlyBox(study)
        for session in ["ses-01", "ses-02"] {
            let anat = "\(study)/derivatives/segmenter/\(participant)/\(session)/anat"
            try FileManager.default.createDirectory(atPath: anat, withIntermediateDirectories: true)
            for (truthName, mapName, series) in [
                ("label-lesion_dseg", "label-T2lesion_mask", "FLAIR"), ("label-gd_mask", "label-Gdlesion_mask", "ce-gadolinium_T1w"),
            ] {
                let imagePath = "\(participant)/\(session)/anat/\(participant)_\(session)_\(series).nii.gz"
                let image = try reader.read(study + "/" + imagePath)
                let pose = Affine(rows: Array((images[imagePath]!["subject_to_world"] as! [[Double]]).prefix(3)))
                let map = try reader.read(
                    "\(study)/derivatives/truth/\(participant)/\(session)/\(participant)_\(session)_space-subject_\(truthName).nii.gz")
                let added = series == "FLAIR" ? { _ in false } : gdOnly
                // Image world → subject space: the inverse of the image's pose.
                let toSubject = try #require(pose.inverse)
                let placement = try #require(GridPlacement(source: map.geometry, onto: image.geometry, through: toSubject))
                let onImage = placement.nearest(
                    { added(map.voxels.size.index(ofOffset: $0)) ? 1 : map.intensity(at: $0) }, outside: 0)
                let mask = Volume(size: onImage.size, voxels: onImage.voxels.map { $0 > 0 })
                try NIfTIWriter.writeMask(
                    mask, like: image.header, to: "\(anat)/\(participant)_\(session)_\(mapName).nii.gz", description: "")
            }
        }
        return (study, clearance)
    }

    static func truthImages(_ study: String) throws -> [String: [String: Any]] {
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: study + "/derivatives/truth/truth.json")))
            as! [String: Any]
        return truth["images"] as! [String: [String: Any]]
    }

    /// A box of subject-grid voxels about 8 mm wide in the white matter, as far in plane (x, y)
    /// from every truth lesion of either visit as the white matter allows, so that a projection
    /// along z shows it beside the lesions; and that distance in mm.
    func gdOnlyBox(_ study: String) throws -> (box: (VoxelIndex) -> Bool, clearanceMM: Double) {
        let reader = NIfTIReader()
        let truth = "\(study)/derivatives/truth/\(participant)"
        let wm = try reader.read("\(truth)/\(participant)_space-subject_label-WM_mask.nii.gz")
        let size = wm.voxels.size
        let spacing = wm.geometry.spacingMM
        var lesion: [(x: Double, y: Double)] = []
        for session in ["ses-01", "ses-02"] {
            let map = try reader.read("\(truth)/\(session)/\(participant)_\(session)_space-subject_label-lesion_dseg.nii.gz")
            for offset in 0..<size.voxelCount where map.intensity(at: offset) > 0 {
                let v = size.index(ofOffset: offset)
                lesion.append((Double(v.i) * spacing.0, Double(v.j) * spacing.1))
            }
        }
        let half = (Int((4 / spacing.0).rounded()), Int((4 / spacing.1).rounded()), Int((4 / spacing.2).rounded()))
        var best: (v: VoxelIndex, d: Double)?
        for k in stride(from: half.2, to: size.nz - half.2, by: 2) {
            for j in stride(from: half.1, to: size.ny - half.1, by: 2) {
                for i in stride(from: half.0, to: size.nx - half.0, by: 2) {
                    // The whole box in white matter.
                    guard wm.intensity(at: size.offset(i, j, k)) > 0,
                        wm.intensity(at: size.offset(i - half.0, j, k)) > 0, wm.intensity(at: size.offset(i + half.0, j, k)) > 0,
                        wm.intensity(at: size.offset(i, j - half.1, k)) > 0, wm.intensity(at: size.offset(i, j + half.1, k)) > 0,
                        wm.intensity(at: size.offset(i, j, k - half.2)) > 0, wm.intensity(at: size.offset(i, j, k + half.2)) > 0
                    else { continue }
                    let x = Double(i) * spacing.0, y = Double(j) * spacing.1
                    let d = lesion.map { (($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y)).squareRoot() }.min() ?? .infinity
                    if d > (best?.d ?? -1) { best = (VoxelIndex(i, j, k), d) }
                }
            }
        }
        let centre = try #require(best).v
        return (
            { v in abs(v.i - centre.i) <= half.0 && abs(v.j - centre.j) <= half.1 && abs(v.k - centre.k) <= half.2 },
            try #require(best).d
        )
    }

    /// The largest patch of pixels tinted Gd+ only (cyan over grey; 8-connected) in each panel of a
    /// projection (panels split at the gap columns): its size and centroid within the panel. Other
    /// enhancing lesions leave Gd+-only fringes where their Gd+ and T2 masks, on two grids, differ.
    func gdOnlyPatches(_ image: RGBImage) -> [(count: Int, x: Double, y: Double)] {
        let gap = LesionMosaic.gapLevel
        let isGap = (0..<image.width).map { x in
            (0..<image.height).allSatisfy { y in
                let p = image.pixel(x: x, y: y)
                return p.r == gap && p.g == gap && p.b == gap
            }
        }
        var panels: [Range<Int>] = []
        var start: Int?
        for x in 0...image.width {
            if x < image.width && !isGap[x] {
                if start == nil { start = x }
            } else if let first = start {
                panels.append(first..<x)
                start = nil
            }
        }
        func cyan(_ x: Int, _ y: Int) -> Bool {
            let p = image.pixel(x: x, y: y)
            let r = Int(p.r), g = Int(p.g), b = Int(p.b)
            return g - r > 60 && b - r > 60 && abs(g - b) < 20
        }
        return panels.map { columns in
            var seen = Set<Int>()
            var best: [(Int, Int)] = []
            for y in 0..<image.height {
                for x in columns where cyan(x, y) && !seen.contains(y * image.width + x) {
                    var patch: [(Int, Int)] = []
                    var stack = [(x, y)]
                    seen.insert(y * image.width + x)
                    while let (px, py) = stack.popLast() {
                        patch.append((px, py))
                        for dy in -1...1 {
                            for dx in -1...1 {
                                let nx = px + dx, ny = py + dy
                                guard columns.contains(nx), ny >= 0, ny < image.height, cyan(nx, ny),
                                    seen.insert(ny * image.width + nx).inserted
                                else { continue }
                                stack.append((nx, ny))
                            }
                        }
                    }
                    if patch.count > best.count { best = patch }
                }
            }
            let n = Double(max(best.count, 1))
            return (
                best.count, best.map { Double($0.0 - columns.lowerBound) }.reduce(0, +) / n,
                best.map { Double($0.1) }.reduce(0, +) / n
            )
        }
    }

    /// The grey level under a pixel tinted `colour` at the close-up's opacity, from its three channels.
    func greyUnder(_ pixel: (r: UInt8, g: UInt8, b: UInt8), colour: (r: UInt8, g: UInt8, b: UInt8), opacity: Double) -> Double {
        let channels = [(pixel.r, colour.r), (pixel.g, colour.g), (pixel.b, colour.b)]
        return channels.map { (Double($0.0) - opacity * Double($0.1)) / (1 - opacity) }.reduce(0, +) / 3
    }

    /// The share of an image's pixels that are untinted grey above black (anatomy), and their levels.
    func anatomy(_ image: RGBImage, x: Range<Int>? = nil) -> (share: Double, levels: [UInt8]) {
        var levels: [UInt8] = []
        let columns = x ?? 0..<image.width
        for y in 0..<image.height {
            for x in columns {
                let p = image.pixel(x: x, y: y)
                if p.r == p.g && p.g == p.b && p.r > 8 && p.r < 255 { levels.append(p.r) }
            }
        }
        return (Double(levels.count) / Double(columns.count * image.height), levels.sorted())
    }

    @Test(
        "a raw patient run from scratch: every image shows the FLAIR registered to ses-01 under the lesions, the page says so; without the FLAIR or its transform the page falls back and says why",
        .enabled(if: ReportAnatomyTests.ready, "needs Fixtures/generate_raw.py, the peers' Python, the template kit and elastix"))
    func rawPatient() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (study, clearance) = try rawStudy(folder, seed: 3)
        print("Gd+-only box: \(Int(clearance)) mm in plane from the nearest truth lesion")
        let output = folder + "/out"
        // The default pipeline but for the field coverage: the generator's random poses leave
        // seed 3's ses-02 FLAIR covering 86.5 % of the baseline's field, below the default 90 %.
        let pipeline = folder + "/pipeline.yaml"
        let text = try String(contentsOfFile: BatchSupport.pipeline, encoding: .utf8)
        #expect(text.contains("min_field_coverage: 0.9\n"))
        try text.replacingOccurrences(of: "min_field_coverage: 0.9\n", with: "min_field_coverage: 0.8\n")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let run = try CommandRunner.run(["run", study, output, "participant", "--pipeline", pipeline, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let queue = try DatabaseQueue(path: output + "/lesiontrack.sqlite")
        let crossSession = try queue.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM registrations WHERE moving LIKE '%ses-02%' AND fixed LIKE '%ses-01%'")
        }
        #expect(crossSession == 1, "ses-02's FLAIR was registered to ses-01's")
        let ledger = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT lesion_id, session_id, state FROM ledger WHERE participant_id = ?", arguments: [participant])
                .map { (id: $0["lesion_id"] as Int, session: $0["session_id"] as String, state: $0["state"] as String) }
        }
        #expect(ledger.count >= 8)
        let visitRows = try BatchSupport.exports(output)["tsv/cohort_visits.tsv"]?.split(separator: "\n") ?? []
        #expect(visitRows.filter { $0.hasPrefix("\(participant)\t") }.count == 2, "the export lists both visits")

        let report = output + "/report"
        let page = try String(contentsOfFile: report + "/\(participant).html", encoding: .utf8)
        #expect(
            page.contains(
                "Background: FLAIR (\(participant)_ses-01_FLAIR.nii.gz), on the label map&#39;s grid.</span>"))
        #expect(
            page.contains(
                "Background: FLAIR (\(participant)_ses-02_FLAIR.nii.gz), registered to ses-01 and resampled trilinearly onto the label map&#39;s grid.</span>"
            ))

        #expect(!page.contains("are not drawn"), "every Gd+ map is drawn")

        // Mosaics and projections: anatomy (untinted grey) over much of the image, lesions tinted.
        for session in ["ses-01", "ses-02"] {
            for kind in ["mosaic", "mip"] {
                let image = try PNGFile.read("\(report)/\(participant)/\(session)_\(kind).png")
                let grey = anatomy(image)
                print("\(session) \(kind): \(Int(grey.share * 100)) % anatomy, median level \(grey.levels[grey.levels.count / 2])")
                #expect(grey.share > 0.25, "\(session) \(kind): \(grey.share) of the pixels show anatomy")
                #expect(Set(grey.levels).count > 100, "\(session) \(kind): \(Set(grey.levels).count) grey levels")
            }
        }

        // The Gd+ lesion with no T2 lesion, the same subject-space box at both visits: drawn at both
        // on the baseline grid, in the same place. Its mask lies on each visit's post-contrast T1w
        // grid, a pose of its own (the same size as the baseline grid at ses-01), which the run
        // registered to the visit's FLAIR: at ses-01 it is reached through that transform, at
        // ses-02 through it after the visit's registration to ses-01.
        let drawn = try ["ses-01", "ses-02"].map { try PNGFile.read("\(report)/\(participant)/\($0)_mip.png") }
        let panels = drawn.map(gdOnlyPatches)
        print("Gd+-only pixels in the projections' panels: \(panels)")
        #expect(panels[0].count == 3 && panels[1].count == 3)
        for (a, b) in zip(panels[0], panels[1]) {
            #expect(a.count > 0 && b.count > 0, "\(a) \(b)")
            #expect(Double(max(a.count, b.count)) <= 2 * Double(min(a.count, b.count)), "\(a) \(b)")
            // 6 pixels: about 3 voxels of the 2 mm baseline grid at the projections' zoom.
            let apart = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
            #expect(apart < 6, "Gd+-only centroids \(apart) pixels apart: \(a) \(b)")
        }

        // Close-ups: each tile centred on a lesion shows it tinted over bright FLAIR (a lesion is
        // hyperintense), above the median of the anatomy around it; with a wrong transform the
        // centre would fall on ordinary tissue.
        let closeUp = LesionCloseUp()
        let strips = try FileManager.default.contentsOfDirectory(atPath: "\(report)/\(participant)").filter { $0.hasSuffix("_closeup.png") }
        #expect(!strips.isEmpty)
        var checked = 0
        for strip in strips {
            let id = Int(strip.dropFirst("lesion-".count).prefix { $0.isNumber })!
            let image = try PNGFile.read("\(report)/\(participant)/\(strip)")
            for (n, session) in ["ses-01", "ses-02"].enumerated() {
                let left = n * (closeUp.tilePixels + closeUp.gap)
                let grey = anatomy(image, x: left..<(left + closeUp.tilePixels))
                #expect(grey.share > 0.5, "\(strip) \(session): \(grey.share) of the tile shows anatomy")
                guard let row = ledger.first(where: { $0.id == id && $0.session == session }),
                    !["resolved", "absorbed"].contains(row.state)
                else { continue }
                let colour = ReviewTint(state: row.state).colour
                let centre = image.pixel(x: left + closeUp.tilePixels / 2, y: closeUp.tilePixels / 2)
                #expect(!(centre.r == centre.g && centre.g == centre.b), "\(strip) \(session): the centre is not tinted")
                let under = greyUnder(centre, colour: colour, opacity: closeUp.opacity)
                let median = Double(grey.levels[grey.levels.count / 2])
                print("\(strip) \(session) (\(row.state)): grey \(Int(under)) under the tint, median \(Int(median)) around")
                #expect(under > median + 20, "\(strip) \(session): FLAIR \(under) at the lesion's centre, median \(median) around it")
                checked += 1
            }
        }
        #expect(checked >= 3)

        if BrowserTests.chromiumPath != nil {
            let browser = BrowserTests()
            let dom = try browser.runChromium(["--dump-dom"], page: report + "/\(participant).html", profile: folder + "/profile-dom")
            #expect(dom.status == 0)
            #expect(dom.stdout.contains("Background: FLAIR (\(participant)_ses-02_FLAIR.nii.gz), registered to ses-01"))
            let shot = folder + "/page.png"
            let rendered = try browser.runChromium(
                ["--screenshot=" + shot, "--window-size=1200,2400", "--hide-scrollbars"], page: report + "/\(participant).html",
                profile: folder + "/profile-shot")
            #expect(rendered.status == 0)
            let screenshot = try PNGFile.read(shot)
            let grey = anatomy(screenshot)
            print("screenshot: \(Int(grey.share * 100)) % anatomy, \(Set(grey.levels).count) grey levels")
            #expect(grey.share > 0.15, "the page in Chromium shows \(grey.share) anatomy")
        }

        // Without ses-02's transform and with ses-01's FLAIR unreadable, the report still writes
        // every page and image, and says what it drew instead.
        let transform = "\(output)/\(participant)/ses-02/anat/\(participant)_ses-02_from-02_to-01_mode-image_xfm.txt"
        #expect(FileManager.default.fileExists(atPath: transform))
        try FileManager.default.removeItem(atPath: transform)
        let gdTransform = "\(participant)/ses-02/anat/\(participant)_ses-02_from-cegadoliniumT1w_to-FLAIR_mode-image_xfm.txt"
        try FileManager.default.removeItem(atPath: "\(output)/\(gdTransform)")
        try Data("not a NIfTI file".utf8).write(
            to: URL(fileURLWithPath: "\(study)/\(participant)/ses-01/anat/\(participant)_ses-01_FLAIR.nii.gz"))
        let again = try CommandRunner.run(["report", output, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        let fallback = try String(contentsOfFile: report + "/\(participant).html", encoding: .utf8)
        #expect(fallback.contains("in grey: \(participant)_ses-01_FLAIR.nii.gz could not be read: not a gzip stream"))
        #expect(
            fallback.contains(
                "Background: label map in grey: the transform registering \(participant)_ses-02_FLAIR.nii.gz to ses-01, \(participant)/ses-02/anat/\(participant)_ses-02_from-02_to-01_mode-image_xfm.txt, is missing or unreadable."
            ))
        // Without the post-contrast T1w's transform, ses-02's Gd+ map is left out, and the page says so.
        #expect(
            fallback.contains(
                "Gd+ lesions with no T2 lesion are not drawn: the transform registering \(participant)_ses-02_ce-gadolinium_T1w.nii.gz to its visit&#39;s reference series, \(gdTransform), is missing or unreadable."
            ))
        // No anatomy left: the only untinted greys are the gaps between tiles (the lesion maps
        // are grey only under their tints).
        for session in ["ses-01", "ses-02"] {
            let levels = Set(anatomy(try PNGFile.read("\(report)/\(participant)/\(session)_mosaic.png")).levels)
            #expect(levels.subtracting([LesionMosaic.gapLevel]).isEmpty, "\(session): grey levels \(levels.sorted())")
        }
    }

    @Test("the background image of a session: its registration reference, else FLAIR, T1w, post-contrast T1w; never a mask or map")
    func choice() {
        let files = [
            "sub-01/ses-02/anat/sub-01_ses-02_ce-gadolinium_T1w.nii.gz", "sub-01/ses-02/anat/sub-01_ses-02_desc-brain_mask.nii.gz",
            "sub-01/ses-02/anat/sub-01_ses-02_T1w.nii.gz", "sub-01/ses-02/anat/sub-01_ses-02_T2w.nii.gz",
            "derivatives/seg/sub-01/ses-02/anat/sub-01_ses-02_label-T2lesion_mask.nii.gz",
        ]
        #expect(VisitBackground.choose(session: "ses-02", files: files, registrations: [])?.file == files[2])
        #expect(
            VisitBackground.choose(session: "ses-02", files: files + ["sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii.gz"], registrations: [])
                == .init(file: "sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii.gz", series: "FLAIR"))
        #expect(
            VisitBackground.choose(session: "ses-02", files: [files[0], files[1]], registrations: [])
                == .init(file: files[0], series: "post-contrast T1w"))
        #expect(VisitBackground.choose(session: "ses-02", files: [files[1], files[4]], registrations: []) == nil)
        // A pipeline registering on the T2w: the reference wins over the FLAIR, at the baseline
        // (fixed of another visit's row) and at the follow-up (moving of its row, fixed of its series').
        let registrations = [
            (moving: "sub-01/ses-02/anat/sub-01_ses-02_T2w.nii.gz", fixed: "sub-01/ses-01/anat/sub-01_ses-01_T2w.nii.gz"),
            (moving: "sub-01/ses-02/anat/sub-01_ses-02_T1w.nii.gz", fixed: "sub-01/ses-02/anat/sub-01_ses-02_T2w.nii.gz"),
        ]
        let flair = ["sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii.gz"]
        #expect(VisitBackground.choose(session: "ses-02", files: files + flair, registrations: registrations)?.file == files[3])
        #expect(
            VisitBackground.choose(session: "ses-01", files: [], registrations: registrations)?.file
                == "sub-01/ses-01/anat/sub-01_ses-01_T2w.nii.gz")
    }
}
