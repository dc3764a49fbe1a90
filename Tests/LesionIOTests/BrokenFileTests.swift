import Foundation
import LesionIO
import Testing
import TestSupport

/// Each broken fixture is refused with one clear message that names the file and the problem.
@Suite("Refusing broken files")
struct BrokenFileTests {
    static let expected: [String: String] = (try? Fixtures.json("expected/broken.json") as? [String: String]) ?? [:]

    @Test("the expectations exist")
    func present() { #expect(Self.expected.count >= 15) }

    @Test("a clear error naming the file and the problem", arguments: expected.keys.sorted())
    func refused(name: String) {
        let path = Fixtures.path("broken/" + name)
        do {
            _ = try NIfTIReader().read(path)
            Issue.record("\(name) was read")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.problem.lowercased().contains(Self.expected[name]!), "\(error.problem)")
            #expect(!error.problem.contains("\n"))
        }
    }

    @Test("a missing file, a directory and a wrong extension")
    func notScans() {
        for (path, problem) in [
            ("/nonexistent/scan.nii.gz", "cannot open"), (Fixtures.path("scans.nii"), "cannot open"),
            (Fixtures.path("README.md"), "expected .nii or .nii.gz"),
        ] {
            #expect(throws: ScanError.self) { try NIfTIReader().read(path) }
            do { _ = try NIfTIReader().read(path) } catch { #expect(error.problem.contains(problem), "\(error)") }
        }
    }

    @Test("a gzip stream named .nii is refused with the rename that fixes it")
    func gzipNamedNii() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/sub-01_ses-01_FLAIR.nii"
        try FileManager.default.copyItem(atPath: Fixtures.path("example/sub-01_ses-01_FLAIR.nii.gz"), toPath: path)
        do {
            _ = try NIfTIReader().read(path)
            Issue.record("a gzip stream named .nii was read")
        } catch {
            #expect(error.description == path + ": is gzip-compressed but named .nii: rename it .nii.gz")
        }
    }

    @Test("the memory cap refuses a volume before reading it")
    func cap() {
        do {
            _ = try NIfTIReader(maximumVolumeBytes: 1000).read(Fixtures.path("scans/float32.nii"))
            Issue.record("the cap was ignored")
        } catch {
            #expect(error.problem.contains("too large") && error.problem.contains("--max-scan-mb"))
        }
    }
}
