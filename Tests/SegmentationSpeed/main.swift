// The raw-scan segmentation kernels on a synthetic 1 mm head: hashes of both series' lesion
// masks (which must not change) and seconds per kernel and per series. Compiled with the
// kernels' sources as one module (`run.sh`), as `swift build -c release` compiles it.
#if canImport(Glibc)
import Glibc

// The allocator keeps freed memory as `lesiontrack` sets it (CAllocator): blocks up to 32 MiB
// from the heap, 64 MiB kept before trimming, one arena.
@_silgen_name("mallopt") func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
_ = mallopt(-8, 1)  // M_ARENA_MAX
_ = mallopt(-1, 64 << 20)  // M_TRIM_THRESHOLD
_ = mallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD
#endif

struct Rng {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

/// Seconds of this thread's CPU time (less moved by other work on the machine than the wall
/// clock; `wall` for the latter).
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func wall() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func hash(_ mask: Volume<Bool>) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var count = 0
    for (n, v) in mask.voxels.enumerated() where v {
        h = (h ^ UInt64(n)) &* 0x100_0000_01b3
        count += 1
    }
    return "\(count) voxels, \(String(h, radix: 16))"
}

let size = GridSize(220, 250, 200)
let (cx, cy, cz) = (110.0, 125.0, 100.0)
func inEllipsoid(
    _ i: Int, _ j: Int, _ k: Int, _ a: Double, _ b: Double, _ c: Double, dx: Double = 0, dy: Double = 0, dz: Double = 0
) -> Bool {
    let x = (Double(i) - cx - dx) / a, y = (Double(j) - cy - dy) / b, z = (Double(k) - cz - dz) / c
    return x * x + y * y + z * z <= 1
}
var brain = Volume(size: size, repeating: false)
var wm = brain, cortex = brain, ventricles = brain, head = brain
for k in 0..<size.nz {
    for j in 0..<size.ny {
        for i in 0..<size.nx {
            let n = size.offset(i, j, k)
            head.voxels[n] = inEllipsoid(i, j, k, 95, 115, 90)
            brain.voxels[n] = inEllipsoid(i, j, k, 70, 88, 68)
            wm.voxels[n] = inEllipsoid(i, j, k, 58, 76, 56)
            cortex.voxels[n] = brain.voxels[n] && !inEllipsoid(i, j, k, 64, 82, 62)
            ventricles.voxels[n] =
                inEllipsoid(i, j, k, 6, 25, 10, dx: -10) || inEllipsoid(i, j, k, 6, 25, 10, dx: 10)
            if ventricles.voxels[n] { wm.voxels[n] = false }
        }
    }
}
// Images: FLAIR, T1w (lesions dark), post-contrast and pre-contrast T1w (some lesions enhance).
var rng = Rng(state: 16)
var flair = Volume<Float>(size: size, repeating: 0)
var t1 = flair, post = flair, pre = flair
for k in 0..<size.nz {
    for j in 0..<size.ny {
        for i in 0..<size.nx {
            let n = size.offset(i, j, k)
            let bias = 1 + 0.15 * sin(Double(i) / 60) * cos(Double(j) / 70 + Double(k) / 90)
            var (f, t): (Double, Double) = (0, 0)
            if ventricles.voxels[n] {
                (f, t) = (25, 30)
            } else if wm.voxels[n] {
                (f, t) = (100, 100)
            } else if brain.voxels[n] {
                (f, t) = (115, 75)
            } else if head.voxels[n] {
                (f, t) = (60, 90)
            }
            let noise = 1 + 0.04 * (rng.next() - 0.5) * 2
            flair.voxels[n] = Float(f * bias * noise)
            t1.voxels[n] = Float(t * bias * noise)
            pre.voxels[n] = Float(t * bias * (1 + 0.04 * (rng.next() - 0.5) * 2))
            post.voxels[n] = Float(t * bias * (1 + 0.04 * (rng.next() - 0.5) * 2))
        }
    }
}
for l in 0..<40 {
    let side = 3 + l % 6
    var (i0, j0, k0) = (0, 0, 0)
    repeat {
        i0 = Int(rng.next() * Double(size.nx - side))
        j0 = Int(rng.next() * Double(size.ny - side))
        k0 = Int(rng.next() * Double(size.nz - side))
    } while !(wm[i0, j0, k0] && wm[i0 + side - 1, j0 + side - 1, k0 + side - 1])
    for k in k0..<(k0 + side) {
        for j in j0..<(j0 + side) {
            for i in i0..<(i0 + side) {
                let n = size.offset(i, j, k)
                flair.voxels[n] *= 1.7
                t1.voxels[n] *= 0.8
                pre.voxels[n] *= 0.8
                post.voxels[n] *= l % 3 == 0 ? 1.6 : 0.8
            }
        }
    }
}
// Enhancement outside the parenchyma: a vessel on the brain's surface, the choroid plexus.
for k in 60..<140 {
    for (i, j) in [(110, 125 + 87), (100, 125)] {
        for d in 0..<3 { post.voxels[size.offset(i + d, j, k)] *= 1.8 }
    }
}
let anatomy = SegmentationAnatomy(brain: brain, whiteMatter: wm, cortex: cortex, ventricles: ventricles, spacingMM: [1, 1, 1])
let normalisation = WhiteMatterNormalisation(sigmaMM: 20, erosionMM: 2, band: 0.25)
let flairSegmentation = FLAIRLesionSegmentation(
    normalisation: normalisation, seedRatio: 1.4, growRatio: 1.2, whiteMatterDilationMM: 2, ventricleMarginMM: 2,
    t1MaximumRatio: 1.0, edgeFraction: 0.5)
