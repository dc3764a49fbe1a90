import LesionIO
import LesionKernels
import Testing

@testable import LesionStudy

@Suite("Files of a registered session follow the image whose grid they share")
struct AlignedImageTests {
    let baseline = ScanHeader.synthetic(path: "/s/sub-1/ses-01/anat/sub-1_ses-01_FLAIR.nii", grid: GridSize(10, 10, 10))
    let shift = Affine(rows: [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]])

    func grid() -> ReferenceGrid {
        var grid = ReferenceGrid(header: baseline, rule: .default)
        let followUp = ScanHeader.synthetic(path: "/s/sub-1/ses-02/anat/sub-1_ses-02_FLAIR.nii", grid: GridSize(10, 10, 10))
        grid.alignedImages = [AlignedImage(session: "ses-02", geometry: followUp.geometry, transform: shift)]
        return grid
    }

    @Test("a map of the registered session on the image's grid is resampled through the image's transform")
    func follows() throws {
        let map = ScanHeader.synthetic(
            path: "/s/derivatives/seg/sub-1/ses-02/anat/sub-1_ses-02_label-CGM_mask.nii", grid: GridSize(10, 10, 10))
        let (fit, placement) = try grid().fit(map, method: .nearest)
        #expect(fit == .resampled(method: .nearest, coverage: 0.9))
        // Target voxel i reads source voxel i + 1: the image's transform, not the headers' identity.
        #expect(try #require(placement).targetToSource.maximumDifference(from: shift) < 1e-12)
    }

    @Test("a file of another session, or on another grid, is placed by the headers as before")
    func others() throws {
        let baselineMap = ScanHeader.synthetic(path: "/s/sub-1/ses-01/anat/sub-1_ses-01_label-CGM_mask.nii", grid: GridSize(10, 10, 10))
        #expect(try grid().fit(baselineMap, method: .nearest).fit == .same(displacementMM: 0))
        let finer = ScanHeader.synthetic(
            path: "/s/sub-1/ses-02/anat/sub-1_ses-02_T2w.nii", grid: GridSize(20, 20, 20), spacing: (0.5, 0.5, 0.5))
        let (fit, placement) = try grid().fit(finer, method: .trilinear)
        #expect(fit == .resampled(method: .trilinear, coverage: 1))
        #expect(try #require(placement).targetToSource.maximumDifference(from: .spacing(2, 2, 2)) < 1e-12)
    }
}
