import Glibc
import LesionEngines
import Testing

@Suite(
    "The dcm2niix adapter",
    .enabled(
        if: ChildProcess.locate("dcm2niix") != nil || getenv("CI") != nil,
        "dcm2niix is not on PATH: .ci/install installs Debian's dcm2niix"))
struct Dcm2niixTests {
    func temporaryFolder() -> String {
        var template = Array("/tmp/lesiontrack-dcm2niix-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!).map { String(cString: $0) } }
        #expect(made != nil)
        return made ?? "/nonexistent"
    }

    @Test("a missing program is an error with the install hint")
    func missing() {
        #expect(
            throws: EngineError(
                "lesiontrack-no-dcm2niix", "not found on PATH",
                remedy: "install it: apt-get install dcm2niix (Debian, Ubuntu), or see https://github.com/rordenlab/dcm2niix")
        ) {
            try Dcm2niix.locate("lesiontrack-no-dcm2niix")
        }
    }

    @Test("the version is the bare one dcm2niix prints last, and the options are explicit")
    func versionAndOptions() throws {
        let engine = try Dcm2niix.locate()
        let version = try engine.version()
        #expect(version.hasPrefix("v1.0.2"), "\(version)")
        #expect(!version.contains(" "))
        #expect(
            engine.arguments(input: "in", into: "out", output: .anonymisedImages) == [
                engine.program, "-b", "y", "-ba", "y", "-z", "y", "-f", "%s_%j", "-o", "out", "in",
            ])
        #expect(
            engine.arguments(input: "in", into: "out", output: .fullSidecarsOnly) == [
                engine.program, "-b", "o", "-ba", "n", "-v", "1", "-f", "%s_%j", "-o", "out", "in",
            ])
    }

    @Test("a folder without DICOM: nothing written, dcm2niix's error kept, the input untouched")
    func noDICOM() throws {
        let input = temporaryFolder(), output = temporaryFolder()
        defer {
            unlink(input + "/notes.txt")
            rmdir(input)
            rmdir(output)
        }
        let file = fopen(input + "/notes.txt", "w")
        fputs("not an image\n", file)
        fclose(file)
        let conversion = try Dcm2niix.locate().convert(input: input, into: output, output: .anonymisedImages)
        #expect(conversion.series.isEmpty)
        #expect(conversion.status == 2)
        #expect(conversion.problems.map(\.message) == ["Error: Unable to find any DICOM images in \(input) (or subfolders 5 deep)"])
        var info = stat()
        #expect(stat(input + "/notes.txt", &info) == 0 && info.st_size == 13)
    }

    @Test("series file names: the stem, the image and the series number")
    func seriesFiles() {
        let series = Dcm2niix.Series(
            stem: "12_1.2.3a", files: ["/o/12_1.2.3a.bval", "/o/12_1.2.3a.bvec", "/o/12_1.2.3a.json", "/o/12_1.2.3a.nii.gz"],
            warnings: [])
        #expect(series.image == "/o/12_1.2.3a.nii.gz")
        #expect(series.file("bval") == "/o/12_1.2.3a.bval")
        #expect(series.seriesNumber == 12)
        #expect(Dcm2niix.Series.stem(of: "3_1.2_e2.nii.gz") == "3_1.2_e2")
    }
}