let enhancement = EnhancementSegmentation(
    normalisation: normalisation, seedDifference: 0.45, growDifference: 0.3, whiteMatterDilationMM: 2, brainMarginMM: 2,
    ventricleMarginMM: 0, closingMM: 2, flairMinimumRatio: 1.2)

var flairOwn = flairSegmentation
flairOwn.ventricleCSFRatio = 0.5
var enhancementOwn = enhancement
enhancementOwn.ventricleCSFRatio = 0.5
enhancementOwn.ventricleReachMM = 2

let args = CommandLine.arguments
let runs = args.count > 1 ? Int(args[1])! : 1
let kernels = args.contains("kernels")

// `run.sh . N resampling`: the head's FLAIR (float32) and an Int16 copy of it resampled onto
// the same grid turned by 0.1 rad about z and shifted, trilinear and nearest, by the
// closure-based kernel and by the one reading stored values, alternated, with the bits compared;
// the stored int16 trilinear also in wall time on one thread and on two.
if args.contains("resampling") {
    let (c, s) = (cos(0.1), sin(0.1))
    let size = flair.size
    let turned = VoxelGeometry(size: size, affine: Affine(rows: [[c, -s, 0, 12], [s, c, 0, -9], [0, 0, 1, 1.5]]))
    let placement = GridPlacement(source: VoxelGeometry(size: size, affine: .spacing(1, 1, 1)), onto: turned)!
    let int16 = flair.voxels.map { Int16(clamping: Int(($0 * 100).rounded())) }
    let scaling = IntensityScaling(slope: 0.01, intercept: 0)
    func same(_ a: Volume<Double>, _ b: Volume<Double>) -> Bool {
        zip(a.voxels, b.voxels).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
    let n = Double(size.voxelCount)
    for run in 0..<runs {
        var t = now()
        let a = flair.voxels.withUnsafeBufferPointer { v in placement.trilinear({ Double(v[$0]) }) }
        let ta = now() - t
        t = now()
        let b = flair.voxels.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: .identity) }
        let tb = now() - t
        t = now()
        let c16 = int16.withUnsafeBufferPointer { v in placement.trilinear({ scaling.apply(Double(v[$0])) }) }
        let tc = now() - t
        t = now()
        let d16 = int16.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: scaling) }
        let td = now() - t
        // Wall time, one thread against two (`now()` is the calling thread's CPU time only).
        var w = wall()
        _ = int16.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: scaling) }
        let wdOne = wall() - w
        w = wall()
        let d16Two = int16.withUnsafeBufferPointer { placement.trilinear(stored: $0, scaling: scaling, threads: 2) }
        let wdTwo = wall() - w
        t = now()
        let e = int16.withUnsafeBufferPointer { v in placement.nearest({ scaling.apply(Double(v[$0])) }, outside: .nan) }
        let te = now() - t
        t = now()
        let f = int16.withUnsafeBufferPointer { placement.nearest(stored: $0, scaling: scaling, outside: .nan) }
        let tf = now() - t
        func ns(_ seconds: Double) -> Double { (seconds / n * 1e10).rounded() / 10 }
        func ratio(_ x: Double, _ y: Double) -> Double { (x / y * 100).rounded() / 100 }
        print(
            "run \(run), ns per target voxel (closure, stored, ratio): trilinear float32 \(ns(ta)), \(ns(tb)), \(ratio(ta, tb)); "
                + "trilinear int16 scaled \(ns(tc)), \(ns(td)), \(ratio(tc, td)); nearest int16 scaled \(ns(te)), \(ns(tf)), \(ratio(te, tf)); "
                + "stored trilinear int16, wall, 1 and 2 threads \(ns(wdOne)), \(ns(wdTwo)) (\(ratio(wdOne, wdTwo))×); "
                + "bits equal: \(same(a, b) && same(c16, d16) && same(e, f) && same(d16, d16Two))")
    }
    exit(0)
}
for run in 0..<runs {
    if kernels {
        var t = now()
        let field = SmoothReference(sigmaMM: 20).field(flair, weights: wm, spacingMM: [1, 1, 1])
        print("smooth reference: \(now() - t)")
        t = now()
        let dilated = MaskMorphology.dilate(wm, radius: [2, 2, 2])
        print("dilation r=2: \(now() - t)")
        t = now()
        let eroded = MaskMorphology.erode(wm, radius: [2, 2, 2])
        print("erosion r=2: \(now() - t)")
        var ratio = flair
        for n in 0..<ratio.voxels.count { ratio.voxels[n] /= field.voxels[n] }
        t = now()
        let grown = LesionGrowth.grow(
            ratio, seedThreshold: 1.4, growThreshold: 1.2, seedRegion: eroded, growRegion: dilated, connectivity: .twentySix)
        print("growth: \(now() - t) (\(hash(grown)))")
        t = now()
        let trimmed = LesionGrowth.trimmed(grown, values: ratio, base: 1, fraction: 0.5)
        print("trim: \(now() - t) (\(hash(trimmed)))")
    }
    let w = wall()
    var t = now()
    let f = flairSegmentation.segment(flair: flair, t1: t1, anatomy: anatomy)
    let tf = now() - t
    t = now()
    let e = enhancement.segment(post: post, pre: pre, flairRatio: f.ratio, anatomy: anatomy)
    let te = now() - t
    t = now()
    let e2 = enhancement.segment(post: post, pre: nil, flairRatio: nil, anatomy: anatomy)
    let te2 = now() - t
    print("run \(run): FLAIR \(tf) s, post-contrast \(te) s, visit \(tf + te) s; post alone \(te2) s (CPU); all three \(wall() - w) s wall")
    // The same two series with the patient's own ventricles (`ventricle_csf_ratio`, the default).
    t = now()
    let fOwn = flairOwn.segment(flair: flair, t1: t1, anatomy: anatomy)
    let tfOwn = now() - t
    t = now()
    let eOwn = enhancementOwn.segment(post: post, pre: pre, flairRatio: fOwn.ratio, anatomy: anatomy)
    let teOwn = now() - t
    print(
        "run \(run), own ventricles: FLAIR \(tfOwn) s, post-contrast \(teOwn) s, visit \(tfOwn + teOwn) s (CPU; "
            + "\(((tfOwn + teOwn) / (tf + te) * 100).rounded() / 100)× the template's)")
    if run == 0 {
        print("FLAIR lesions: \(hash(f.lesions))")
        print("enhancing lesions: \(hash(e.lesions))")
        print("enhancing, post alone: \(hash(e2.lesions))")
        print("own ventricles, FLAIR lesions: \(hash(fOwn.lesions)); enhancing lesions: \(hash(eOwn.lesions))")
    }
}
