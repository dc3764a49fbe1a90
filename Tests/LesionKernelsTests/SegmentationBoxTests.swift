import Testing
import TestSupport

@testable import LesionKernels

/// The segmentations run inside the white matter's box (`SegmentationBox`): the box, its crop and
/// paste against direct indexing, and each series on the box against the same series on the
/// whole grid, on random anatomies whose lesions, dilations and closings reach the box's faces.
@Suite("Segmentation box: crop and paste, and cropped series against whole-grid series")
struct SegmentationBoxTests {
    @Test("the box holds the mask grown by the margin, starts on the alignment, and crop and paste read and write it")
    func cropAndPaste() {
        var rng = SeededGenerator(seed: 1607)
        for _ in 0..<300 {
            let size = RandomVolumes.size(&rng, maximumExtent: 14)
            let mask = RandomVolumes.boxes(size, count: Int.random(in: 0...2, using: &rng), &rng)
            let margin = (0..<3).map { _ in Int.random(in: 0...3, using: &rng) }
            let align = (0..<3).map { _ in Int.random(in: 1...4, using: &rng) }
            let box = SegmentationBox(around: mask, margin: margin, align: align)
            let on = (0..<size.voxelCount).filter { mask.voxels[$0] }.map { size.index(ofOffset: $0) }
            guard let box else {
                #expect(on.isEmpty)
                continue
            }
            let n = [size.nx, size.ny, size.nz], extent = [box.size.nx, box.size.ny, box.size.nz]
            for a in 0..<3 {
                let low = on.map { [$0.i, $0.j, $0.k][a] }.min()!, high = on.map { [$0.i, $0.j, $0.k][a] }.max()!
                let start = max(0, low - margin[a])
                #expect(box.lower[a] == start - start % align[a])
                #expect(box.lower[a] + extent[a] == min(n[a], high + 1 + margin[a]))
            }
            let values = Volume(size: size, voxels: (0..<size.voxelCount).map { Float($0) })
            let cropped = box.crop(values)
            #expect(cropped.size == box.size)
            var pasted = Volume<Float>(size: size, repeating: -1)
            for k in 0..<box.size.nz {
                for j in 0..<box.size.ny {
                    for i in 0..<box.size.nx {
                        let (a, b, c) = (box.lower[0] + i, box.lower[1] + j, box.lower[2] + k)
                        #expect(cropped[i, j, k] == values[a, b, c])
                        pasted[a, b, c] = values[a, b, c]
                    }
                }
            }
            #expect(box.paste(cropped, outside: -1).voxels == pasted.voxels)
        }
    }

    /// A random head: white matter a box or two, the brain around it, a random cortex and
    /// ventricles, images near 1 with bright boxes that straddle the white matter's edge.
    struct Head {
        var anatomy: SegmentationAnatomy
        var images: [Volume<Float>]
        var flairRatio: Volume<Float>
        var spacing: Double

