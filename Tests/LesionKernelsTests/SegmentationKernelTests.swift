import Foundation
@testable import LesionKernels
import Testing
import TestSupport

/// The segmentation kernels against slow, obviously correct references on random volumes.
@Suite("Segmentation kernels: smooth reference, lesion growth, box morphology, against references")
struct SegmentationKernelTests {
    /// Random intensities (some NaN) on a random grid.
    static func values(_ size: GridSize, _ rng: inout SeededGenerator) -> Volume<Float> {
        Volume(
            size: size,
            voxels: (0..<size.voxelCount).map { _ in
                Double.random(in: 0..<1, using: &rng) < 0.02 ? .nan : Float.random(in: 0..<3, using: &rng)
            })
    }

    /// Dilation by brute force: a voxel is in when any mask voxel lies within its box.
    static func referenceDilate(_ mask: Volume<Bool>, _ r: [Int]) -> Volume<Bool> {
        let s = mask.size
        var out = Volume(size: s, repeating: false)
        for k in 0..<s.nz {
            for j in 0..<s.ny {
                for i in 0..<s.nx {
                    var hit = false
                    for c in max(0, k - r[2])...min(s.nz - 1, k + r[2]) where !hit {
                        for b in max(0, j - r[1])...min(s.ny - 1, j + r[1]) where !hit {
                            for a in max(0, i - r[0])...min(s.nx - 1, i + r[0]) where mask[a, b, c] { hit = true }
                        }
                    }
                    out[i, j, k] = hit
                }
            }
        }
        return out
    }

