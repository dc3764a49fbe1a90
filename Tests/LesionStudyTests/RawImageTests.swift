import Foundation
import LesionIO
import LesionKernels
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("Raw images by the z-score baseline (kind image): FLAIR and post-contrast T1w thresholded relative to the brain")
struct RawImageTests {
    let grid = SyntheticGrid(size: GridSize(24, 24, 12), originMM: (0, 0, 0))
    let brain = VoxelBox(1...22, 1...22, 1...10)
    let pipeline = PipelineFile(path: "z-score", sha256: "", pipeline: Self.zScore)

    /// The default pipeline with the old z-score image sources in place of lesion growth and
    /// subtraction, and no template (so a missing brain mask is refused).
    static var zScore: Pipeline {
        var p = Pipeline.standard
        p.t2Sources = p.t2Sources.filter { !$0.kind.readsImage } + [LesionSource(kind: .image, pattern: FileNamePattern("*_FLAIR"))]
        p.gdSources =
            p.gdSources.filter { !$0.kind.readsImage } + [
                LesionSource(
                    kind: .image, pattern: FileNamePattern("*_ce-gadolinium_T1w"), preContrast: FileNamePattern("*_T1w"),
                    preContrastExclude: [FileNamePattern("*_ce-*")])
            ]
        p.registration.template = nil
        return p
    }

    /// Brain tissue alternating 90 and 110 (a checkerboard), bright boxes at 300, 0 outside the brain.
    func image(bright: [VoxelBox]) -> Volume<Float> {
        var volume = Volume<Float>(size: grid.size, repeating: 0)
        for v in brain.voxels { volume[v.i, v.j, v.k] = (v.i + v.j + v.k) % 2 == 0 ? 90 : 110 }
        for box in bright { for v in box.voxels { volume[v.i, v.j, v.k] = 300 } }
        return volume
    }

    let l1 = VoxelBox(4...6, 4...6, 3...5), l2 = VoxelBox(14...16, 4...6, 3...5), l3 = VoxelBox(4...6, 14...16, 3...5)
    /// Bright on both T1w images (a vessel, say): no enhancement.
    let vessel = VoxelBox(18...20, 14...16, 6...8)
    let enhancing = VoxelBox(4...6, 14...16, 4...5)

    /// Two sessions: FLAIR lesions l1, l2 then l1, l2, l3; pre- and post-contrast T1w, the post
    /// one enhancing inside l3 at the second session.
    func writeStudy(_ root: String, brainMasks: Bool = true, preContrast: Bool = true) throws {
        for (n, session) in ["ses-1", "ses-2"].enumerated() {
            let anat = "\(root)/sub-07/\(session)/anat", stem = "sub-07_\(session)"
            try makeDirectories(anat)
            try grid.writeIntensities(image(bright: n == 0 ? [l1, l2] : [l1, l2, l3]), to: "\(anat)/\(stem)_FLAIR.nii.gz")
            try grid.writeIntensities(
                image(bright: n == 0 ? [vessel] : [vessel, enhancing]), to: "\(anat)/\(stem)_ce-gadolinium_T1w.nii.gz")
            if preContrast { try grid.writeIntensities(image(bright: [vessel]), to: "\(anat)/\(stem)_T1w.nii.gz") }
            if brainMasks { try grid.writeMask([brain], to: "\(anat)/\(stem)_desc-brain_mask.nii.gz") }
        }
    }

    @Test("FLAIR z-scores find the lesions; subtraction keeps only what enhances")
    func subtraction() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeStudy(root)
        let run = try LongitudinalRun.patient(root + "/sub-07", pipeline: pipeline, reader: NIfTIReader())
        #expect(run.visitOrder == "session label, natural order")
        #expect(run.visits.map(\.inputs.t2Source.kind) == [.image, .image])
        #expect(run.ledger.counts.map(\.t2Lesions) == [2, 3])
        #expect(run.ledger.counts[1].newT2 == 1 && run.ledger.counts[1].stableT2 == 2)
        #expect(run.ledger.counts.map(\.t2VolumeMM3) == [54, 81])
        #expect(run.ledger.counts.map(\.gdLesions) == [0, 1])
        #expect(run.ledger.counts.map(\.enhancingT2) == [0, 1])
        #expect(run.ledger.history(of: .init(3)).map(\.enhancing) == [true])
        guard case .zScore(let z, let stats) = run.visits[0].t2Rule else {
            Issue.record("the FLAIR should be thresholded by z-score")
            return
        }
        // The mean of the first FLAIR over the 22 × 22 × 10 brain voxels, summed here directly.
        let flair = image(bright: [l1, l2])
        let mean = brain.voxels.reduce(0.0) { $0 + Double(flair[$1.i, $1.j, $1.k]) } / 4840
        #expect(z == 3 && stats.voxelCount == 4840)
        #expect(abs(stats.mean - mean) < 1e-9 && mean > 102 && mean < 103)
        guard case .subtraction(let threshold, _, let pre) = run.visits[1].gdRule else {
            Issue.record("the Gd image should be thresholded by subtraction")
            return
        }
        #expect(threshold == 3 && pre.voxelCount == 4840)
    }

    @Test("without the pre-contrast image the vessel counts too")
    func postContrastOnly() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeStudy(root, preContrast: false)
        let run = try LongitudinalRun.patient(root, pipeline: pipeline, reader: NIfTIReader())
        #expect(run.ledger.counts.map(\.gdLesions) == [1, 2])
        guard case .zScore = run.visits[1].gdRule else {
            Issue.record("without a pre-contrast image the Gd image takes a z-score")
            return
        }
    }

    @Test("an intensity threshold without a brain mask is refused")
    func noBrainMask() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeStudy(root, brainMasks: false)
        #expect {
            _ = try LongitudinalRun.patient(root, pipeline: pipeline, reader: NIfTIReader())
        } throws: { error in
            let e = error as! ScanError
            return e.path == "\(root)/sub-07/ses-1/anat/sub-07_ses-1_FLAIR.nii.gz"
                && e.problem.hasPrefix("an intensity threshold needs a brain mask")
        }
    }
}
