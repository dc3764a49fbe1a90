import Foundation
import LesionIO
import LesionKernels
import Testing
import TestSupport

/// The review report of the example study opened in headless Chromium: the index and a
/// participant's page render (screenshot not blank, the mosaics drawn), and the page's DOM holds
/// the class, the statement, the timeline and every image.
@Suite("Review report in a browser", .tags(.browser), .fullTierOnly)
struct BrowserTests {
    /// Chromium on PATH (Debian's `chromium`, installed by `.ci/install`), nil when absent.
    static let chromiumPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = String(folder) + "/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs headless Chromium on `page` with `arguments`; returns its standard output.
    func runChromium(_ arguments: [String], page: String, profile: String) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromiumPath!)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
                "--no-first-run", "--disable-extensions",
            ] + arguments + ["file://" + page]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The distinct colours of an image.
    func colours(_ image: RGBImage) -> Set<[UInt8]> {
        var found = Set<[UInt8]>()
        for p in stride(from: 0, to: image.pixels.count, by: 3) { found.insert(Array(image.pixels[p..<(p + 3)])) }
        return found
    }

    @Test(
        "the index and the suspected PML-IRIS page render in Chromium with their flags, plot and mosaics",
        .enabled(if: BrowserTests.chromiumPath != nil, "chromium is not on PATH: .ci/install installs Debian's chromium"))
    func rendered() throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/out"
        _ = try BatchSupport.run(study, output, ["--quiet"])
        let report = output + "/report"

        for name in ["index.html", "sub-02.html"] {
            let shot = folder + "/" + name + ".png"
            let run = try runChromium(
                ["--screenshot=" + shot, "--window-size=1200,1600", "--hide-scrollbars"],
                page: report + "/" + name, profile: folder + "/profile-" + name)
            #expect(run.status == 0, "chromium failed on \(name)")
            let image = try PNGFile.read(shot)
            #expect(image.width == 1200 && image.height == 1600)
            #expect(colours(image).count > 8, "\(name): the screenshot is blank")
        }

        let page = try runChromium(["--dump-dom"], page: report + "/sub-02.html", profile: folder + "/profile-dom")
        #expect(page.status == 0)
        let dom = page.stdout
        #expect(dom.contains(">suspected_pml_iris</span>"))
        #expect(dom.contains("not a diagnosis"))
        #expect(dom.contains("<svg") && dom.contains("<polyline"))
        let images = dom.components(separatedBy: "<img ").count - 1
        #expect(images == 11, "sub-02 has 4 sessions (a mosaic and a projection each) and 3 close-ups, the DOM \(images) images")
        #expect(dom.contains("<rect class=\"window\"") && dom.contains("PML-IRIS window"))

        // The mosaics are drawn, not broken: the grey between tiles and the lesion tints appear on screen.
        let shot = try PNGFile.read(folder + "/sub-02.html.png")
        let onScreen = colours(shot)
        let gap = [LesionMosaic.gapLevel, LesionMosaic.gapLevel, LesionMosaic.gapLevel]
        #expect(onScreen.contains(gap), "no mosaic visible in the screenshot")
    }
}