        init(_ rng: inout SeededGenerator) {
            let spacing = [1.0, 2.0, 3.0][Int.random(in: 0..<3, using: &rng)]
            let size = GridSize(
                Int.random(in: 16...44, using: &rng), Int.random(in: 16...44, using: &rng), Int.random(in: 12...40, using: &rng))
            func box(_ extent: ClosedRange<Int>) -> (lower: [Int], upper: [Int]) {
                let n = [size.nx, size.ny, size.nz]
                var lower = [0, 0, 0], upper = [0, 0, 0]
                for a in 0..<3 {
                    let e = min(n[a], Int.random(in: extent, using: &rng))
                    lower[a] = Int.random(in: 0...(n[a] - e), using: &rng)
                    upper[a] = lower[a] + e
                }
                return (lower, upper)
            }
            func fill(_ mask: inout Volume<Bool>, _ b: (lower: [Int], upper: [Int])) {
                for k in b.lower[2]..<b.upper[2] {
                    for j in b.lower[1]..<b.upper[1] { for i in b.lower[0]..<b.upper[0] { mask[i, j, k] = true } }
                }
            }
            var whiteMatter = Volume(size: size, repeating: false)
            for _ in 0..<Int.random(in: 1...2, using: &rng) { fill(&whiteMatter, box(3...9)) }
            var brain = MaskMorphology.dilate(whiteMatter, radius: [2, 2, 2])
            fill(&brain, box(2...6))
            let cortex = RandomVolumes.noise(size, density: 0.1, &rng)
            var ventricles = Volume(size: size, repeating: false)
            fill(&ventricles, box(1...3))
            var images: [Volume<Float>] = []
            for _ in 0..<3 {
                var image = Volume(
                    size: size, voxels: (0..<size.voxelCount).map { _ in Float.random(in: 0.9...1.1, using: &rng) * 100 })
                for _ in 0..<Int.random(in: 4...10, using: &rng) {
                    let b = box(1...5), gain = Float.random(in: 1.2...2, using: &rng)
                    for k in b.lower[2]..<b.upper[2] {
                        for j in b.lower[1]..<b.upper[1] { for i in b.lower[0]..<b.upper[0] { image[i, j, k] *= gain } }
                    }
                }
                images.append(image)
            }
            anatomy = SegmentationAnatomy(
                brain: brain, whiteMatter: whiteMatter, cortex: cortex, ventricles: ventricles, spacingMM: [spacing, spacing, spacing])
            self.images = images
            flairRatio = Volume(size: size, voxels: (0..<size.voxelCount).map { _ in Float.random(in: 0.8...2, using: &rng) })
            self.spacing = spacing
        }
    }

    /// Equal bit for bit, NaN equal to NaN.
    static func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    @Test("the previous visit inside the box: its images cropped, its growth rule and neighbourhood kept")
    func previousVisitCropped() {
        var rng = SeededGenerator(seed: 1612)
        let size = GridSize(9, 8, 7)
        var mask = Volume(size: size, repeating: false)
        mask[4, 3, 2] = true
        let box = SegmentationBox(around: mask, margin: [1, 2, 1], align: [1, 1, 1])!
        #expect(!box.isWhole)
        let ratio = Volume<Float>(size: size, voxels: (0..<size.voxelCount).map { _ in Float.random(in: 0...2, using: &rng) })
        let own = ratio.map { $0 + 0.5 }
        let lesions = RandomVolumes.noise(size, density: 0.3, &rng)
        var visit = PreviousVisit(ratio: ratio, lesions: lesions, ownRatio: own).lookingNearby(radius: [2, 1, 0])
        visit.grew = { earlier, later in later > earlier + 4 }
        let inside = visit.cropped(to: box)
        #expect(inside.ratio?.voxels == box.crop(ratio).voxels && inside.ownRatio?.voxels == box.crop(own).voxels)
        #expect(inside.lesions.voxels == box.crop(lesions).voxels && inside.neighbourhood == [2, 1, 0])
        #expect(inside.grew?(1, 6) == true && inside.grew?(1, 5) == false)
    }

