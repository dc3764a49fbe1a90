import Foundation
import LesionBatch
import LesionIO
import LesionStudy
import Testing
import TestSupport

/// A classified batch run reads and labels each visit's files once: the review's features are
/// measured in the pass that writes the maps, not in a second comparison.
@Suite("Batch single pass", .tags(.slow), .fullTierOnly)
struct SinglePassTests {
    /// Counts the voxel reads of a `NIfTIReader`, by path.
    final class ReadCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]

        func add(_ path: String) { lock.withLock { counts[path, default: 0] += 1 } }
        var byPath: [String: Int] { lock.withLock { counts } }
    }

    /// Runs the participant level in process on `study` with a reader that counts its reads.
    func run(
        _ study: String, _ output: String, classified: Bool
    ) async throws -> (summary: BatchSummary, reads: [String: Int]) {
        let counter = ReadCounter()
        var reader = NIfTIReader()
        reader.readObserver = { counter.add($0) }
        let pipeline = try PipelineFile.load(BatchSupport.pipeline)
        let options = BatchRunner.Options(
            bidsDirectory: study, outputDirectory: output, pipeline: pipeline, participantLabels: nil, shard: nil,
            jobs: 2, memoryBytes: 1 << 30, reader: reader)
        let classifier: any PatientClassifying =
            classified
            ? ReviewClassifier(rules: try RulesFile.load(CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"), reader: reader)
            : NoClassifier()
        let summary = try await BatchRunner.participant(
            options, classifier: classifier, progress: ProgressReporter(mode: .quiet, verbose: false))
        return (summary, counter.byPath)
    }

    @Test("a classified run reads each scan once, anatomy maps included; a run without a classifier reads no map")
    func eachScanOnce() async throws {
        let (folder, study) = try BatchSupport.studyCopy()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A ventricle map in sub-02's second session, carried forward to its later visits.
        let anat = study + "/derivatives/segmenter/sub-02/ses-02/anat/"
        let ventricles = anat + "sub-02_ses-02_label-ventricles_mask.nii.gz"
        try FileManager.default.copyItem(
            atPath: study + "/sub-02/ses-02/anat/sub-02_ses-02_desc-brain_mask.nii.gz", toPath: ventricles)

        let classified = try await run(study, folder + "/classified", classified: true)
        #expect(classified.summary.processed == 5 && classified.summary.scansRead > 0)
        #expect(classified.summary.standingErrors.count == 1)  // the broken scan of sub-03
        #expect(try BatchReviewTests().classes(folder + "/classified").count == 14)
        #expect(classified.reads.filter { $0.value != 1 } == [:])
        #expect(classified.reads.count == classified.summary.scansRead + 1)
        #expect(classified.reads[ventricles] == 1)

        let plain = try await run(study, folder + "/plain", classified: false)
        #expect(plain.summary.scansRead == classified.summary.scansRead)
        #expect(plain.reads.filter { $0.value != 1 } == [:])
        #expect(plain.reads.count == plain.summary.scansRead)
        #expect(plain.reads[ventricles] == nil)
        #expect(try BatchReviewTests().classes(folder + "/plain").isEmpty)
    }
}
