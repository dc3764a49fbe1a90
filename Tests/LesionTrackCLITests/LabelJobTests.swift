import Foundation
import LesionIO
import LesionKernels
import LesionScan
import Testing
import TestSupport

@Suite("label's files written side by side")
struct LabelJobTests {
    let example = Fixtures.path("example/sub-01_ses-01_FLAIR.nii.gz")

    func job(in directory: String, png: Bool) -> LabelJob {
        var job = LabelJob(scan: example, options: LabelOptions(window: IntensityWindow(lower: 0.5, upper: nil), threads: 2))
        job.labelsFile = directory + "/labels.nii.gz"
        job.pngFile = png ? directory + "/slice.png" : nil
        return job
    }

    func contents(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    @Test(
        "the label map written on a second thread: the same files, byte for byte, as written in turn",
        arguments: [(LabelReport.Format.json, false), (.tsv, true), (.csv, false), (.json, true)])
    func sameFiles(format: LabelReport.Format, png: Bool) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = directory + "/lesions." + format.rawValue
        // The same paths both times, since the report names them.
        let job = job(in: directory, png: png)
        try job.run().write(format, to: output)
        let inTurn = try contents(directory)
        for name in inTurn.keys { try FileManager.default.removeItem(atPath: directory + "/" + name) }
        let report = try job.run(writing: format, to: output)
        let sideBySide = try contents(directory)
        var expected = ["labels.nii.gz", "lesions." + format.rawValue]
        if png { expected.append("slice.png") }
        if format != .json { expected.append("lesions.json") }
        #expect(sideBySide.keys.sorted() == expected.sorted())
        #expect(sideBySide == inTurn)
        #expect(report.labelsFile == directory + "/labels.nii.gz" && report.labelling.lesions.count == 13)
        #expect((report.pngSlice != nil) == png)
    }
}