    @Test("both series inside the white matter's box find the voxels they find on the whole grid, on 80 random heads")
    func croppedSeries() {
        var rng = SeededGenerator(seed: 1608)
        // The later-visit rules drawn apart, so the heads are those drawn before they existed.
        var rules = SeededGenerator(seed: 1609)
        // The patient's own ventricles (`ventricle_csf_ratio`), drawn apart too.
        var own = SeededGenerator(seed: 1610)
        // The growth rule (`PreviousVisit.grew`), drawn apart too.
        var growth = SeededGenerator(seed: 1611)
        var growthRead = 0
        var cropped = 0, outside = 0, boxed = 0
        for _ in 0..<80 {
            let head = Head(&rng)
            let anatomy = head.anatomy
            let s = head.spacing
            let normalisation = WhiteMatterNormalisation(
                sigmaMM: Double.random(in: 2...12, using: &rng), erosionMM: [0, s][Int.random(in: 0..<2, using: &rng)], band: 0.25)
            func mm() -> Double { Double(Int.random(in: 0...2, using: &rng)) * s }
            var flair = FLAIRLesionSegmentation(
                normalisation: normalisation, seedRatio: 1.4, growRatio: 1.15, whiteMatterDilationMM: mm(),
                ventricleMarginMM: mm(), t1MaximumRatio: 1.3, edgeFraction: 0.5,
                cortexMaximumFraction: [1, 0.5, 0.2][Int.random(in: 0..<3, using: &rng)],
                changeSeedRatio: [0, 0.1, 0.3][Int.random(in: 0..<3, using: &rules)], dropUnchanged: Bool.random(using: &rules),
                unchangedNeighbourhoodMM: Double(Int.random(in: 0...2, using: &rules)) * s)
            flair.ventricleCSFRatio = [0, 0.5, 0.9][Int.random(in: 0..<3, using: &own)]
            let t1 = Bool.random(using: &rng) ? head.images[1] : nil
            // A previous visit: its lesions random, its ratio the FLAIR's ratio of this head, perhaps
            // lowered by up to 0.4 at random voxels.
            var previous =
                Bool.random(using: &rng)
                ? PreviousVisit(
                    ratio: head.flairRatio.map { $0 - Float.random(in: 0...0.4, using: &rng) * (Bool.random(using: &rng) ? 1 : 0) },
                    lesions: RandomVolumes.noise(anatomy.brain.size, density: Double.random(in: 0...0.3, using: &rng), &rng))
                : nil
            // Perhaps the previous visit's own image too (its ratio re-acquired above), from the
            // rules' generator so the heads stay the same.
            if previous != nil, Bool.random(using: &rules) {
                previous?.ownRatio = head.flairRatio.map { $0 + Float.random(in: -0.1...0.3, using: &rules) }
            }
            if previous != nil, Bool.random(using: &growth) {
                previous?.grew = { earlier, later in later * 2 >= earlier * 3 }
                growthRead += 1
            }
            let f = flair.segment(flair: head.images[0], t1: t1, anatomy: anatomy, previous: previous)
            let fWhole = flair.segmentWhole(flair: head.images[0], t1: t1, anatomy: anatomy, previous: previous)
            // Images known only in `readBox` (bright nonsense elsewhere) segment the same: a
            // re-acquired image is computed there only.
            if let box = flair.readBox(anatomy: anatomy) {
                let size = anatomy.brain.size
                func known(_ image: Volume<Float>) -> Volume<Float> {
                    var out = image
                    for k in 0..<size.nz {
                        for j in 0..<size.ny {
                            for i in 0..<size.nx where !box.contains(VoxelIndex(i, j, k)) { out.voxels[size.offset(i, j, k)] = 9 }
                        }
                    }
                    return out
                }
                let g = flair.segment(flair: known(head.images[0]), t1: t1.map(known), anatomy: anatomy, previous: previous)
                #expect(g.lesions.voxels == f.lesions.voxels && g.region.voxels == f.region.voxels)
                #expect(zip(g.ratio.voxels, f.ratio.voxels).allSatisfy { Self.same($0, $1) })
                boxed += 1
            }
            #expect(f.lesions.voxels == fWhole.lesions.voxels)
            #expect(f.cortical?.voxels == fWhole.cortical?.voxels)
            #expect(f.unchanged?.voxels == fWhole.unchanged?.voxels)
            #expect(f.foundByChange?.voxels == fWhole.foundByChange?.voxels)
            #expect(f.region.voxels == fWhole.region.voxels)
            // The ratio where lesions can grow: the white matter dilated.
            let dilated = anatomy.dilated(anatomy.whiteMatter, mm: flair.whiteMatterDilationMM)
            #expect((0..<dilated.voxels.count).allSatisfy { !dilated.voxels[$0] || Self.same(f.ratio.voxels[$0], fWhole.ratio.voxels[$0]) })

            var enhancement = EnhancementSegmentation(
                normalisation: normalisation, seedDifference: 0.3, growDifference: 0.15, whiteMatterDilationMM: mm(),
                brainMarginMM: mm(), ventricleMarginMM: mm(), closingMM: mm(), flairMinimumRatio: 1.2)
            enhancement.ventricleCSFRatio = [0, 0.5, 0.9][Int.random(in: 0..<3, using: &own)]
            enhancement.ventricleReachMM = Double(Int.random(in: 0...2, using: &own)) * s
            let pre = Bool.random(using: &rng) ? head.images[1] : nil
            let ratio = Bool.random(using: &rng) ? head.flairRatio : nil
            let e = enhancement.segment(post: head.images[2], pre: pre, flairRatio: ratio, anatomy: anatomy)
            let eWhole = enhancement.segmentWhole(post: head.images[2], pre: pre, flairRatio: ratio, anatomy: anatomy)
            #expect(e.lesions.voxels == eWhole.lesions.voxels)
            let region = enhancement.region(anatomy)
            #expect(
                (0..<region.voxels.count).allSatisfy {
                    !region.voxels[$0] || Self.same(e.difference.voxels[$0], eWhole.difference.voxels[$0])
                })
            // The largest box of these settings: every series' box lies in it.
            let largest = anatomy.box(
                dilationMM: 2 * s, reachMM: 4 * s, reference: SmoothReference(sigmaMM: normalisation.sigmaMM))
            if let largest, !largest.isWhole { cropped += 1 }
            // Lesions off the white matter: grown into the dilated band, towards the box's faces.
            for lesions in [f.lesions, e.lesions] {
                if (0..<lesions.voxels.count).contains(where: { lesions.voxels[$0] && !anatomy.whiteMatter.voxels[$0] }) {
                    outside += 1
                }
            }
        }
        // The draws reached both cases the box must handle: a cropped grid, and lesions off the
        // white matter (19 of the 160 series with this seed).
        #expect(cropped >= 30)
        #expect(outside >= 15)
        #expect(boxed >= 30)
        #expect(growthRead >= 15)
    }

    /// A 30 × 12 × 12 grid of 3 mm voxels (a 4 mm block of the reference is one voxel): all brain,
    /// no cortex, white matter and the template's ventricles slabs along i (j and k 3-8); and the
    /// offsets of a block (ranges along i, j, k) and a mask of offsets on it.
    static func slabs(
        whiteMatter: Range<Int>, ventricles: Range<Int>
    ) -> (anatomy: SegmentationAnatomy, block: (Range<Int>, Range<Int>, Range<Int>) -> [Int], mask: ([Int]) -> Volume<Bool>) {
        let size = GridSize(30, 12, 12)
        let block = { (i: Range<Int>, j: Range<Int>, k: Range<Int>) in
            i.flatMap { a in j.flatMap { b in k.map { c in size.offset(a, b, c) } } }
        }
        let mask = { (offsets: [Int]) -> Volume<Bool> in
            var m = Volume(size: size, repeating: false)
            for n in offsets { m.voxels[n] = true }
            return m
        }
        let anatomy = SegmentationAnatomy(
            brain: Volume(size: size, repeating: true), whiteMatter: mask(block(whiteMatter, 3..<9, 3..<9)),
            cortex: Volume(size: size, repeating: false), ventricles: mask(block(ventricles, 3..<9, 3..<9)),
            spacingMM: [3, 3, 3])
        return (anatomy, block, mask)
    }

    /// The random heads' template ventricles lie within the box's padding (two blocks of the
    /// reference and two voxels) of their white matter, so they cannot tell whether the Gd+
    /// search's box reaches as far as `ventricleReachMM` asks. Here it asks for six 3 mm voxels,
    /// beyond that padding (four voxels: a 4 mm block is one voxel at 3 mm).
    @Test("the Gd+ search's box reaches the template's ventricles the patient's CSF is looked for around")
    func enhancementBoxReachesTheVentricles() {
        // White matter i 8-11; the template's ventricles i 16-18, five voxels beyond it and past the
        // box the other settings would need (i 4-15).
        let (anatomy, block, mask) = Self.slabs(whiteMatter: 8..<12, ventricles: 16..<19)
        let size = anatomy.size
        // The patient's CSF reaches into the template's white matter at i = 11 (dark before contrast);
        // two enhancing blocks, one in that CSF (a plexus) and one in white matter at i 8-9.
        var pre = Volume<Float>(size: size, repeating: 100)
        for n in block(11..<12, 3..<9, 3..<9) { pre.voxels[n] = 30 }
        var post = pre
        let parenchyma = block(8..<10, 4..<7, 4..<7), plexus = block(11..<12, 4..<7, 4..<7)
        for n in parenchyma + plexus { post.voxels[n] = 200 }
        let enhancement = EnhancementSegmentation(
            normalisation: WhiteMatterNormalisation(sigmaMM: 6, erosionMM: 0, band: 0.25), seedDifference: 0.45,
            growDifference: 0.3, whiteMatterDilationMM: 0, brainMarginMM: 0, ventricleMarginMM: 0, closingMM: 0,
            flairMinimumRatio: 1.1, ventricleCSFRatio: 0.5, ventricleReachMM: 18)
        let whole = enhancement.segmentWhole(post: post, pre: pre, anatomy: anatomy)
        let boxed = enhancement.segment(post: post, pre: pre, anatomy: anatomy)
        // The block in white matter is found, the one in the patient's CSF is not: on the whole
        // grid and in the box alike.
        #expect(whole.lesions.voxels == mask(parenchyma).voxels)
        #expect(boxed.lesions.voxels == whole.lesions.voxels)
    }

    /// The same for lesion growth, whose box reaches twice `ventricleMarginMM` with the patient's
    /// own ventricles (looked for within the margin of the template's, then kept a margin from):
    /// six 3 mm voxels of margin, so the template's ventricles lie past the margin and padding.
    @Test("lesion growth's box reaches the template's ventricles the patient's own are looked for around")
    func flairBoxReachesTheVentricles() {
        // White matter i 2-11; the template's ventricles i 22-23, eleven voxels beyond it: past
        // the margin and padding (i up to 21), within twice the margin.
        let (anatomy, block, mask) = Self.slabs(whiteMatter: 2..<12, ventricles: 22..<24)
        let size = anatomy.size
        // The patient's CSF, dark on the T1w, from i = 16: within the margin of the template's
        // ventricles, and its own margin reaches i = 10. Two bright blocks: i 3-4 and i 10-11.
        var t1 = Volume<Float>(size: size, repeating: 100)
        for n in block(16..<24, 3..<9, 3..<9) { t1.voxels[n] = 30 }
        var flair = Volume<Float>(size: size, repeating: 100)
        let far = block(3..<5, 4..<7, 4..<7), near = block(10..<12, 4..<7, 4..<7)
        for n in far + near { flair.voxels[n] = 200 }
        let segmentation = FLAIRLesionSegmentation(
            normalisation: WhiteMatterNormalisation(sigmaMM: 6, erosionMM: 0, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
            whiteMatterDilationMM: 0, ventricleMarginMM: 18, t1MaximumRatio: 1.3, edgeFraction: 0.5, ventricleCSFRatio: 0.5)
        let whole = segmentation.segmentWhole(flair: flair, t1: t1, anatomy: anatomy)
        let boxed = segmentation.segment(flair: flair, t1: t1, anatomy: anatomy)
        // The block within the margin of the patient's CSF seeds nothing; the far one is a lesion.
        #expect(whole.lesions.voxels == mask(far).voxels)
        #expect(boxed.lesions.voxels == whole.lesions.voxels)
    }
}
