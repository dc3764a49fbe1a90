import Foundation
import LesionIO
import LesionKernels
import StudyTestSupport
import Testing
import TestSupport

/// Close-ups in the review report of a generated two-visit patient: a lesion at known world
/// coordinates, on two grids, at the centre of each tile in its state's colour and grown by the
/// expected area; an enhancing lesion beside it outlined in the enhancing colour, and a Gd+ lesion
/// with no T2 lesion drawn too.
@Suite("Report close-ups", .tags(.slow), .fullTierOnly)
struct CloseUpReportTests {
    static let baseline = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-20, -20, -10))
    /// Visit 2's voxel = baseline voxel − (2, −1, 0).
    static let shifted = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-18, -21, -10))

    /// A study: lesion 1, centred on world (0, 0, 0), 3 × 3 × 3 mm at ses-01 and 5 × 5 × 3 mm at
    /// ses-02 (enlarging); at ses-02 also a new 3 × 3 × 3 mm lesion centred on (8, 0, 0), Gd+, and
    /// a Gd+ lesion of the same size centred on (−9, 0, 0) with no T2 lesion.
    func writeStudy(_ root: String) throws {
        let description = "{\"Name\": \"close-up test\", \"BIDSVersion\": \"1.9.0\"}\n"
        let derived = root + "/derivatives/segmenter"
        try makeDirectories(derived)
        try writeText(description, to: root + "/dataset_description.json")
        try writeText(description, to: derived + "/dataset_description.json")
        let small = VoxelBox(19...21, 19...21, 9...11), large = VoxelBox(18...22, 18...22, 9...11)
        let enhancing = VoxelBox(27...29, 19...21, 9...11), brain = VoxelBox(2...37, 2...37, 1...18)
        let gdOnly = VoxelBox(10...12, 19...21, 9...11)
        for (n, session) in ["ses-01", "ses-02"].enumerated() {
            let stem = "sub-01_\(session)"
            let raw = "\(root)/sub-01/\(session)/anat", seg = "\(derived)/sub-01/\(session)/anat"
            try makeDirectories(raw)
            try makeDirectories(seg)
            let grid = n == 0 ? Self.baseline : Self.shifted
            func place(_ box: VoxelBox) -> VoxelBox { n == 0 ? box : box.shifted(-2, 1, 0) }
            try grid.writeMask([place(brain)], to: "\(raw)/\(stem)_desc-brain_mask.nii.gz")
            try grid.writeMask(n == 0 ? [small] : [place(large), place(enhancing)], to: "\(seg)/\(stem)_label-T2lesion_mask.nii.gz")
            if n == 1 { try grid.writeMask([place(enhancing), place(gdOnly)], to: "\(seg)/\(stem)_label-Gdlesion_mask.nii.gz") }
        }
        try writeText("session_id\tacq_time\nses-01\t2021-01-04\nses-02\t2021-07-05\n", to: root + "/sub-01/sub-01_sessions.tsv")
    }

    /// `tint` at 60 % over white (the label map, the background here, is brightest under T2
    /// lesions) or over black (elsewhere).
    func blend(_ tint: ReviewTint, over level: Double = 255) -> [UInt8] {
        let c = tint.colour
        return [c.r, c.g, c.b].map { UInt8((0.4 * level + 0.6 * Double($0)).rounded()) }
    }

    func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let p = image.pixel(x: x, y: y)
        return [p.r, p.g, p.b]
    }

    /// Pixels of `colour` in the tile of `image` starting at column `left`, and their column range.
    func count(_ image: RGBImage, left: Int, width: Int, _ colour: [UInt8]) -> (count: Int, columns: ClosedRange<Int>?) {
        var n = 0, columns: [Int] = []
        for y in 0..<image.height {
            for x in left..<(left + width) where pixel(image, x, y) == colour {
                n += 1
                columns.append(x - left)
            }
        }
        return (n, columns.min().map { $0...columns.max()! })
    }

    @Test(
        "a lesion at world (0, 0, 0) is centred in each visit's close-up in its state's colour and grows from 3 × 3 to 5 × 5 mm (144 to 400 pixels); the Gd+ lesion beside it is outlined in yellow, the other is not; a Gd+ lesion with no T2 lesion is drawn as well"
    )
    func closeUps() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeStudy(folder + "/study")
        let result = try BatchSupport.run(folder + "/study", folder + "/out", ["--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let images = folder + "/out/report/sub-01"
        let files = try FileManager.default.contentsOfDirectory(atPath: images).filter { $0.hasSuffix("_closeup.png") }.sorted()
        #expect(files == ["lesion-1_closeup.png", "lesion-2_closeup.png"])
        let strip = try PNGFile.read(images + "/lesion-1_closeup.png")
        let tile = LesionCloseUp().tilePixels, gap = LesionCloseUp().gap
        #expect(strip.width == 2 * tile + gap && strip.height == tile)

        // 40 mm in 160 pixels: 4 pixels a mm, the centre between pixels 79 and 80.
        for (n, tint) in [(0, ReviewTint.baseline), (1, .enlarging)] {
            let left = n * (tile + gap)
            for (x, y) in [(79, 79), (80, 80), (79, 80), (80, 79)] { #expect(pixel(strip, left + x, y) == blend(tint), "tile \(n)") }
        }
        let before = count(strip, left: 0, width: tile, blend(.baseline))
        let after = count(strip, left: tile + gap, width: tile, blend(.enlarging))
        #expect(before.count == 144 && before.columns == 74...85)
        #expect(after.count == 400 && after.columns == 70...89)
        #expect(abs(Double(after.count) / Double(before.count) - 75.0 / 27.0) < 0.05)

        // The Gd+ lesion 8 mm to the patient's right: columns 42...53, outlined 2 pixels wide.
        let yellow = [ReviewTint.enhancingColour.r, ReviewTint.enhancingColour.g, ReviewTint.enhancingColour.b]
        let second = tile + gap
        #expect(pixel(strip, second + 42, 79) == yellow && pixel(strip, second + 43, 79) == yellow)
        #expect(pixel(strip, second + 47, 79) == blend(.new))
        #expect(pixel(strip, second + 70, 79) == blend(.enlarging) && pixel(strip, second + 89, 80) == blend(.enlarging))
        #expect(count(strip, left: 0, width: tile, yellow).count == 0)
        // The Gd+ lesion with no T2 lesion, 9 mm to the patient's left (columns 110...121): drawn
        // in its own colour (over black: no T2 lesion in the label map there) inside a yellow
        // outline (12 × 12 pixels, 8 × 8 inside the outline), at ses-02 only.
        let gdOnly = count(strip, left: second, width: tile, blend(.gdOnly, over: 0))
        #expect(gdOnly.count == 64 && gdOnly.columns == 112...119, "\(gdOnly)")
        #expect(pixel(strip, second + 110, 79) == yellow && pixel(strip, second + 121, 79) == yellow)
        #expect(count(strip, left: 0, width: tile, blend(.gdOnly, over: 0)).count == 0)

        let page = try String(contentsOfFile: folder + "/out/report/sub-01.html", encoding: .utf8)
        #expect(
            page.contains(
                "<figcaption>Lesion 1, largest at ses-02 (75.0 mm³); fastest-growing: ×2.78 by ses-02 (27.0 → 75.0 mm³); centred on (0.0, 0.0, 0.0) mm. Left to right: ses-01 2021-01-04 (baseline) · ses-02 2021-07-05 (enlarging).</figcaption>"
            ))
        #expect(
            page.contains(
                "Lesion 2, 2nd largest at ses-02 (27.0 mm³); centred on (8.0, 0.0, 0.0) mm. Left to right: ses-01 2021-01-04 (not yet seen) · ses-02 2021-07-05 (new, enhancing)."
            ))
        #expect(page.contains("src=\"sub-01/lesion-1_closeup.png\""))

        // The mosaics: yellow only at the session where a lesion enhances.
        func hasYellow(_ name: String) throws -> Bool {
            let image = try PNGFile.read(images + "/" + name)
            return stride(from: 0, to: image.pixels.count, by: 3).contains { Array(image.pixels[$0..<($0 + 3)]) == yellow }
        }
        #expect(try hasYellow("ses-02_mosaic.png") && hasYellow("ses-02_mip.png"))
        #expect(try !hasYellow("ses-01_mosaic.png") && !hasYellow("ses-01_mip.png"))
        #expect(page.contains("Gd+ only (no T2 lesion)"))
    }
}