    @Test("box dilation and erosion equal brute force on 300 random masks and radii")
    func morphology() {
        var rng = SeededGenerator(seed: 16)
        for _ in 0..<300 {
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.02...0.6, using: &rng), &rng)
            let r = (0..<3).map { _ in Int.random(in: 0...2, using: &rng) }
            #expect(MaskMorphology.dilate(mask, radius: r).voxels == Self.referenceDilate(mask, r).voxels)
            let eroded = Self.referenceDilate(mask.map { !$0 }, r).map { !$0 }
            #expect(MaskMorphology.erode(mask, radius: r).voxels == eroded.voxels)
        }
        #expect(MaskMorphology.radius(mm: 2, spacingMM: [1, 2, 5]) == [2, 1, 0])
    }

    /// The brightest value around each voxel by brute force (a whole volume at once, by
    /// subscripts): NaN where the voxel is NaN, else the largest known value in its box (the voxel
    /// itself is one).
    static func referenceBoxMaximum(_ v: Volume<Float>, _ r: [Int]) -> Volume<Float> {
        let s = v.size
        var out = v
        for k in 0..<s.nz {
            for j in 0..<s.ny {
                for i in 0..<s.nx where !v[i, j, k].isNaN {
                    for c in max(0, k - r[2])...min(s.nz - 1, k + r[2]) {
                        for b in max(0, j - r[1])...min(s.ny - 1, j + r[1]) {
                            for a in max(0, i - r[0])...min(s.nx - 1, i + r[0]) where v[a, b, c] > out[i, j, k] {
                                out[i, j, k] = v[a, b, c]
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    @Test(
        "the previous visit's brightest value around a voxel equals brute force on 300 random volumes (up to half NaN) and radii; NaN stays NaN and never wins"
    )
    func brightestNearby() {
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<300 {
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let unknown = Double.random(in: 0...0.5, using: &rng)
            let v = Volume<Float>(
                size: size,
                voxels: (0..<size.voxelCount).map { _ in
                    Double.random(in: 0..<1, using: &rng) < unknown ? .nan : Float.random(in: 0..<3, using: &rng)
                })
            let r = (0..<3).map { _ in Int.random(in: 0...3, using: &rng) }
            let fast = v.voxels.indices.map { PreviousVisit.brightest(v, at: $0, radius: r) }, slow = Self.referenceBoxMaximum(v, r)
            // Bit for bit: a maximum is one of the values, and NaN matches NaN.
            #expect(fast.map(\.bitPattern) == slow.voxels.map(\.bitPattern))
        }
        let row = Volume<Float>(size: GridSize(5, 1, 1), voxels: [1, .nan, 2, 0.5, .nan])
        let around = row.voxels.indices.map { PreviousVisit.brightest(row, at: $0, radius: [1, 1, 1]) }
        #expect(around.map(\.bitPattern) == [1, Float.nan, 2, 2, .nan].map(\.bitPattern))
    }

    /// Growth by repeated sweeps: add any candidate voxel touching the set, until nothing changes.
    static func referenceGrow(
        _ v: Volume<Float>, seed: Float, grow: Float, seeds: Volume<Bool>, region: Volume<Bool>, _ connectivity: Connectivity
    ) -> Volume<Bool> {
        let s = v.size
        var inside = Volume(size: s, repeating: false)
        for n in 0..<s.voxelCount where seeds.voxels[n] && region.voxels[n] && v.voxels[n] >= seed && v.voxels[n] >= grow {
            inside.voxels[n] = true
        }
        var changed = true
        while changed {
            changed = false
            for k in 0..<s.nz {
                for j in 0..<s.ny {
                    for i in 0..<s.nx where !inside[i, j, k] && region[i, j, k] && v[i, j, k] >= grow {
                        for (di, dj, dk) in connectivity.neighbourOffsets
                        where s.contains(i + di, j + dj, k + dk) && inside[i + di, j + dj, k + dk] {
                            inside[i, j, k] = true
                            changed = true
                            break
                        }
                    }
                }
            }
        }
        return inside
    }

    @Test("lesion growth equals repeated sweeps on 300 random volumes, every connectivity")
    func growth() {
        var rng = SeededGenerator(seed: 1612)
        for n in 0..<300 {
            let size = RandomVolumes.size(&rng, maximumExtent: 10)
            let v = Self.values(size, &rng)
            let seeds = RandomVolumes.noise(size, density: 0.5, &rng)
            let region = RandomVolumes.noise(size, density: 0.8, &rng)
            let connectivity = Connectivity.allCases[n % 3]
            let fast = LesionGrowth.grow(
                v, seedThreshold: 2.5, growThreshold: 1.2, seedRegion: seeds, growRegion: region, connectivity: connectivity)
            let slow = Self.referenceGrow(v, seed: 2.5, grow: 1.2, seeds: seeds, region: region, connectivity)
            #expect(fast.voxels == slow.voxels)
        }
    }

    @Test("growth stops at the grow threshold and at the region's edge, and never starts outside the seed region")
    func growthCase() {
        // A row: 3.0 (seed) 2.0 2.0 1.0 2.0 3.0(outside the seed region).
        let size = GridSize(6, 1, 1)
        let v = Volume<Float>(size: size, voxels: [3, 2, 2, 1, 2, 3])
        let seeds = Volume(size: size, voxels: [true, true, true, true, true, false])
        let region = Volume(size: size, repeating: true)
        let grown = LesionGrowth.grow(v, seedThreshold: 2.5, growThreshold: 1.5, seedRegion: seeds, growRegion: region, connectivity: .six)
        #expect(grown.voxels == [true, true, true, false, false, false])
    }

    /// 26-connected components by repeated sweeps: each mask voxel takes the smallest label
    /// among itself and its mask neighbours, until nothing changes (-1 off the mask).
    static func referenceComponents(_ mask: Volume<Bool>) -> [Int] {
        let s = mask.size
        var label = (0..<s.voxelCount).map { mask.voxels[$0] ? $0 : -1 }
        var changed = true
        while changed {
            changed = false
            for k in 0..<s.nz {
                for j in 0..<s.ny {
                    for i in 0..<s.nx where mask[i, j, k] {
                        for (di, dj, dk) in Connectivity.twentySix.neighbourOffsets
                        where s.contains(i + di, j + dj, k + dk) && mask[i + di, j + dj, k + dk] {
                            let (n, m) = (s.offset(i, j, k), s.offset(i + di, j + dj, k + dk))
                            if label[m] < label[n] {
                                label[n] = label[m]
                                changed = true
                            }
                        }
                    }
                }
            }
        }
        return label
    }

    @Test("trimming to the half-maximum edge and the FLAIR check equal per-component brute force on 200 random masks")
    func perComponent() {
        var rng = SeededGenerator(seed: 1616)
        for _ in 0..<200 {
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let v = Self.values(size, &rng)
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.05...0.5, using: &rng), &rng)
            let label = Self.referenceComponents(mask)
            var peak: [Int: Float] = [:]
            var sum: [Int: (Double, Int)] = [:]
            for n in 0..<size.voxelCount where label[n] >= 0 {
                peak[label[n]] = max(peak[label[n]] ?? -.infinity, v.voxels[n])
                if v.voxels[n].isFinite { sum[label[n], default: (0, 0)].0 += Double(v.voxels[n]) }
                if v.voxels[n].isFinite { sum[label[n], default: (0, 0)].1 += 1 }
            }
            let trimmed = (0..<size.voxelCount).map { n in
                label[n] >= 0 && v.voxels[n] >= 1 + 0.5 * (peak[label[n]]! - 1)
            }
            #expect(LesionGrowth.trimmed(mask, values: v, base: 1, fraction: 0.5).voxels == trimmed)
            // Means compared with a margin: the brute force sums in another order.
            let kept = EnhancementSegmentation.keeping(mask, meanAtLeast: 1.5, of: v)
            for n in 0..<size.voxelCount where label[n] >= 0 {
                let (total, count) = sum[label[n]] ?? (0, 0)
                let mean = count > 0 ? total / Double(count) : -1
                if abs(mean - 1.5) > 1e-9 { #expect(kept.voxels[n] == (count == 0 || mean >= 1.5)) }
            }
            #expect((0..<size.voxelCount).allSatisfy { label[$0] >= 0 || !kept.voxels[$0] })
        }
    }

    /// Trimming around peaks by brute force: from each mask voxel, a breadth-first walk through the
    /// mask voxels at least as bright finds the brightest it reaches and whether it reaches a seed
    /// (a voxel of `seeds` at least `threshold`); with `atPeak`, only a seed of the brightest value
    /// it reaches counts.
    static func referenceTrimAroundPeaks(
        _ mask: Volume<Bool>, _ v: Volume<Float>, seeds: Volume<Bool>, threshold: Float, fraction: Float, atPeak: Bool = false
    )
        -> [Bool]
    {
        let s = mask.size
        return (0..<s.voxelCount).map { start in
            let x = v.voxels[start]
            guard mask.voxels[start], !x.isNaN else { return false }
            var seen: Set<Int> = [start]
            var queue = [start]
            var peak = x
            var seeded = false
            var reached: [Int] = []
            while let n = queue.popLast() {
                reached.append(n)
                peak = max(peak, v.voxels[n])
                seeded = seeded || (seeds.voxels[n] && v.voxels[n] >= threshold)
                let (i, j, k) = (n % s.nx, (n / s.nx) % s.ny, n / (s.nx * s.ny))
                for (di, dj, dk) in Connectivity.twentySix.neighbourOffsets where s.contains(i + di, j + dj, k + dk) {
                    let m = s.offset(i + di, j + dj, k + dk)
                    if mask.voxels[m] && v.voxels[m] >= x && !seen.contains(m) {
                        seen.insert(m)
                        queue.append(m)
                    }
                }
            }
            if atPeak {
                // Only a seed of the peak's value counts.
                seeded = reached.contains { v.voxels[$0] == peak && seeds.voxels[$0] && v.voxels[$0] >= threshold }
            }
            return seeded && x >= 1 + fraction * (peak - 1)
        }
    }

    @Test(
        "trimming around peaks equals a brute-force walk from every voxel on 400 random masks, seed thresholds, ties and NaN included, a seed anywhere or at the peak"
    )
    func aroundPeaks() {
        var rng = SeededGenerator(seed: 4242)
        for round in 0..<400 {
            let atPeak = round >= 200
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            var v = Self.values(size, &rng)
            // Every fourth volume on a coarse scale of values, so ties are common.
            if round % 4 == 0 { v = Volume(size: size, voxels: v.voxels.map { ($0 * 4).rounded() / 4 }) }
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.1...0.7, using: &rng), &rng)
            let seeds = RandomVolumes.noise(size, density: Double.random(in: 0.02...0.4, using: &rng), &rng)
            let threshold = round % 2 == 0 ? -Float.infinity : Float.random(in: 0..<3, using: &rng)
            let fraction = [Float(0.5), 0.25, 0.8][round % 3]
            let expected = Self.referenceTrimAroundPeaks(mask, v, seeds: seeds, threshold: threshold, fraction: fraction, atPeak: atPeak)
            let trimmed = LesionGrowth.trimmedAroundPeaks(
                mask, values: v, seedRegion: seeds, seedThreshold: threshold, base: 1, fraction: fraction, seededAtPeak: atPeak)
            #expect(trimmed.voxels == expected, "round \(round)")
        }
    }

    @Test(
        "a faint lesion joined to a bright one through a low band keeps its own half-maximum edge; a peak without a seed keeps nothing"
    )
    func faintBesideBright() {
        // Along x: a bright lesion (peak 2.2), a band at 1.25, a faint lesion (peak 1.6), white matter.
        let row: [Float] = [1.0, 1.5, 2.2, 1.5, 1.25, 1.25, 1.35, 1.6, 1.35, 1.0]
        let size = GridSize(row.count, 1, 1)
        let v = Volume(size: size, voxels: row)
        let mask = Volume(size: size, voxels: row.map { $0 >= 1.2 })
        // Around peaks: the bright lesion to its edge 1.6 (the peak alone), the band reaches 2.2 and
        // goes, the faint lesion to its own edge 1.3 (all three voxels).
        let around = LesionGrowth.trimmedAroundPeaks(mask, values: v, seedRegion: mask, seedThreshold: 1.4, base: 1, fraction: 0.5)
        #expect(around.voxels == [false, false, true, false, false, false, true, true, true, false])
        // The faint peak not a seed (a grey-matter band, a mimic): its voxels reach no seed and go.
        var brightOnly = mask
        brightOnly.voxels[7] = false
        let unseeded = LesionGrowth.trimmedAroundPeaks(mask, values: v, seedRegion: brightOnly, seedThreshold: 1.4, base: 1, fraction: 0.5)
        #expect(unseeded.voxels == [false, false, true, false, false, false, false, false, false, false])
        // The whole region trimmed at the bright peak's edge leaves the faint lesion one voxel.
        let whole = LesionGrowth.trimmed(mask, values: v, base: 1, fraction: 0.5)
        #expect(whole.voxels == [false, false, true, false, false, false, false, true, false, false])
        // One peak: both trims agree.
        let single = Volume(size: size, voxels: row.enumerated().map { $0.offset >= 5 })
        #expect(
            LesionGrowth.trimmedAroundPeaks(single, values: v, seedRegion: single, seedThreshold: 1.4, base: 1, fraction: 0.5).voxels
                == LesionGrowth.trimmed(single, values: v, base: 1, fraction: 0.5).voxels)
    }

    @Test(
        "seeded at the peak: a flank that is a seed keeps nothing for a peak that is not one (a mimic's, in the cortex); a seed at the peak keeps its edge"
    )
    func seededAtPeak() {
        // The row above; the faint peak (1.6) not a seed, its flank at 1.35 one (threshold 1.3).
        let row: [Float] = [1.0, 1.5, 2.2, 1.5, 1.25, 1.25, 1.35, 1.6, 1.35, 1.0]
        let size = GridSize(row.count, 1, 1)
        let v = Volume(size: size, voxels: row)
        let mask = Volume(size: size, voxels: row.map { $0 >= 1.2 })
        func trimmed(seeds: [Int], atPeak: Bool) -> [Bool] {
            let region = Volume(size: size, voxels: (0..<row.count).map { seeds.contains($0) })
            return LesionGrowth.trimmedAroundPeaks(
                mask, values: v, seedRegion: region, seedThreshold: 1.3, base: 1, fraction: 0.5, seededAtPeak: atPeak
            ).voxels
        }
        let brightAlone = [false, false, true, false, false, false, false, false, false, false]
        let both = [false, false, true, false, false, false, true, true, true, false]
        // A seed anywhere: the flank seeds the faint peak's set from its own value down, so both
        // flanks stay (the peak reaches no seed without passing below 1.6).
        #expect(trimmed(seeds: [2, 6], atPeak: false) == [false, false, true, false, false, false, true, false, true, false])
        // At the peak: the flank does not; the bright peak is a seed and keeps its own edge.
        #expect(trimmed(seeds: [2, 6], atPeak: true) == brightAlone)
        #expect(trimmed(seeds: [2, 7], atPeak: true) == both)
        // The band's peak is the bright one's: a seed there keeps the band nothing (under 1.6).
        #expect(trimmed(seeds: [7], atPeak: true) == [false, false, false, false, false, false, true, true, true, false])
        // Two voxels share the peak, one a seed: the peak is seeded.
        var twin = row
        twin[6] = 1.6
        let tied = LesionGrowth.trimmedAroundPeaks(
            Volume(size: size, voxels: twin.map { $0 >= 1.2 }), values: Volume(size: size, voxels: twin),
            seedRegion: Volume(size: size, voxels: (0..<row.count).map { $0 == 6 }), seedThreshold: 1.3, base: 1, fraction: 0.5,
            seededAtPeak: true)
        #expect(tied.voxels == [false, false, false, false, false, false, true, true, true, false])
    }

    @Test(
        "white_matter_peaks: at the first visit a faint lesion joined to a bright one keeps its own edge when its peak is a seed; a mimic whose peak lies in the cortex does not"
    )
    func whiteMatterPeaks() {
        // White matter everywhere, the cortex two voxels of one column. Along x at (y 8, z 5): a
        // bright lesion (x 2-4, peak 2.4), a band at 1.27 (x 5-7), a faint lesion (x 8-10, peak
        // 1.6). Up from the band at x 6: a mimic, 1.3 and 1.47 in white matter (a seed), 1.52 and
        // its peak 1.78 in the cortex. One region at grow_ratio 1.2, whose edge (1.7) leaves the
        // faint lesion nothing and the mimic its peak, which reaches no seed.
        let size = GridSize(16, 16, 16)
        var flair = Volume<Float>(size: size, repeating: 100)
        var cortex = Volume(size: size, repeating: false)
        var faint = Volume(size: size, repeating: false)
        var mimic = Volume(size: size, repeating: false)
        for (i, value) in [(2, 200), (3, 240), (4, 200), (5, 127), (6, 127), (7, 127), (8, 137), (9, 160), (10, 137)] {
            flair[i, 8, 5] = Float(value)
            faint[i, 8, 5] = i >= 8
        }
        for (k, value) in [(6, 130), (7, 147), (8, 152), (9, 178)] {
            flair[6, 8, k] = Float(value)
            mimic[6, 8, k] = true
            cortex[6, 8, k] = k >= 8
        }
        let anatomy = SegmentationAnatomy(
            brain: Volume(size: size, repeating: true), whiteMatter: Volume(size: size, repeating: true), cortex: cortex,
            ventricles: Volume(size: size, repeating: false), spacingMM: [1, 1, 1])
        func found(_ on: Bool) -> Volume<Bool> {
            FLAIRLesionSegmentation(
                normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 0, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
                whiteMatterDilationMM: 2, ventricleMarginMM: 0, t1MaximumRatio: 1, edgeFraction: 0.5, whiteMatterPeaks: on
            ).segment(flair: flair, t1: nil, anatomy: anatomy).lesions
        }
        func count(_ mask: Volume<Bool>, in part: Volume<Bool>) -> Int {
            mask.intersecting([part], excluding: []).voxels.filter { $0 }.count
        }
        let off = found(false)
        let on = found(true)
        #expect(count(off, in: faint) == 0 && count(off, in: mimic) == 0)
        #expect(count(on, in: faint) == 3, "the faint lesion whole at its own edge, 1.3")
        #expect(count(on, in: mimic) == 0, "the mimic's peak is no seed; its flank's seed keeps it nothing")
        // The bright lesion as before, its three voxels at 2 and more over the edge.
        #expect(on.voxels.filter { $0 }.count == 6 && off.voxels.filter { $0 }.count == 3)
    }

    @Test("the voxels of a mask within a box radius of a region equal brute force on 200 random masks")
    func countNear() {
        var rng = SeededGenerator(seed: 2324)
        for _ in 0..<200 {
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.05...0.6, using: &rng), &rng)
            let regionMask = RandomVolumes.noise(size, density: Double.random(in: 0.02...0.3, using: &rng), &rng)
            let region = (0..<size.voxelCount).filter { regionMask.voxels[$0] }.map(Int32.init)
            let radius = (0..<3).map { _ in Int.random(in: 0...2, using: &rng) }
            let points = region.map { size.index(ofOffset: Int($0)) }
            let slow = (0..<size.voxelCount).filter { n in
                let v = size.index(ofOffset: n)
                return mask.voxels[n]
                    && points.contains {
                        abs($0.i - v.i) <= radius[0] && abs($0.j - v.j) <= radius[1] && abs($0.k - v.k) <= radius[2]
                    }
            }.count
            #expect(LesionGrowth.count(mask, near: region[...], radius: radius) == slow)
        }
    }

    /// The segmentation's cortical rule as it calls the kernels: a region is dropped when more
    /// than `maximumFraction` of it lies in `area`.
    static func dropping(
        _ mask: Volume<Bool>, mostlyIn area: Volume<Bool>, maximumFraction: Double
    ) -> (kept: Volume<Bool>, dropped: Volume<Bool>) {
        LesionGrowth.splitting(mask) { LesionGrowth.share(of: $0, in: area) > maximumFraction }
    }

    @Test("regions mostly in an area are dropped whole, by per-component brute force on 200 random masks")
    func mostlyInArea() {
        var rng = SeededGenerator(seed: 2323)
        for _ in 0..<200 {
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let mask = RandomVolumes.noise(size, density: Double.random(in: 0.05...0.5, using: &rng), &rng)
            let area = RandomVolumes.noise(size, density: Double.random(in: 0.1...0.9, using: &rng), &rng)
            let fraction = [0, 0.25, 0.5, 0.75, 1][Int.random(in: 0..<5, using: &rng)]
            let label = Self.referenceComponents(mask)
            var inside: [Int: Int] = [:]
            var count: [Int: Int] = [:]
            for n in 0..<size.voxelCount where label[n] >= 0 {
                count[label[n], default: 0] += 1
                if area.voxels[n] { inside[label[n], default: 0] += 1 }
            }
            let kept = (0..<size.voxelCount).map { n in
                label[n] >= 0 && Double(inside[label[n]] ?? 0) <= fraction * Double(count[label[n]]!)
            }
            let split = Self.dropping(mask, mostlyIn: area, maximumFraction: fraction)
            #expect(split.kept.voxels == kept)
            #expect(split.dropped.voxels == (0..<size.voxelCount).map { mask.voxels[$0] && !kept[$0] })
        }
        // Exactly half in the area: kept at 0.5, dropped just under it.
        var two = Volume(size: GridSize(2, 1, 1), repeating: true)
        let half = Volume(size: two.size, voxels: [true, false])
        #expect(Self.dropping(two, mostlyIn: half, maximumFraction: 0.5).kept.voxels == [true, true])
        #expect(Self.dropping(two, mostlyIn: half, maximumFraction: 0.49).kept.voxels == [false, false])
        two.voxels[1] = false
        #expect(Self.dropping(two, mostlyIn: half, maximumFraction: 1).kept.voxels == [true, false])
    }

    @Test(
        "a lesion grown mostly into the cortex is dropped above cortex_max_fraction at the first visit, later only when unchanged"
    )
    func mostlyCortical() {
        // White matter below slice 12, cortex from slice 10 (the two overlap, as a misplaced
        // template's maps can). Lesion A (3 × 3 × 5, slices 9 to 13) has its seed slice in white
        // matter only and 36 of its 45 voxels (0.8) in the cortex; lesion B (3 × 3 × 3, slices 3 to
        // 5) lies in white matter only.
        let size = GridSize(16, 16, 20)
        var whiteMatter = Volume(size: size, repeating: false)
        var cortex = Volume(size: size, repeating: false)
        var flair = Volume<Float>(size: size, repeating: 100)
        var a = Volume(size: size, repeating: false)
        var b = Volume(size: size, repeating: false)
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx {
                    whiteMatter[i, j, k] = k < 12
                    cortex[i, j, k] = k >= 10
                    let inside = (6...8).contains(i) && (6...8).contains(j)
                    a[i, j, k] = inside && (9...13).contains(k)
                    b[i, j, k] = inside && (3...5).contains(k)
                    if a[i, j, k] || b[i, j, k] { flair[i, j, k] = 200 }
                }
            }
        }
        let anatomy = SegmentationAnatomy(
            brain: Volume(size: size, repeating: true), whiteMatter: whiteMatter, cortex: cortex,
            ventricles: Volume(size: size, repeating: false), spacingMM: [1, 1, 1])
        func segmented(_ fraction: Double, previous: PreviousVisit? = nil) -> (lesions: [Bool], cortical: [Bool]?, ratio: Volume<Float>) {
            let r = FLAIRLesionSegmentation(
                normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 0, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
                whiteMatterDilationMM: 2, ventricleMarginMM: 0, t1MaximumRatio: 1, edgeFraction: 0.5,
                cortexMaximumFraction: fraction
            ).segment(flair: flair, t1: nil, anatomy: anatomy, previous: previous)
            return (r.lesions.voxels, r.cortical?.voxels, r.ratio)
        }
        func lesions(_ fraction: Double) -> [Bool] { segmented(fraction).lesions }
        let both = (0..<size.voxelCount).map { a.voxels[$0] || b.voxels[$0] }
        // Compared as booleans: a failure then names the fraction, not two 5120-voxel arrays.
        for (fraction, expected) in [(1, both), (0.8, both), (0.79, b.voxels), (0.5, b.voxels)] {
            let found = lesions(fraction)
            let same = found == expected
            #expect(same, "cortex_max_fraction \(fraction): \(found.filter { $0 }.count) voxels found")
        }
        // The first visit reports what it dropped: lesion A.
        let first = segmented(0.5)
        #expect(first.cortical == a.voxels && segmented(1).cortical == nil)
        // A later visit drops it only when it is unchanged: no voxel of it in the previous visit's
        // lesions, and its FLAIR ratio nowhere 0.2 (of white matter) or more above the previous
        // visit's, nor unknown. The previous ratio is this visit's, less `fall` over lesion A.
        let ratio = first.ratio
        let nothing = Volume(size: size, repeating: false)
        func previous(fall: Float, at voxel: (Int, Int, Int)? = nil, lesions: Volume<Bool>? = nil) -> PreviousVisit {
            var earlier = ratio
            for n in earlier.voxels.indices where a.voxels[n] {
                if let voxel, n != size.offset(voxel.0, voxel.1, voxel.2) { continue }
                earlier.voxels[n] -= fall
            }
            return PreviousVisit(ratio: earlier, lesions: lesions ?? nothing)
        }
        var oneOfA = nothing
        oneOfA[7, 7, 13] = true
        for (earlier, expected, cortical, what) in [
            (previous(fall: 0), b.voxels, a.voxels, "the same"),
            (previous(fall: 0.15), b.voxels, a.voxels, "0.15 brighter throughout"),
            (previous(fall: 0.25, at: (7, 7, 13)), both, nothing.voxels, "0.25 brighter at one voxel"),
            (previous(fall: .nan, at: (7, 7, 9)), both, nothing.voxels, "unknown at one voxel"),
            (previous(fall: 0, lesions: oneOfA), both, nothing.voxels, "one voxel a lesion before"),
            (PreviousVisit(ratio: nil, lesions: nothing), both, nothing.voxels, "no previous FLAIR"),
        ] {
            let later = segmented(0.5, previous: earlier)
            let same = later.lesions == expected && later.cortical == cortical
            #expect(same, "\(what): \(later.lesions.filter { $0 }.count) found")
        }
        #expect(ratio[7, 7, 13] > 1.4)
    }

    /// White matter everywhere but the border, FLAIR 100 with lesion `faint` (3 × 3 × 3) at 130, a
    /// ratio between grow_ratio and seed_ratio, and lesion `bright` (3 × 3 × 3) at 200.
    struct ChangeScene {
        let size = GridSize(16, 16, 12)
        var flair: Volume<Float>
        var faint: Volume<Bool>
        var bright: Volume<Bool>
        var anatomy: SegmentationAnatomy

        init() {
            var whiteMatter = Volume(size: size, repeating: false)
            flair = Volume(size: size, repeating: 100)
            faint = Volume(size: size, repeating: false)
            bright = faint
            for k in 0..<size.nz {
                for j in 0..<size.ny {
                    for i in 0..<size.nx {
                        whiteMatter[i, j, k] = (1..<15).contains(i) && (1..<15).contains(j) && (1..<11).contains(k)
                        faint[i, j, k] = (3...5).contains(i) && (3...5).contains(j) && (4...6).contains(k)
                        bright[i, j, k] = (10...12).contains(i) && (10...12).contains(j) && (4...6).contains(k)
                        if faint[i, j, k] { flair[i, j, k] = 130 }
                        if bright[i, j, k] { flair[i, j, k] = 200 }
                    }
                }
            }
            anatomy = SegmentationAnatomy(
                brain: Volume(size: size, repeating: true), whiteMatter: whiteMatter, cortex: Volume(size: size, repeating: false),
                ventricles: Volume(size: size, repeating: false), spacingMM: [1, 1, 1])
        }

        func segmented(
            changeSeedRatio: Double = 0.3, dropUnchanged: Bool = true, neighbourhoodMM: Double = 0, previousSeeds: Bool = false,
            cortex: Volume<Bool>? = nil, cortexMaximumFraction: Double = 1, previous: PreviousVisit? = nil
        ) -> FLAIRLesions {
            var f = FLAIRLesionSegmentation(
                normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 0, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
                whiteMatterDilationMM: 0, ventricleMarginMM: 0, t1MaximumRatio: 1, edgeFraction: 0.5,
                cortexMaximumFraction: cortexMaximumFraction, changeSeedRatio: changeSeedRatio, dropUnchanged: dropUnchanged,
                unchangedNeighbourhoodMM: neighbourhoodMM)
            f.previousLesionSeeds = previousSeeds
            let a = anatomy
            let withCortex = cortex.map {
                SegmentationAnatomy(
                    brain: a.brain, whiteMatter: a.whiteMatter, cortex: $0, ventricles: a.ventricles, spacingMM: a.spacingMM)
            }
            return f.segment(flair: flair, t1: nil, anatomy: withCortex ?? a, previous: previous)
        }

        /// The previous visit: this visit's `ratio`, less `fall` over `lesion` (at one voxel of it
        /// when given, and `elsewhere` over its others), with `lesions` (none when not given).
        /// With `own`, the previous visit's own ratio (`ownRatio`), less `ownFall` everywhere.
        func previous(
            _ ratio: Volume<Float>, fall: Float, over lesion: Volume<Bool>, at voxel: (Int, Int, Int)? = nil,
            elsewhere: Float = 0, lesions: Volume<Bool>? = nil, own: Volume<Float>? = nil, ownFall: Float = 0
        ) -> PreviousVisit {
            var earlier = ratio
            for n in earlier.voxels.indices where lesion.voxels[n] {
                if let voxel, n != size.offset(voxel.0, voxel.1, voxel.2) {
                    earlier.voxels[n] -= elsewhere
                } else {
                    earlier.voxels[n] -= fall
                }
            }
            return PreviousVisit(
                ratio: earlier, lesions: lesions ?? Volume(size: size, repeating: false), ownRatio: own?.map { $0 - ownFall })
        }
    }

    @Test(
        "at a later visit a voxel whose ratio rose by change_seed_ratio seeds growth from grow_ratio where the ratio rose; an unknown one does not"
    )
    func changeSeeds() {
        let scene = ChangeScene()
        let first = scene.segmented()
        // The first visit: only the bright lesion reaches seed_ratio; the faint one lies between
        // grow_ratio and seed_ratio.
        #expect(first.lesions.voxels == scene.bright.voxels)
        #expect(first.foundByChange == nil && first.unchanged == nil)
        let ratio = first.ratio
        #expect(scene.faint.voxels.indices.allSatisfy { !scene.faint.voxels[$0] || (1.25...1.35).contains(ratio.voxels[$0]) })
        let nothing = Volume(size: scene.size, repeating: false)
        var one = nothing
        one[4, 4, 5] = true
        var brightAndOne = scene.bright
        brightAndOne[4, 4, 5] = true
        // The previous visit counted the bright lesion (so it is never unchanged-new).
        let both = Volume(size: scene.size, voxels: (0..<scene.size.voxelCount).map { scene.faint.voxels[$0] || scene.bright.voxels[$0] })
        for (earlier, changeSeedRatio, expected, byChange, what) in [
            (scene.previous(ratio, fall: 0.35, over: scene.faint, lesions: scene.bright), 0.3, both, scene.faint, "rose 0.35"),
            (
                scene.previous(ratio, fall: 0.35, over: scene.faint, at: (4, 4, 5), elsewhere: 0.25, lesions: scene.bright), 0.3,
                both, scene.faint, "rose 0.35 at one voxel and 0.25 at the others: grown from it through them"
            ),
            (
                scene.previous(ratio, fall: 0.35, over: scene.faint, at: (4, 4, 5), elsewhere: 0.15, lesions: scene.bright), 0.3,
                brightAndOne, one, "rose 0.35 at one voxel and 0.15 at the others: that voxel alone"
            ),
            (scene.previous(ratio, fall: 0.25, over: scene.faint, lesions: scene.bright), 0.3, scene.bright, nothing, "rose 0.25"),
            (scene.previous(ratio, fall: .nan, over: scene.faint, lesions: scene.bright), 0.3, scene.bright, nothing, "unknown"),
            (scene.previous(ratio, fall: 0.35, over: scene.faint, lesions: scene.bright), 0, scene.bright, nil, "change seeds off"),
        ] {
            let later = scene.segmented(changeSeedRatio: changeSeedRatio, previous: earlier)
            let same = later.lesions.voxels == expected.voxels && later.foundByChange?.voxels == byChange?.voxels
            #expect(same, "\(what): \(later.lesions.voxels.filter { $0 }.count) voxels found")
        }
        // Without the previous visit's FLAIR there is no change to seed from.
        let blind = scene.segmented(previous: PreviousVisit(ratio: nil, lesions: scene.bright))
        #expect(blind.lesions.voxels == scene.bright.voxels && blind.foundByChange == nil)
    }

    @Test(
        "previous_lesion_seeds: a lesion counted before and fainter now (under seed_ratio, over grow_ratio) is still found; a faint one never counted is not, nor one counted where no seed lies"
    )
    func previousLesionSeeds() {
        var scene = ChangeScene()
        let first = scene.segmented()
        #expect(first.lesions.voxels == scene.bright.voxels)
        // Later: the bright lesion fades to the faint one's 130 (a ratio of about 1.3).
        for n in scene.flair.voxels.indices where scene.bright.voxels[n] { scene.flair.voxels[n] = 130 }
        let previous = PreviousVisit(ratio: first.ratio, lesions: first.lesions)
        #expect(scene.segmented(previous: previous).lesions.voxels.allSatisfy { !$0 }, "without the seeds: resolved")
        let seeded = scene.segmented(previousSeeds: true, previous: previous)
        #expect(seeded.lesions.voxels == scene.bright.voxels, "\(seeded.lesions.voxels.filter { $0 }.count) voxels")
        // Faded under grow_ratio (110): gone either way.
        for n in scene.flair.voxels.indices where scene.bright.voxels[n] { scene.flair.voxels[n] = 110 }
        #expect(scene.segmented(previousSeeds: true, previous: previous).lesions.voxels.allSatisfy { !$0 })
        // The faint one (1.3, unchanged) counted before: found from it, in the white matter; in the
        // cortex, where no seed lies, it seeds nothing (a mimic the previous visit kept is not
        // looked for again).
        let faintBefore = PreviousVisit(ratio: first.ratio, lesions: scene.faint)
        #expect(scene.segmented(dropUnchanged: false, previousSeeds: true, previous: faintBefore).lesions.voxels == scene.faint.voxels)
        let a = scene.anatomy
        scene.anatomy = SegmentationAnatomy(
            brain: a.brain, whiteMatter: a.whiteMatter, cortex: scene.faint, ventricles: a.ventricles, spacingMM: a.spacingMM)
        #expect(scene.segmented(dropUnchanged: false, previousSeeds: true, previous: faintBefore).lesions.voxels.allSatisfy { !$0 })
    }

    @Test(
        "a faint lesion joined to a bright one by a band at grow_ratio: trimmed away at the first visit, kept whole at a later visit that drop_unchanged screens"
    )
    func faintJoinedToBright() {
        var scene = ChangeScene()
        for n in scene.flair.voxels.indices {
            if scene.faint.voxels[n] { scene.flair.voxels[n] = 145 }
            if scene.bright.voxels[n] { scene.flair.voxels[n] = 230 }
        }
        scene.flair[4, 4, 5] = 160
        // The band: 1.25 of white matter, diagonally from the faint lesion to the bright one.
        for d in 6...9 { scene.flair[d, d, 5] = 125 }
        let (faint, bright) = (scene.faint, scene.bright)
        func segmented(dropUnchanged: Bool = true, previous: PreviousVisit? = nil) -> FLAIRLesions {
            scene.segmented(dropUnchanged: dropUnchanged, previous: previous)
        }
        // First visit: one region (peak 2.3, edge 1.65); the faint lesion (peak 1.6) is trimmed away.
        let first = segmented()
        #expect(first.lesions.voxels == bright.voxels)
        // Later visit: the faint lesion rose by 0.5 (new), the bright one was a lesion before. Each
        // keeps its own edge (the faint one's 1.3: all 27 voxels); the band reaches 2.3 and goes.
        var earlier = first.ratio
        for n in earlier.voxels.indices where faint.voxels[n] { earlier.voxels[n] -= 0.5 }
        let previous = PreviousVisit(ratio: earlier, lesions: bright)
        let later = segmented(previous: previous)
        #expect(later.lesions.voxels == zip(bright.voxels, faint.voxels).map { $0 || $1 })
        // Without drop_unchanged nothing screens the local peaks: the region's peak decides.
        #expect(segmented(dropUnchanged: false, previous: previous).lesions.voxels == bright.voxels)
    }

    @Test("at a later visit drop_unchanged drops a lesion unchanged since the previous visit, and nothing new or unknown")
    func unchangedDropped() {
        let scene = ChangeScene()
        let ratio = scene.segmented().ratio
        let nothing = Volume(size: scene.size, repeating: false)
        var oneOfBright = nothing
        oneOfBright[11, 11, 6] = true
        for (earlier, drop, expected, dropped, what) in [
            (scene.previous(ratio, fall: 0, over: scene.bright), true, nothing, scene.bright, "the same"),
            (scene.previous(ratio, fall: 0.15, over: scene.bright), true, nothing, scene.bright, "0.15 brighter throughout"),
            (
                scene.previous(ratio, fall: 0.25, over: scene.bright, at: (12, 10, 4)), true, scene.bright, nothing,
                "0.25 brighter at one voxel"
            ),
            (scene.previous(ratio, fall: .nan, over: scene.bright, at: (10, 12, 6)), true, scene.bright, nothing, "unknown at one voxel"),
            (
                scene.previous(ratio, fall: 0, over: scene.bright, lesions: oneOfBright), true, scene.bright, nothing,
                "one voxel a lesion before"
            ),
            (scene.previous(ratio, fall: 0, over: scene.bright), false, scene.bright, nil, "the rule off"),
            (PreviousVisit(ratio: nil, lesions: nothing), true, scene.bright, nil, "no previous FLAIR"),
            (
                scene.previous(ratio, fall: 0.25, over: scene.bright, at: (12, 10, 4), own: ratio), true, nothing, scene.bright,
                "0.25 brighter at one voxel than re-acquired, but the previous visit's own image as bright there"
            ),
            (
                scene.previous(ratio, fall: 0.25, over: scene.bright, at: (12, 10, 4), own: ratio, ownFall: 0.05), true,
                scene.bright, nothing, "0.25 brighter at one voxel than re-acquired, and brighter than the previous own image"
            ),
        ] {
            let later = scene.segmented(changeSeedRatio: 0, dropUnchanged: drop, previous: earlier)
            let same = later.lesions.voxels == expected.voxels && later.unchanged?.voxels == dropped?.voxels
            #expect(same, "\(what): \(later.lesions.voxels.filter { $0 }.count) voxels found")
        }
        // The first visit drops nothing as unchanged.
        let first = scene.segmented()
        #expect(first.lesions.voxels == scene.bright.voxels && first.unchanged == nil)
    }

    @Test(
        "a lesion the previous visit showed a third of, no voxel brighter within 2 mm, grew by the enlarging rule: not unchanged, not dropped as cortical either"
    )
    func grownIsNotUnchanged() {
        let scene = ChangeScene()
        let ratio = scene.segmented().ratio
        let nothing = Volume(size: scene.size, repeating: false)
        // The previous visit showed only the bright lesion's middle column (x 11: 9 of its 27
        // voxels, at 2.0 of white matter); x 10 and 12 read white matter then.
        var earlier = ratio
        for n in earlier.voxels.indices where scene.bright.voxels[n] && n % scene.size.nx != 11 { earlier.voxels[n] = 1 }
        #expect(ratio[10, 11, 5] > 1.9 && ratio[11, 11, 5] > 1.9 && earlier[10, 11, 5] < 1.05)
        // The ledger's 50 % rule on voxel counts.
        let fifty: @Sendable (Int, Int) -> Bool = { earlier, later in later * 2 >= earlier * 3 }
        func previous(grew: (@Sendable (Int, Int) -> Bool)?, own: Volume<Float>? = nil) -> PreviousVisit {
            var visit = PreviousVisit(ratio: earlier, lesions: nothing, ownRatio: own)
            visit.grew = grew
            return visit
        }
        // Within 2 mm every voxel sees the middle column at 2.0: no voxel rose. Its edge is drawn at
        // 1.5 (half-way to the peak 2.0): 9 voxels then, 27 now.
        for (visit, grown, what) in [
            (previous(grew: fifty), true, "27 voxels from 9"),
            (previous(grew: nil), false, "growth not read"),
            (previous(grew: { earlier, later in later >= earlier * 4 }), false, "27 from 9 is not 4 times"),
            (previous(grew: fifty, own: ratio), false, "the previous visit's own image showed all 27"),
        ] {
            let later = scene.segmented(changeSeedRatio: 0, neighbourhoodMM: 2, previous: visit)
            let kept = later.lesions.voxels == (grown ? scene.bright : nothing).voxels
            #expect(kept && later.unchanged?.voxels == (grown ? nothing : scene.bright).voxels, "\(what)")
            // Recorded as kept because it grew only when it was.
            #expect(later.keptAsGrownVoxels == (grown ? 27 : 0), "kept as grown, \(what)")
        }
        // Re-acquired as a coarser series, the previous visit showed all 27 at 1.45, under the
        // lesion's edge level (1.5) though over its own (1.225); its own image showed the middle
        // column at 2.5, brighter than now, so no voxel rose. Both read at the lesion's level: 9
        // then, 27 now, grown and kept (at the re-acquired image's own level all 27, unchanged).
        var blurred = ratio
        var sharp = ratio
        for n in blurred.voxels.indices where scene.bright.voxels[n] {
            blurred.voxels[n] = 1.45
            sharp.voxels[n] = n % scene.size.nx == 11 ? 2.5 : 1
        }
        var coarser = PreviousVisit(ratio: blurred, lesions: nothing, ownRatio: sharp)
        coarser.grew = fifty
        let again = scene.segmented(changeSeedRatio: 0, neighbourhoodMM: 2, previous: coarser)
        #expect(again.lesions.voxels == scene.bright.voxels && again.unchanged?.voxels == nothing.voxels, "re-acquired")
        #expect(again.keptAsGrownVoxels == 27, "re-acquired, kept as grown")
        // Mostly in the cortex (x 11 and 12, 18 of 27 voxels; seeds at x 10): dropped at a later
        // visit only when unchanged, and grown it is not.
        var cortex = nothing
        for n in cortex.voxels.indices where scene.bright.voxels[n] && n % scene.size.nx >= 11 { cortex.voxels[n] = true }
        for (visit, grown, what) in [(previous(grew: fifty), true, "grown"), (previous(grew: nil), false, "growth not read")] {
            let later = scene.segmented(
                changeSeedRatio: 0, dropUnchanged: false, neighbourhoodMM: 2, cortex: cortex, cortexMaximumFraction: 0.5,
                previous: visit)
            let kept = later.lesions.voxels == (grown ? scene.bright : nothing).voxels
            #expect(kept && later.cortical?.voxels == (grown ? nothing : scene.bright).voxels, "cortical, \(what)")
            #expect(later.keptAsGrownVoxels == (grown ? 27 : 0), "cortical, kept as grown, \(what)")
        }
        // Both rules on: the mostly cortical lesion that grew is read by `dropUnchanged` and then
        // by the cortex rule; its growth is asked once and its voxels counted once.
        let asked = Recorder()
        var once = previous(grew: nil)
        once.grew = { earlier, later in
            asked.add(earlier, later)
            return fifty(earlier, later)
        }
        let both = scene.segmented(
            changeSeedRatio: 0, dropUnchanged: true, neighbourhoodMM: 2, cortex: cortex, cortexMaximumFraction: 0.5, previous: once)
        #expect(both.lesions.voxels == scene.bright.voxels && both.cortical?.voxels == nothing.voxels, "both rules, grown: kept")
        #expect(
            both.keptAsGrownVoxels == 27 && asked.pairs.count == 1, "counted \(both.keptAsGrownVoxels ?? -1), asked \(asked.pairs.count)")
        // The same inside the segmentation's box (not the whole grid): the growth rule reaches it.
        let lesion = Self.block(14...16, 14...16, 14...16)
        let anatomy = Self.sceneAnatomy(
            whiteMatter: Self.block(6...29, 6...29, 4...27), ventricles: Volume(size: Self.sceneSize, repeating: false))
        let flair = Self.sceneImages([(lesion, 200, 100)]).flair
        var f = Self.shownSegmentation
        f.normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.25)
        (f.dropUnchanged, f.unchangedNeighbourhoodMM) = (true, 2)
        #expect(f.readBox(anatomy: anatomy) != nil, "the test needs a box")
        let now = f.segment(flair: flair, t1: nil, anatomy: anatomy)
        let found = now.lesions.voxels == lesion.voxels
        #expect(found && now.keptAsGrownVoxels == nil, "a first visit has no previous one to grow from")
        var shown = now.ratio
        for n in shown.voxels.indices where lesion.voxels[n] && n % Self.sceneSize.nx != 23 { shown.voxels[n] = 1 }
        let none = Volume(size: Self.sceneSize, repeating: false)
        for (rule, grown) in [(fifty, true), (nil, false)] {
            var visit = PreviousVisit(ratio: shown, lesions: none)
            visit.grew = rule
            let later = f.segment(flair: flair, t1: nil, anatomy: anatomy, previous: visit)
            let same = later.lesions.voxels == (grown ? lesion : none).voxels
            #expect(same && later.keptAsGrownVoxels == (grown ? 27 : 0), "in the box, grown \(grown)")
        }
    }

    @Test(
        "hasGrown: the lesion's voxels against the previous visit's voxels at the lesion's edge level within the neighbourhood, the brighter of both previous images, a re-acquired one too"
    )
    func hasGrownCounts() {
        let size = GridSize(10, 1, 1)
        let previous = Volume<Float>(size: size, voxels: [1.6, 1, 1.6, 1.6, 1, 1, 1, 1, 1.6, .nan])
        let own = Volume<Float>(size: size, voxels: [1, 1, 1, 1, 1.6, 1.6, 1, 1, 1, 1.6])
        let nothing = Volume(size: size, repeating: false)
        let current = Volume<Float>(size: size, voxels: Array(repeating: 1.6, count: 10))
        let record = Recorder()
        func visit(radius: Int, own: Volume<Float>? = nil) -> PreviousVisit {
            var v = PreviousVisit(ratio: previous, lesions: nothing, ownRatio: own).lookingNearby(radius: [radius, 0, 0])
            v.grew = { earlier, later in
                record.add(earlier, later)
                return later >= 2 * earlier
            }
            return v
        }
        // Lesion x 3…5. Radius 1: x 2…6 read, 1.6 at x 2 and 3: 3 voxels from 2 is not twice.
        #expect(visit(radius: 1).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }) == false)
        // Radius 0: x 3 alone.
        #expect(visit(radius: 0).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }) == true)
        // Radius 3: x 0…8, four at 1.6 (x 0, 2, 3 and 8).
        #expect(visit(radius: 3).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }) == false)
        // The own image adds x 4, 5 at radius 0: three of three.
        #expect(visit(radius: 0, own: own).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }) == false)
        // The level above every previous voxel: nothing then.
        #expect(visit(radius: 1).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.7 }) == true)
        // Lesion x 9: its own voxel NaN in the re-acquired image, 1.6 in the own image.
        #expect(visit(radius: 0, own: own).hasGrown([9], ratio: current, edge: { _ in 1.5 }) == false)
        #expect(visit(radius: 0).hasGrown([9], ratio: current, edge: { _ in 1.5 }) == true)
        #expect(record.pairs.map { $0.0 } == [2, 1, 4, 3, 0, 1, 0], "earlier")
        #expect(record.pairs.map { $0.1 } == [3, 3, 3, 3, 3, 1, 1], "later")
        // Re-acquired as a coarser series, the previous image is read at the lesion's level (1.3,
        // half-way from 1 to its peak 1.6, at least 1.2), as the own image is, not at the level its
        // own peak in the box (1.35) would draw an edge at (1.2: three voxels). Lesion x 2…4, radius 0.
        let blurred = Volume<Float>(size: size, voxels: [1, 1, 1.25, 1.35, 1.25, 1, 1, 1, 1, 1])
        let flat = Volume<Float>(size: size, repeating: 1)
        func edge(_ peak: Float) -> Float { max(1.2, 1 + 0.5 * (peak - 1)) }
        var reacquired = PreviousVisit(ratio: blurred, lesions: nothing, ownRatio: flat)
        var alone = PreviousVisit(ratio: blurred, lesions: nothing)
        (reacquired.grew, alone.grew) = (visit(radius: 0).grew, visit(radius: 0).grew)
        #expect(reacquired.hasGrown([2, 3, 4], ratio: current, edge: edge) == true)
        #expect(alone.hasGrown([2, 3, 4], ratio: current, edge: edge) == true)
        #expect(record.pairs.suffix(2).map { $0.0 } == [1, 1], "earlier, at the lesion's level in both")
        // Without the rule, or without the previous ratio, nothing has grown.
        #expect(!PreviousVisit(ratio: previous, lesions: nothing).hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }))
        var none = PreviousVisit(ratio: nil, lesions: nothing)
        none.grew = { _, _ in true }
        #expect(!none.hasGrown([3, 4, 5], ratio: current, edge: { _ in 1.5 }))
    }

    /// Collects the (earlier, later) pairs a `grew` rule was asked about.
    final class Recorder: @unchecked Sendable {
        private(set) var pairs: [(Int, Int)] = []
        func add(_ earlier: Int, _ later: Int) { pairs.append((earlier, later)) }
    }

    @Test(
        "unchanged_neighbourhood_mm: a lesion the previous visit showed as bright a voxel off is unchanged within 1 mm, two voxels off within 2 mm; an unknown voxel is still change"
    )
    func unchangedNearby() {
        let scene = ChangeScene()
        let ratio = scene.segmented().ratio
        let nothing = Volume(size: scene.size, repeating: false)
        /// The previous visit: this visit's ratio moved `shift` voxels along x (the bright lesion
        /// at x 10 + shift … 12 + shift then), unknown at `unknown`.
        func shifted(_ shift: Int, unknown: (Int, Int, Int)? = nil) -> PreviousVisit {
            var earlier = ratio
            for k in 0..<scene.size.nz {
                for j in 0..<scene.size.ny {
                    for i in shift..<scene.size.nx { earlier[i, j, k] = ratio[i - shift, j, k] }
                }
            }
            if let u = unknown { earlier[u.0, u.1, u.2] = .nan }
            return PreviousVisit(ratio: earlier, lesions: nothing)
        }
        // Where the bright lesion's first column lies now, the previous visit read white matter.
        #expect(ratio[10, 11, 5] > 1.6 && abs(shifted(1).ratio![10, 11, 5] - 1) < 0.1)
        for (earlier, mm, unchanged, what) in [
            (shifted(1), 0.0, false, "a voxel off, the voxel itself"),
            (shifted(1), 1.0, true, "a voxel off, within 1 mm"),
            (shifted(2), 1.0, false, "two voxels off, within 1 mm"),
            (shifted(2), 2.0, true, "two voxels off, within 2 mm"),
            (shifted(1, unknown: (10, 11, 5)), 1.0, false, "a voxel off, within 1 mm, unknown at one of its voxels"),
            (shifted(0), 0.0, true, "the same place"),
        ] {
            let later = scene.segmented(changeSeedRatio: 0, neighbourhoodMM: mm, previous: earlier)
            let same = later.lesions.voxels == (unchanged ? nothing : scene.bright).voxels
            #expect(same && later.unchanged?.voxels == (unchanged ? scene.bright : nothing).voxels, "\(what)")
        }
        // A lesion counted at the previous visit is never dropped, however near its signal.
        var counted = nothing
        counted[12, 11, 5] = true
        let kept = scene.segmented(
            changeSeedRatio: 0, neighbourhoodMM: 2, previous: PreviousVisit(ratio: shifted(1).ratio, lesions: counted))
        #expect(kept.lesions.voxels == scene.bright.voxels)
    }

    @Test("a voxel changed when its ratio rose by 0.2 or more since the previous visit, or either is unknown")
    func changedVoxels() {
        let size = GridSize(6, 1, 1)
        let current = Volume<Float>(size: size, voxels: [1.5, 1.5, 1.5, .nan, 1.5, 1])
        let previous = Volume<Float>(size: size, voxels: [1.25, 1.3, 1.35, 1, .nan, 1.5])
        let visit = PreviousVisit(ratio: previous, lesions: Volume(size: size, repeating: false))
        // Rises of 0.25, 0.2, 0.15, unknown, unknown, −0.5.
        #expect(visit.changed(current)?.voxels == [true, true, false, true, true, false])
        #expect(PreviousVisit(ratio: nil, lesions: Volume(size: size, repeating: false)).changed(current) == nil)
    }

    @Test("unchanged: every voxel rose by less than 0.2 over the re-acquired previous visit, or is no brighter than its own image")
    func unchangedAgainstOwnImage() {
        let size = GridSize(6, 1, 1)
        let current = Volume<Float>(size: size, voxels: [1.6, 1.6, 1.6, 1.6, 1.6, .nan])
        let reacquired = Volume<Float>(size: size, voxels: [1.35, 1.35, 1.5, 1.35, 1.35, 1.5])
        let own = Volume<Float>(size: size, voxels: [1.8, 1.5, .nan, 1.6, .nan, 2])
        let nothing = Volume(size: size, repeating: false)
        let visit = PreviousVisit(ratio: reacquired, lesions: nothing, ownRatio: own)
        // Rises of 0.25, 0.25, 0.1, 0.25, 0.25, unknown; own image 1.8, 1.5, unknown, 1.6, unknown, 2.
        #expect(visit.isUnchanged([0], ratio: current))
        #expect(!visit.isUnchanged([1], ratio: current), "brighter than the own image too")
        #expect(visit.isUnchanged([0, 2, 3], ratio: current), "a small rise needs no own image; as bright as it is no change")
        #expect(!visit.isUnchanged([0, 1], ratio: current))
        #expect(!visit.isUnchanged([4], ratio: current), "the own image unknown where the rise is 0.25")
        #expect(!visit.isUnchanged([5], ratio: current), "unknown now")
        #expect(!PreviousVisit(ratio: reacquired, lesions: nothing).isUnchanged([0], ratio: current), "without the own image")
        var before = nothing
        before[0, 0, 0] = true
        #expect(!PreviousVisit(ratio: reacquired, lesions: before, ownRatio: own).isUnchanged([0, 2], ratio: current), "a lesion before")
    }

    /// Seeds at 1.4, growth to 1.2, the half-maximum edge: the built-in pipeline's thresholds.
    static let shownSegmentation = FLAIRLesionSegmentation(
        normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
        whiteMatterDilationMM: 2, ventricleMarginMM: 2, t1MaximumRatio: 1, edgeFraction: 0.5, earlierSignal: true)

    @Test(
        "shown before: per lesion, the previous peak must reach seed_ratio; then voxels ≥ grow_ratio and the half-maximum edge; none next to the ventricles; none unless the lesion's central voxel is shown"
    )
    func shownBeforeByHand() {
        let size = GridSize(8, 1, 1)
        // Lesion 1 on voxels 0…3 (centre 1.5: its core is voxel 1, the first of two), lesion 2 on
        // 5…6 (core 5), lesion 3 on 7; voxel 4 is background.
        let labels = LabelMap(labels: Volume(size: size, voxels: [1, 1, 1, 1, 0, 2, 2, 3]), count: 3)
        let runs = LabelRuns(labels)
        let ratio = Volume<Float>(size: size, voxels: [1.45, 2.0, 1.3, .nan, 3, 1.39, 1.3, 1.4])
        let nothing = Volume(size: size, repeating: false)
        let f = Self.shownSegmentation
        func shown(_ previous: PreviousVisit, near: Volume<Bool> = nothing) -> ShownBefore? {
            f.shownBefore(runs, count: 3, nearVentricles: near, spacingMM: [1, 1, 1], previous: previous)
        }
        // Lesion 1: peak 2.0 ≥ 1.4, edge 1 + 0.5 × 1.0 = 1.5, so voxel 1 only (1.45 < 1.5; NaN shows
        // nothing). Lesion 2: peak 1.39 < 1.4, none (voxel 4's 3 is background). Lesion 3: peak 1.4,
        // edge 1.2 → grow_ratio 1.2 wins, voxel 7.
        let one = shown(PreviousVisit(ratio: ratio, lesions: nothing))
        #expect(one?.voxels.voxels == [false, true, false, false, false, false, false, true])
        #expect(one?.asSeries == nil)
        // With the previous visit's own image: `voxels` reads it, `asSeries` the re-acquired ratio,
        // both for the lesions whose core the own image showed.
        let own = Volume<Float>(size: size, voxels: [1.5, 1.5, 1.5, 1.5, 1, 1.6, 1.25, 1])
        let both = shown(PreviousVisit(ratio: ratio, lesions: nothing, ownRatio: own))
        // Own: lesion 1 peak 1.5, edge 1.25: all four; lesion 2 peak 1.6, edge 1.3: voxel 5; lesion 3
        // none. Re-acquired: lesion 1's voxel 1; lesion 3's voxel 7 goes with its own-image core.
        #expect(both?.voxels.voxels == [true, true, true, true, false, true, false, false])
        #expect(both?.asSeries?.voxels == [false, true, false, false, false, false, false, false])
        #expect(shown(PreviousVisit(ratio: nil, lesions: nothing)) == nil)
        // The shown parts off the cores: lesion 1's voxel 0 (peak 2.0), lesion 2's voxel 6 (own
        // peak 1.6): neither lesion shows anything.
        let off = Volume<Float>(size: size, voxels: [2.0, 1.45, 1.3, .nan, 3, 1.39, 1.3, 1.4])
        #expect(
            shown(PreviousVisit(ratio: off, lesions: nothing))?.voxels.voxels == [false, false, false, false, false, false, false, true])
        let ownOff = Volume<Float>(size: size, voxels: [1.5, 1.5, 1.5, 1.5, 1, 1.25, 1.6, 1])
        let bothOff = shown(PreviousVisit(ratio: ratio, lesions: nothing, ownRatio: ownOff))
        #expect(bothOff?.voxels.voxels == [true, true, true, true, false, false, false, false])
        #expect(bothOff?.asSeries?.voxels == [false, true, false, false, false, false, false, false])
        // Voxels 0…3 within the ventricle margin show nothing; lesion 3 still does.
        let near = Volume(size: size, voxels: [true, true, true, true, false, false, false, false])
        #expect(
            shown(PreviousVisit(ratio: ratio, lesions: nothing), near: near)?.voxels.voxels == [
                false, false, false, false, false, false, false, true,
            ])
    }

    @Test("shown before: a lesion's core is its voxel nearest its centroid in mm, so the voxel size decides it")
    func shownBeforeCoreInMM() {
        // An L on a 3 × 3 grid: (0,0), (1,0), (2,0), (0,1), (0,2); centroid (0.6, 0.6) in voxels.
        // On 3 × 1 mm voxels (1,0) lies 1.80 mm² off (squared), (0,1) 3.40: the core is (1,0). On
        // 1 × 3 mm voxels, (1,0) 3.40 and (0,1) 1.80: the core is (0,1). (0,0) is 3.60 either way.
        let size = GridSize(3, 3, 1)
        let labels = LabelMap(labels: Volume(size: size, voxels: [1, 1, 1, 1, 0, 0, 1, 0, 0]), count: 1)
        let nothing = Volume(size: size, repeating: false)
        let f = Self.shownSegmentation
        func shown(_ spacing: [Double], brightAt n: Int) -> [Bool]? {
            var values = [Float](repeating: 1, count: 9)
            values[n] = 2
            return f.shownBefore(
                LabelRuns(labels), count: 1, nearVentricles: nothing, spacingMM: spacing,
                previous: PreviousVisit(ratio: Volume(size: size, voxels: values), lesions: nothing))?.voxels.voxels
        }
        let (none, at1, at3) = ([Bool](repeating: false, count: 9), (0..<9).map { $0 == 1 }, (0..<9).map { $0 == 3 })
        #expect(shown([3, 1, 1], brightAt: 1) == at1)
        #expect(shown([1, 3, 1], brightAt: 1) == none)
        #expect(shown([1, 3, 1], brightAt: 3) == at3)
        #expect(shown([3, 1, 1], brightAt: 3) == none)
        #expect(shown([1, 1, 1], brightAt: 0) == none)
        // Along a row of five voxels on 1 mm ones, the middle one.
        let row = LabelMap(labels: Volume(size: GridSize(5, 1, 1), voxels: [1, 1, 1, 1, 1]), count: 1)
        let line = Volume(size: GridSize(5, 1, 1), repeating: false)
        func rowShown(_ values: [Float]) -> [Bool]? {
            f.shownBefore(
                LabelRuns(row), count: 1, nearVentricles: line, spacingMM: [1, 1, 1],
                previous: PreviousVisit(ratio: Volume(size: GridSize(5, 1, 1), voxels: values), lesions: line))?.voxels.voxels
        }
        #expect(rowShown([2, 2, 1, 1, 1]) == [false, false, false, false, false])
        #expect(rowShown([1, 2, 2, 1, 1]) == [false, true, true, false, false])
    }

    @Test("segment's ventricle margin is the ventricles dilated by ventricle_margin_mm over the whole grid, box or not")
    func ventricleMargin() {
        let size = GridSize(44, 40, 36)
        var whiteMatter = Volume(size: size, repeating: false)
        var ventricles = whiteMatter
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx {
                    whiteMatter[i, j, k] = (17...26).contains(i) && (15...24).contains(j) && (13...22).contains(k)
                    ventricles[i, j, k] = (i == 20 || i == 21) && j == 19 && (17...18).contains(k)
                }
            }
        }
        let anatomy = SegmentationAnatomy(
            brain: Volume(size: size, repeating: true), whiteMatter: whiteMatter, cortex: Volume(size: size, repeating: false),
            ventricles: ventricles, spacingMM: [1, 1, 1])
        let flair = Volume<Float>(size: size, repeating: 100)
        for margin in [0, 1, 2] {
            var f = Self.shownSegmentation
            f.ventricleMarginMM = Double(margin)
            f.normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.25)
            let reference = Self.near(ventricles, margin: margin)
            #expect(f.readBox(anatomy: anatomy) != nil, "the test needs a box")
            #expect(f.segment(flair: flair, t1: nil, anatomy: anatomy).nearVentricles.voxels == reference, "margin \(margin)")
            #expect(reference.filter { $0 }.count == [4, 48, 180][margin], "margin \(margin)")
        }
    }

    @Test(
        "ventricle_csf_ratio: the margin is measured from the patient's own ventricles, dark on the T1w (or the FLAIR without one), found near the template's"
    )
    func ownVentricleMargin() {
        // The template's ventricles are two voxels wider (in x) than the patient's, whose CSF
        // (dark on both images) ends at x 19; a periventricular lesion lies at x 22-23, next to the
        // template's. In y the patient's ventricle is larger: an ependymal cap three voxels deep
        // (y 22-24) is bright on the FLAIR and dark on the T1w, as the ventricle it lines.
        let size = Self.sceneSize
        // Everything 8 voxels in from the coordinates above, so the segmentation's box is not the
        // whole grid.
        let box = Self.block
        let template = box(14...21, 14...21, 12...19)
        let csf = box(16...19, 14...21, 12...19)
        let cap = box(16...19, 22...24, 13...18)
        let lesion = box(22...23, 15...18, 13...16)
        let whiteMatter = box(6...29, 6...29, 4...27).intersecting([], excluding: [template])
        let anatomy = Self.sceneAnatomy(whiteMatter: whiteMatter, ventricles: template)
        let (flair, t1) = Self.sceneImages([(csf, 10, 10), (cap, 190, 10), (lesion, 200, 60)])
        var f = Self.shownSegmentation
        f.normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.25)
        #expect(f.readBox(anatomy: anatomy) != nil, "the test needs a box")
        func found(csfRatio: Double, t1 withT1: Bool) -> (lesion: [Bool], cap: Bool) {
            f.ventricleCSFRatio = csfRatio
            let out = f.segment(flair: flair, t1: withT1 ? t1 : nil, anatomy: anatomy).lesions
            return (out.intersecting([], excluding: [cap]).voxels, out.intersecting([cap], excluding: []).voxels.contains(true))
        }
        let none = [Bool](repeating: false, count: size.voxelCount)
        // The template's margin (2 mm) covers the lesion, not the cap's outer layer (y 24).
        #expect(found(csfRatio: 0, t1: true) == (none, true))
        #expect(found(csfRatio: 0, t1: false) == (none, true))
        // From the patient's CSF, the lesion is found whole. On the FLAIR the cap is not CSF, so
        // the margin ends at y 23 and its outer layer seeds; on the T1w it is, and it does not.
        #expect(found(csfRatio: 0.5, t1: true) == (lesion.voxels, false))
        #expect(found(csfRatio: 0.5, t1: false).lesion == lesion.voxels)
        #expect(found(csfRatio: 0.5, t1: false).cap)
    }

    @Test(
        "ventricle_wall_seeds: a lesion on the ventricle's wall whose seeds lie within the margin is found when it reaches past it; a lining within the margin is not"
    )
    func ventricleWallSeeds() {
        // The patient's CSF (dark on both images) ends at x 19; the margin is 2 mm (x 20-21). A
        // lesion on the wall, x 20-22: its core (x 20-21, FLAIR 1.7) is the only part at
        // seed_ratio, its outer layer (x 22, 1.38) lies past the margin, under seed_ratio and over
        // the half-maximum edge (1.35). A lining one voxel deep (x 20, 1.9) lies along the wall two
        // voxels from the lesion. Both are T1-dark (0.6), as a lesion and as partial volume with CSF.
        let size = Self.sceneSize
        let box = Self.block
        let csf = box(14...19, 14...21, 12...19)
        let core = box(20...21, 15...17, 13...15)
        let outer = box(22...22, 15...17, 13...15)
        let lining = box(20...20, 19...21, 12...19)
        let anatomy = Self.sceneAnatomy(whiteMatter: box(6...29, 6...29, 4...27).intersecting([], excluding: [csf]), ventricles: csf)
        let (flair, t1) = Self.sceneImages([(csf, 10, 10), (core, 170, 60), (outer, 138, 60), (lining, 190, 60)])
        var f = Self.shownSegmentation
        // A band of 0.1 leaves every lesion and lining voxel out of the reference, so white matter
        // reads 1 and the ratios are the values above over 100.
        f.normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.1)
        f.ventricleCSFRatio = 0.5
        #expect(f.readBox(anatomy: anatomy) != nil, "the test needs a box")
        let lesion = core.voxels.indices.map { core.voxels[$0] || outer.voxels[$0] }
        for wallSeeds in [false, true] {
            f.ventricleWallSeeds = wallSeeds
            let r = f.segment(flair: flair, t1: t1, anatomy: anatomy)
            let found = r.lesions
            // Without wall seeds nothing is found: no seed lies past the margin.
            let expected = wallSeeds ? lesion : [Bool](repeating: false, count: size.voxelCount)
            #expect(found.voxels == expected, "wall seeds \(wallSeeds): \(found.voxels.filter { $0 }.count) voxels found")
            // What the rule dropped is the lining, whole; without wall seeds the rule did not apply.
            #expect(r.withinVentricleMargin?.voxels == (wallSeeds ? lining.voxels : nil))
        }
    }

    @Test(
        "ventricle_wall_reach: a lesion whose half-maximum core lies within the margin is kept when it reads seed_ratio next to it past the margin; a cap whose partial volume there is under it is not"
    )
    func ventricleWallReach() {
        // As in `ventricleWallSeeds`: CSF to x 19, the margin x 20-21. A lesion on the wall: its core
        // (x 20-21, 1.9) within the margin, its outer layer (x 22, 1.42) past it, at seed_ratio and
        // under the core's half-maximum edge (1.45), so the trimmed lesion lies wholly within the
        // margin. A cap two voxels deep (x 20-21, 1.9), its partial volume past the margin (x 22,
        // 1.3) under seed_ratio.
        let size = Self.sceneSize
        let box = Self.block
        let csf = box(14...19, 10...25, 12...19)
        let core = box(20...21, 11...13, 13...15)
        let outer = box(22...22, 11...13, 13...15)
        let cap = box(20...21, 19...21, 13...15)
        let capEdge = box(22...22, 19...21, 13...15)
        let anatomy = Self.sceneAnatomy(whiteMatter: box(6...29, 6...29, 4...27).intersecting([], excluding: [csf]), ventricles: csf)
        let (flair, t1) = Self.sceneImages([
            (csf, 10, 10), (core, 190, 60), (outer, 142, 60), (cap, 190, 60), (capEdge, 130, 60),
        ])
        var f = Self.shownSegmentation
        f.normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.1)
        f.ventricleCSFRatio = 0.5
        f.ventricleWallSeeds = true
        let nothing = [Bool](repeating: false, count: size.voxelCount)
        for reach in [false, true] {
            f.ventricleWallReach = reach
            let r = f.segment(flair: flair, t1: t1, anatomy: anatomy)
            let expected = reach ? core.voxels : nothing
            // Compared as booleans: a failure then names the case, not two voxel arrays.
            let same = r.lesions.voxels == expected
            #expect(same, "reach \(reach): \(r.lesions.voxels.filter { $0 }.count) voxels found")
            let dropped = reach ? cap.voxels : zip(core.voxels, cap.voxels).map { $0 || $1 }
            let sameDropped = r.withinVentricleMargin?.voxels == dropped
            #expect(sameDropped, "reach \(reach): \(r.withinVentricleMargin?.voxels.filter { $0 }.count ?? -1) voxels dropped")
        }
    }

    /// The grid of the ventricle scenes, 56 × 52 × 48 at 1 mm. Each block is moved 8 voxels in
    /// along each axis (`block`), so a segmentation's box is not the whole grid.
    static let sceneSize = GridSize(56, 52, 48)

    /// The block `i` × `j` × `k` of `sceneSize`, moved 8 voxels in along each axis.
    static func block(_ i: ClosedRange<Int>, _ j: ClosedRange<Int>, _ k: ClosedRange<Int>) -> Volume<Bool> {
        var v = Volume(size: sceneSize, repeating: false)
        for z in k { for y in j { for x in i { v[x + 8, y + 8, z + 8] = true } } }
        return v
    }

    /// A ventricle scene's FLAIR and T1w: 100 (white matter) but over each block, its tones.
    static func sceneImages(_ blocks: [(block: Volume<Bool>, flair: Float, t1: Float)]) -> (flair: Volume<Float>, t1: Volume<Float>) {
        var flair = Volume<Float>(size: sceneSize, repeating: 100)
        var t1 = flair
        for (block, f, t) in blocks {
            for n in block.voxels.indices where block.voxels[n] { (flair.voxels[n], t1.voxels[n]) = (f, t) }
        }
        return (flair, t1)
    }

    /// A ventricle scene's anatomy: all brain, no cortex, 1 mm voxels.
    static func sceneAnatomy(whiteMatter: Volume<Bool>, ventricles: Volume<Bool>) -> SegmentationAnatomy {
        SegmentationAnatomy(
            brain: Volume(size: sceneSize, repeating: true), whiteMatter: whiteMatter,
            cortex: Volume(size: sceneSize, repeating: false), ventricles: ventricles, spacingMM: [1, 1, 1])
    }

    /// The voxels within `margin` voxels (a box) of a ventricle, by brute force: every ventricle
    /// voxel marks its box.
    static func near(_ ventricles: Volume<Bool>, margin: Int) -> [Bool] {
        let s = ventricles.size
        var out = [Bool](repeating: false, count: s.voxelCount)
        for m in ventricles.voxels.indices where ventricles.voxels[m] {
            let (a, b, c) = (m % s.nx, (m / s.nx) % s.ny, m / (s.nx * s.ny))
            for k in max(0, c - margin)...min(s.nz - 1, c + margin) {
                for j in max(0, b - margin)...min(s.ny - 1, b + margin) {
                    for i in max(0, a - margin)...min(s.nx - 1, a + margin) { out[i + s.nx * (j + s.ny * k)] = true }
                }
            }
        }
        return out
    }

    /// Shown before, per lesion and voxel by the definition: voxels in `near` left out; the
    /// lesion's core, the first of its other voxels nearest their mean position in mm; in `first`
    /// and in `second`, the lesion's peak over its other known values, then each voxel against
    /// `max(grow, 1 + edge · (peak − 1))`, for a lesion whose core `first` shows.
    static func referenceShown(
        _ labels: LabelMap, spacing: [Double], near: [Bool], first: Volume<Float>, second: Volume<Float>?,
        seed: Float, grow: Float, edge: Float
    ) -> (voxels: [Bool], asSeries: [Bool]?, kept: Int) {
        let all = labels.labels.voxels
        let s = labels.size
        var voxels = [Bool](repeating: false, count: all.count)
        var asSeries = second.map { _ in voxels }
        var kept = 0
        for label in Int32(1)...Int32(max(1, labels.count)) where labels.count > 0 {
            let members = all.indices.filter { all[$0] == label && !near[$0] }
            guard !members.isEmpty else { continue }
            let position = members.map { [Double($0 % s.nx), Double(($0 / s.nx) % s.ny), Double($0 / (s.nx * s.ny))] }
            let mean = (0..<3).map { a in position.reduce(0.0) { $0 + $1[a] } / Double(members.count) }
            let distances = position.map { (p: [Double]) -> Double in
                var squared = 0.0
                for a in 0..<3 {
                    let d: Double = (p[a] - mean[a]) * spacing[a]
                    squared += d * d
                }
                return squared
            }
            let core = members[distances.firstIndex(of: distances.min()!)!]
            func level(_ v: Volume<Float>) -> Float {
                guard let peak = members.map({ v.voxels[$0] }).filter({ !$0.isNaN }).max(), peak >= seed else { return .infinity }
                return max(grow, 1 + edge * (peak - 1))
            }
            guard first.voxels[core] >= level(first) else { continue }
            kept += 1
            for n in members {
                voxels[n] = first.voxels[n] >= level(first)
                if let second { asSeries![n] = second.voxels[n] >= level(second) }
            }
        }
        return (voxels, asSeries, kept)
    }

    @Test("shown before equals the per-lesion definition on 200 random label maps, ratios, voxel sizes and margins, NaN included")
    func shownBeforeAgainstReference() {
        var (kept, dropped) = (0, 0)
        for seed in UInt64(0)..<200 {
            var rng = SeededGenerator(seed: 0x5B0 + seed)
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let count = Int.random(in: 0...5, using: &rng)
            let labels = LabelMap(
                labels: Volume(size: size, voxels: (0..<size.voxelCount).map { _ in Int32.random(in: 0...Int32(count), using: &rng) }),
                count: count)
            let (ratio, own) = (Self.values(size, &rng), Self.values(size, &rng))
            let near = RandomVolumes.noise(size, density: [0, 0.05, 0.3][Int(seed % 3)], &rng)
            let spacing = (0..<3).map { _ in [1, 0.5, Double.random(in: 0.4...5, using: &rng)][Int(seed % 3)] }
            var f = Self.shownSegmentation
            f.seedRatio = Double.random(in: 1.2...2.5, using: &rng)
            f.growRatio = Double.random(in: 1...f.seedRatio, using: &rng)
            f.edgeFraction = [0, 0.5, Double.random(in: 0...1, using: &rng)][seed % 3 == 0 ? 0 : Int(seed % 2) + 1]
            let (s, g, e) = (Float(f.seedRatio), Float(f.growRatio), Float(f.edgeFraction))
            let nothing = Volume(size: size, repeating: false)
            let runs = LabelRuns(labels)
            func shown(_ previous: PreviousVisit) -> ShownBefore? {
                f.shownBefore(runs, count: count, nearVentricles: near, spacingMM: spacing, previous: previous)
            }
            let one = shown(PreviousVisit(ratio: ratio, lesions: nothing))
            let expectOne = Self.referenceShown(
                labels, spacing: spacing, near: near.voxels, first: ratio, second: nil, seed: s, grow: g, edge: e)
            #expect(one?.voxels.voxels == expectOne.voxels, "seed \(seed)")
            let two = shown(PreviousVisit(ratio: ratio, lesions: nothing, ownRatio: own))
            let expectTwo = Self.referenceShown(
                labels, spacing: spacing, near: near.voxels, first: own, second: ratio, seed: s, grow: g, edge: e)
            #expect(two?.voxels.voxels == expectTwo.voxels, "seed \(seed)")
            #expect(two?.asSeries?.voxels == expectTwo.asSeries, "seed \(seed)")
            kept += expectOne.kept + expectTwo.kept
            dropped += 2 * count - expectOne.kept - expectTwo.kept
        }
        // Both cases occur: lesions whose core was shown, and lesions without.
        #expect(kept > 50 && dropped > 50, "kept \(kept), dropped \(dropped)")
    }

    /// The smooth reference computed the slow way: block sums, a direct (non-separable) 3D
    /// Gaussian sum over the coarse grid, and trilinear interpolation evaluated per voxel.
    static func referenceField(_ v: Volume<Float>, _ w: Volume<Bool>, spacing: [Double], sigmaMM: Double, blockMM: Double) -> [Double] {
        let s = v.size
        let n = [s.nx, s.ny, s.nz]
        let b = spacing.map { max(1, Int((blockMM / $0).rounded())) }
        let c = (0..<3).map { (n[$0] + b[$0] - 1) / b[$0] }
        var sum = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: c[2]), count: c[1]), count: c[0])
        var weight = sum
        for k in 0..<s.nz {
            for j in 0..<s.ny {
                for i in 0..<s.nx where w[i, j, k] && v[i, j, k].isFinite {
                    sum[i / b[0]][j / b[1]][k / b[2]] += Double(v[i, j, k])
                    weight[i / b[0]][j / b[1]][k / b[2]] += 1
                }
            }
        }
        let sigma = (0..<3).map { sigmaMM / (spacing[$0] * Double(b[$0])) }
        let r = sigma.map { Int((3 * $0).rounded(.up)) }
        var ratio = sum
        for x in 0..<c[0] {
            for y in 0..<c[1] {
                for z in 0..<c[2] {
                    var num = 0.0, den = 0.0
                    for a in 0..<c[0] where abs(a - x) <= r[0] {
                        for bb in 0..<c[1] where abs(bb - y) <= r[1] {
                            for cc in 0..<c[2] where abs(cc - z) <= r[2] {
                                var g = 1.0
                                for (d, sg) in zip([a - x, bb - y, cc - z], sigma) { g *= exp(-Double(d * d) / (2 * sg * sg)) }
                                num += g * sum[a][bb][cc]
                                den += g * weight[a][bb][cc]
                            }
                        }
                    }
                    ratio[x][y][z] = den >= 1 ? num / den : .nan
                }
            }
        }
        var out: [Double] = []
        for k in 0..<s.nz {
            for j in 0..<s.ny {
                for i in 0..<s.nx {
                    let u = [i, j, k].enumerated().map { axis, p in
                        min(max((Double(p) - Double(b[axis] - 1) / 2) / Double(b[axis]), 0), Double(c[axis] - 1))
                    }
                    let lo = u.map { Int($0) }
                    var total = 0.0
                    for corner in 0..<8 {
                        var g = 1.0
                        var idx = [0, 0, 0]
                        for axis in 0..<3 {
                            let upper = corner >> axis & 1 == 1
                            let t = u[axis] - Double(lo[axis])
                            idx[axis] = min(lo[axis] + (upper ? 1 : 0), c[axis] - 1)
                            g *= upper ? t : 1 - t
                        }
                        if g > 0 { total += g * ratio[idx[0]][idx[1]][idx[2]] }
                    }
                    out.append(total)
                }
            }
        }
        return out
    }

    @Test("the smooth reference equals the direct 3D normalised convolution on 60 random volumes")
    func smoothReference() {
        var rng = SeededGenerator(seed: 2012)
        for _ in 0..<60 {
            let size = GridSize(
                Int.random(in: 1...14, using: &rng), Int.random(in: 1...12, using: &rng), Int.random(in: 1...10, using: &rng))
            let v = Self.values(size, &rng)
            let w = RandomVolumes.noise(size, density: 0.6, &rng)
            let spacing = (0..<3).map { _ in [1.0, 1.2, 2.0, 5.0].randomElement(using: &rng)! }
            let sigma = Double.random(in: 2...12, using: &rng)
            let fast = SmoothReference(sigmaMM: sigma, blockMM: 4).field(v, weights: w, spacingMM: spacing).voxels
            let slow = Self.referenceField(v, w, spacing: spacing, sigmaMM: sigma, blockMM: 4)
            for (a, b) in zip(fast, slow) {
                if b.isNaN { #expect(a.isNaN) } else { #expect(abs(Double(a) - b) <= 1e-4 * max(1, abs(b)), "\(a) vs \(b)") }
            }
        }
    }

    @Test("a bias field is divided out: white matter under a linear bias of ±15 % reads 1 within 1 %")
    func biasRemoved() {
        // 160 mm along i; the bias rises linearly from 0.85 to 1.15 across it.
        let size = GridSize(80, 6, 6)
        var v = Volume<Float>(size: size, repeating: 0)
        for k in 0..<6 {
            for j in 0..<6 {
                for i in 0..<80 { v[i, j, k] = 500 * Float(0.85 + 0.3 * Double(i) / 79) }
            }
        }
        let w = Volume(size: size, repeating: true)
        let field = SmoothReference(sigmaMM: 20).field(v, weights: w, spacingMM: [2, 2, 2])
        // Three standard deviations from the ends a symmetric Gaussian leaves a linear field
        // unchanged; a global mean would be 15 % off at the ends of that stretch.
        for i in 30..<50 { #expect(abs(v[i, 3, 3] / field[i, 3, 3] - 1) < 0.01, "\(i)") }
        #expect(abs(v[30, 3, 3] / 500 - 1) > 0.03)
    }

    @Test("growth from enhancing voxels equals per-component brute force on 200 random volumes, with and without a reach")
    func enhancingSeeds() {
        var rng = SeededGenerator(seed: 1617)
        // The reach drawn apart, so the volumes are those drawn before it existed.
        var reaches = SeededGenerator(seed: 1618)
        var added = 0, bounded = 0, differs = 0
        for _ in 0..<200 {
            let reach = [0, 1, 2][Int.random(in: 0..<3, using: &reaches)]
            let segmentation = FLAIRLesionSegmentation(
                normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
                whiteMatterDilationMM: 2, ventricleMarginMM: 2, t1MaximumRatio: 1, edgeFraction: 0.5,
                enhancingReachMM: Double(reach) * 0.8)
            let size = RandomVolumes.size(&rng, maximumExtent: 9)
            let ratio = Self.values(size, &rng)
            let region = RandomVolumes.noise(size, density: 0.8, &rng)
            let enhancing = RandomVolumes.noise(size, density: Double.random(in: 0.01...0.2, using: &rng), &rng)
            // 0.8 mm voxels: a reach of 0.8 or 1.6 mm is one or two voxels.
            let fast = segmentation.growing(fromEnhancing: enhancing, ratio: ratio, region: region, spacingMM: [0.8, 0.8, 0.8])
            var anywhere = segmentation
            anywhere.enhancingReachMM = 0
            if reach > 0
                && anywhere.growing(fromEnhancing: enhancing, ratio: ratio, region: region, spacingMM: [0.8, 0.8, 0.8]).voxels
                    != fast.voxels
            {
                differs += 1
            }
            // Brute force: the components of (ratio ≥ 1.2 in the region, within `reach` voxels along
            // every axis of an enhancing voxel when the reach is set) holding a seed (an enhancing
            // voxel among them), each trimmed to half its peak above 1, and the trimmed pieces
            // holding a seed.
            let n = size.voxelCount
            let enhancingVoxels = (0..<n).filter { enhancing.voxels[$0] }.map { size.index(ofOffset: $0) }
            func near(_ v: Int) -> Bool {
                guard reach > 0 else { return true }
                let c = size.index(ofOffset: v)
                return enhancingVoxels.contains { abs($0.i - c.i) <= reach && abs($0.j - c.j) <= reach && abs($0.k - c.k) <= reach }
            }
            let above = Volume(size: size, voxels: (0..<n).map { region.voxels[$0] && ratio.voxels[$0] >= 1.2 && near($0) })
            if reach > 0 { bounded += 1 }
            let seed = (0..<n).map { above.voxels[$0] && enhancing.voxels[$0] }
            let label = Self.referenceComponents(above)
            let seeded = Set((0..<n).filter { seed[$0] }.map { label[$0] })
            var peak: [Int: Float] = [:]
            for v in 0..<n where seeded.contains(label[v]) { peak[label[v]] = max(peak[label[v]] ?? -.infinity, ratio.voxels[v]) }
            let trimmed = Volume(
                size: size,
                voxels: (0..<n).map { v in
                    seeded.contains(label[v]) && ratio.voxels[v] >= 1 + 0.5 * (peak[label[v]]! - 1)
                })
            let pieces = Self.referenceComponents(trimmed)
            let kept = Set((0..<n).filter { seed[$0] && trimmed.voxels[$0] }.map { pieces[$0] })
            let slow = (0..<n).map { trimmed.voxels[$0] && kept.contains(pieces[$0]) }
            #expect(fast.voxels == slow)
            added += slow.filter { $0 }.count
        }
        #expect(added > 1000)
        // The reach was drawn in about two thirds of the volumes, and changed the lesions in some.
        #expect(bounded > 100)
        #expect(differs > 10, "\(differs) of \(bounded)")
    }

    @Test(
        "growth from an enhancing lesion stays within enhancing_reach_mm: a band of grey matter does not join it to a mimic whose half-maximum edge trims it away"
    )
    func enhancingReach() {
        // 1 mm voxels, along i: an enhancing lesion at 1.31 (i 2...4), a grey-matter band at 1.25
        // (i 5...30, over grow_ratio 1.2), a cortical mimic at 1.72 (i 31...33), white matter after.
        let size = GridSize(40, 5, 5)
        var ratio = Volume<Float>(size: size, repeating: 1)
        var enhancing = Volume(size: size, repeating: false)
        for k in 0..<5 {
            for j in 0..<5 {
                for i in 0..<40 {
                    ratio[i, j, k] = (2...4).contains(i) ? 1.31 : (5...30).contains(i) ? 1.25 : (31...33).contains(i) ? 1.72 : 1
                    enhancing[i, j, k] = (2...4).contains(i)
                }
            }
        }
        let region = Volume(size: size, repeating: true)
        func grown(reachMM: Double) -> [Int] {
            let segmentation = FLAIRLesionSegmentation(
                normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
                whiteMatterDilationMM: 2, ventricleMarginMM: 2, t1MaximumRatio: 1, edgeFraction: 0.5, enhancingReachMM: reachMM)
            let g = segmentation.growing(fromEnhancing: enhancing, ratio: ratio, region: region, spacingMM: [1, 1, 1])
            return (0..<40).filter { g[$0, 2, 2] }
        }
        // Anywhere: one region from i 2 to 33, peak 1.72, edge 1.36: the lesion is trimmed away.
        #expect(grown(reachMM: 0) == [])
        // Within 2 mm: i 0...6, peak 1.31, edge 1.155: the lesion and the band within reach.
        #expect(grown(reachMM: 2) == [2, 3, 4, 5, 6])
    }

    @Test(
        "a lesion under the seed ratio is found from its enhancement, a found one is found again whole, nothing grows from outside the region or under the grow ratio"
    )
    func enhancingSeedCases() {
        // One row: a faint lesion (peak 1.3, under seed 1.4) | white matter | a bright lesion (1.8) |
        // white matter | a faint lesion outside the region | a voxel at 1.1 (under grow 1.2).
        let size = GridSize(12, 1, 1)
        let ratio = Volume<Float>(size: size, voxels: [1.25, 1.3, 1.0, 1.7, 1.8, 1.0, 1.3, 1.3, 1.0, 1.1, 1.0, 1.0])
        let region = Volume(size: size, voxels: [true, true, true, true, true, true, false, true, true, true, true, true])
        let enhancing = Volume(size: size, voxels: [false, true, false, false, true, false, true, true, false, true, false, false])
        let segmentation = FLAIRLesionSegmentation(
            normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25), seedRatio: 1.4, growRatio: 1.2,
            whiteMatterDilationMM: 2, ventricleMarginMM: 2, t1MaximumRatio: 1, edgeFraction: 0.5)
        let grown = segmentation.growing(fromEnhancing: enhancing, ratio: ratio, region: region, spacingMM: [1, 1, 1])
        // 0-1: grown from voxel 1 (half-maximum edge 1.15 keeps 1.25). 3-4: the bright lesion again,
        // whole (edge 1.4). 6: outside the region. 7: alone at 1.3, its own peak. 9: under 1.2.
        #expect(grown.voxels == [true, true, false, true, true, false, false, true, false, false, false, false])
    }

    @Test("enhancing regions are kept or dropped whole by their mean FLAIR ratio")
    func flairCheck() {
        let size = GridSize(7, 1, 1)
        let mask = Volume(size: size, voxels: [true, true, false, true, true, true, false])
        let flair = Volume<Float>(size: size, voxels: [1.5, 1.0, 9, 0.2, 0.3, 2.0, 9])
        // Means: 1.25 (kept at 1.2), 0.83 (dropped).
        let kept = EnhancementSegmentation.keeping(mask, meanAtLeast: 1.2, of: flair)
        #expect(kept.voxels == [true, true, false, false, false, false, false])
    }

    /// Post-contrast 170 against 100 (a difference of 0.7 of white matter) over an enhancing
    /// lesion (3 × 3 × 3, FLAIR ratio 1.5) and, one voxel (2 mm between centres) away, a larger
    /// FLAIR-dark enhancing region (8 × 6 × 6, FLAIR 0.6, the choroid plexus where the template's
    /// ventricles miss it); the FLAIR 1 elsewhere. With `plexusFLAIR` 1.5 both are lesion-bright.
    static func nearPlexus(plexusFLAIR: Float) -> (lesions: Volume<Bool>, lesion: Volume<Bool>, plexus: Volume<Bool>) {
        let size = GridSize(20, 12, 12)
        var post = Volume<Float>(size: size, repeating: 100)
        var flair = Volume<Float>(size: size, repeating: 1)
        var lesion = Volume(size: size, repeating: false)
        var plexus = lesion
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx {
                    lesion[i, j, k] = (3...5).contains(i) && (4...6).contains(j) && (4...6).contains(k)
                    plexus[i, j, k] = (7...14).contains(i) && (3...8).contains(j) && (3...8).contains(k)
                    if lesion[i, j, k] || plexus[i, j, k] { post[i, j, k] = 170 }
                    if lesion[i, j, k] { flair[i, j, k] = 1.5 }
                    if plexus[i, j, k] { flair[i, j, k] = plexusFLAIR }
                }
            }
        }
        let anatomy = SegmentationAnatomy(
            brain: Volume(size: size, repeating: true), whiteMatter: Volume(size: size, repeating: true),
            cortex: Volume(size: size, repeating: false), ventricles: Volume(size: size, repeating: false), spacingMM: [1, 1, 1])
        let enhancement = EnhancementSegmentation(
            normalisation: WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 0, band: 0.25), seedDifference: 0.45,
            growDifference: 0.3, whiteMatterDilationMM: 0, brainMarginMM: 0, ventricleMarginMM: 0, closingMM: 2,
            flairMinimumRatio: 1.1)
        let pre = Volume<Float>(size: size, repeating: 100)
        return (enhancement.segmentWhole(post: post, pre: pre, flairRatio: flair, anatomy: anatomy).lesions, lesion, plexus)
    }

    @Test("the FLAIR check reads each grown region before the closing: a lesion 2 mm from a FLAIR-dark region is kept, the region dropped")
    func flairCheckBeforeClosing() {
        // Closed first, the two were one region of mean FLAIR 0.69 (under 1.1), and the lesion was lost.
        let (lesions, lesion, _) = Self.nearPlexus(plexusFLAIR: 0.6)
        let found = lesions.voxels.filter { $0 }.count
        let onlyTheLesion = lesions.voxels == lesion.voxels
        #expect(onlyTheLesion, "\(found) voxels found, the lesion is 27")
        // Both FLAIR-bright: the closing still joins them across the gap, as it joins a patchy ring.
        let (both, a, b) = Self.nearPlexus(plexusFLAIR: 1.5)
        #expect((0..<both.voxels.count).allSatisfy { !(a.voxels[$0] || b.voxels[$0]) || both.voxels[$0] })
        #expect(both[6, 5, 5] && both[6, 4, 4] && both[6, 6, 6])
        var components = 0
        Neighbours.components(of: both) { _ in components += 1 }
        #expect(components == 1)
    }

    @Test(
        "Gd ventricle_csf_ratio: the choroid plexus is kept out by the patient's CSF (pre-contrast T1w, else FLAIR), so the template's ventricles no longer hide a periventricular lesion"
    )
    func enhancementOwnVentricles() {
        // The template's ventricles (x 14-21) lie three voxels off the patient's CSF (x 17-24). An
        // enhancing lesion at x 15-16 lies in the template's ventricles, next to the CSF; an
        // enhancing plexus at x 22-23 lies in the CSF, outside the template's ventricles (within 2
        // mm of them). Everything 8 voxels in, so the segmentation's box is not the whole grid.
        let size = Self.sceneSize
        let box = Self.block
        let template = box(14...21, 14...21, 12...19)
        let csf = box(17...24, 14...21, 12...19)
        let plexus = box(22...23, 16...19, 14...17)
        let lesion = box(15...16, 15...18, 13...16)
        let anatomy = Self.sceneAnatomy(whiteMatter: box(6...29, 6...29, 4...27), ventricles: template)
        // White matter 100 on every image. The CSF is 10 on each. The lesion: pre-contrast 80,
        // post-contrast 180, FLAIR 200. The plexus: dark before contrast as the CSF it lies in
        // (the generated patients' plexus) or tissue-like (65, as grey matter), 170 after; on
        // the FLAIR 150, so that the FLAIR check passes it and only the ventricles keep it out,
        // or 60, as a real plexus in CSF.
        func images(plexusPre: Float, plexusFLAIR: Float) -> (pre: Volume<Float>, post: Volume<Float>, flair: Volume<Float>) {
            var (pre, post, flair) = (
                Volume<Float>(size: size, repeating: 100), Volume<Float>(size: size, repeating: 100),
                Volume<Float>(size: size, repeating: 100)
            )
            for n in pre.voxels.indices {
                if csf.voxels[n] { (pre.voxels[n], post.voxels[n], flair.voxels[n]) = (10, 10, 10) }
                if plexus.voxels[n] { (pre.voxels[n], post.voxels[n], flair.voxels[n]) = (plexusPre, 170, plexusFLAIR) }
                if lesion.voxels[n] { (pre.voxels[n], post.voxels[n], flair.voxels[n]) = (80, 180, 200) }
            }
            return (pre, post, flair)
        }
        let normalisation = WhiteMatterNormalisation(sigmaMM: 2, erosionMM: 0, band: 0.25)
        var e = EnhancementSegmentation(
            normalisation: normalisation, seedDifference: 0.45, growDifference: 0.3, whiteMatterDilationMM: 0,
            brainMarginMM: 0, ventricleMarginMM: 0, closingMM: 0, flairMinimumRatio: 1.1, ventricleReachMM: 2)
        #expect(anatomy.box(dilationMM: 0, reachMM: 2, reference: SmoothReference(sigmaMM: 2)).map { !$0.isWhole } == true)
        let none = [Bool](repeating: false, count: size.voxelCount)
        func found(
            _ csfRatio: Double, pre withPre: Bool, flair withFLAIR: Bool, plexusPre: Float = 10, plexusFLAIR: Float = 150
        )
            -> (lesion: [Bool], plexus: Bool)
        {
            e.ventricleCSFRatio = csfRatio
            let (pre, post, flair) = images(plexusPre: plexusPre, plexusFLAIR: plexusFLAIR)
            let ratio =
                withFLAIR
                ? anatomy.whiteMatterRatio(
                    flair, reference: SmoothReference(sigmaMM: 2), core: anatomy.whiteMatter, band: 0.25) : nil
            let out = e.segment(post: post, pre: withPre ? pre : nil, flairRatio: ratio, anatomy: anatomy).lesions
            return (out.intersecting([], excluding: [plexus]).voxels, out.intersecting([plexus], excluding: []).voxels.contains(true))
        }
        // The template's ventricles: the lesion is lost, the plexus found.
        #expect(found(0, pre: true, flair: true) == (none, true))
        #expect(found(0, pre: true, flair: false) == (none, true))
        // The patient's CSF on the pre-contrast T1w: the lesion is found whole, the plexus not.
        #expect(found(0.5, pre: true, flair: true) == (lesion.voxels, false))
        // Without the FLAIR check the template's ventricles stay out too: the plexus is kept out
        // and the lesion is still lost.
        #expect(found(0.5, pre: true, flair: false) == (none, false))
        // No pre-contrast image: the FLAIR's CSF. The lesion is found; this plexus is bright on the
        // FLAIR, so it is not CSF there and is found too.
        #expect(found(0.5, pre: false, flair: true) == (lesion.voxels, true))
        // A plexus that reads as tissue before contrast is searched; the FLAIR check drops it.
        #expect(found(0.5, pre: true, flair: true, plexusPre: 65, plexusFLAIR: 60) == (lesion.voxels, false))
        #expect(found(0.5, pre: true, flair: true, plexusPre: 65, plexusFLAIR: 150) == (lesion.voxels, true))
    }

    @Test("an enhancing region the FLAIR does not reach is kept; NaN voxels do not count in the mean")
    func flairUnknownKeeps() {
        let size = GridSize(9, 1, 1)
        let mask = Volume(size: size, voxels: [true, true, false, true, true, false, true, true, true])
        let nan = Float.nan
        let flair = Volume<Float>(size: size, voxels: [nan, nan, 9, nan, 0.5, 9, nan, 1.3, 1.3])
        // No finite value: kept. One finite 0.5: dropped. Finite mean 1.3 with a NaN: kept.
        let kept = EnhancementSegmentation.keeping(mask, meanAtLeast: 1.2, of: flair)
        #expect(kept.voxels == [true, true, false, false, false, false, true, true, true])
    }
}
