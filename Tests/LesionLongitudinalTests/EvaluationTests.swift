import LesionKernels
import LesionLongitudinal
import Testing

@Suite("Lesion-wise evaluation by the animaSegPerfAnalyzer rule, computed by hand")
struct EvaluationTests {
    func evaluate(_ reference: String, _ test: String, _ criteria: DetectionCriteria = .anima) -> LesionwiseEvaluation {
        LesionwiseEvaluation(reference: LineMaps.labels(reference), test: LineMaps.labels(test), criteria: criteria)
    }

    // α: a 10-voxel reference lesion with 1 voxel covered (0.1) is missed at α = 0.10 (covered
    // must exceed α) and detected at α = 0.05. The 1-voxel test lesion is never detected: the
    // reference lesion covering it has 9/10 > β of its voxels outside test lesions.
    @Test("alpha: the covered fraction must exceed it")
    func alpha() {
        let strict = evaluate("xxxxxxxxxx", "x.........")
        #expect(strict.reference.map(\.outcome) == [.tooLittleCovered])
        #expect(strict.reference[0].coveredFraction == 0.1)
        #expect(strict.test.map(\.outcome) == [.coveringLesionOutside(label: 1, outsideFraction: 0.9)])
        #expect(strict.sensitivity == 0 && strict.positivePredictiveValue == 0 && strict.f1 == 0)
        let loose = evaluate("xxxxxxxxxx", "x.........", DetectionCriteria(alpha: 0.05, beta: 0.7, gamma: 0.65))
        #expect(loose.reference.map(\.outcome) == [.detected])
        #expect(loose.sensitivity == 1 && loose.positivePredictiveValue == 0 && loose.f1 == 0)
    }

    // β: a 4-voxel reference lesion inside a test lesion; 6 of 10 test voxels outside (0.6 ≤ 0.7)
    // is detected, 10 of 14 outside (0.714 > 0.7) is not. The test lesion is detected both times
    // (4/10 and 4/14 covered exceed α; the reference lesion has nothing outside).
    @Test("beta: a covering lesion may have at most beta of its voxels outside")
    func beta() {
        let within = evaluate("...xxxx.......", "xxxxxxxxxx....")
        #expect(within.reference.map(\.outcome) == [.detected])
        #expect(within.sensitivity == 1 && within.positivePredictiveValue == 1 && within.f1 == 1)
        let beyond = evaluate("...xxxx.......", "xxxxxxxxxxxxxx")
        #expect(beyond.reference.map(\.outcome) == [.coveringLesionOutside(label: 1, outsideFraction: 10.0 / 14)])
        #expect(beyond.test.map(\.outcome) == [.detected])
        #expect(beyond.sensitivity == 0 && beyond.positivePredictiveValue == 1 && beyond.f1 == 0)
        let lenient = evaluate("...xxxx.......", "xxxxxxxxxxxxxx", DetectionCriteria(alpha: 0.1, beta: 0.75, gamma: 0.65))
        #expect(lenient.reference.map(\.outcome) == [.detected])
    }

    // γ: a 10-voxel reference lesion (i 0–9) covered by T1 (i 0–5, all inside) and T2 (i 7–21:
    // 3 inside, 12 of 15 outside, more than β). T1 accounts for 6 of the 9 covered voxels
    // (0.667): enough at γ = 0.65, so T2 is never examined; at γ = 0.70 T2 is examined and fails β.
    @Test("gamma: covering lesions are examined, largest first, until gamma of the overlap is accounted for")
    func gamma() {
        let reference = "xxxxxxxxxx............", test = "xxxxxx.xxxxxxxxxxxxxxx"
        let enough = evaluate(reference, test)
        #expect(enough.reference.map(\.outcome) == [.detected])
        #expect(enough.reference[0].coveredFraction == 0.9)
        #expect(enough.sensitivity == 1)
        let more = evaluate(reference, test, DetectionCriteria(alpha: 0.1, beta: 0.7, gamma: 0.7))
        #expect(more.reference.map(\.outcome) == [.coveringLesionOutside(label: 2, outsideFraction: 0.8)])
        #expect(more.sensitivity == 0)
        // Both test lesions are detected by the reference lesion, which has 1 of 10 voxels outside.
        #expect(enough.test.map(\.outcome) == [.detected, .detected])
        #expect(more.positivePredictiveValue == 1 && more.f1 == 0 && enough.f1 == 1)
    }

    @Test("counts over several lesions: 3 of 3 reference lesions, 3 of 5 test lesions")
    func several() {
        let e = evaluate("xxx...xxx...xxx......", "xxx....x.....xx.xx.xx")
        // Reference: 1 exact match; 2 covered 1/3 by a test lesion wholly inside it; 3 covered
        // 2/3 by a test lesion of 2 voxels inside it. Test: 1 and 3 detected; 2 (one voxel) is
        // covered by reference lesion 2 with 2/3 of it outside (≤ β): detected; 4 and 5 lie outside.
        #expect(e.reference.map(\.isDetected) == [true, true, true])
        #expect(e.test.map(\.isDetected) == [true, true, true, false, false])
        #expect(e.sensitivity == 1 && e.positivePredictiveValue == 0.6)
        #expect(e.f1 == 2 * 0.6 / 1.6)
    }

    @Test("no lesions: the figures are undefined, not zero")
    func empty() {
        let e = evaluate("......", "..xx..")
        #expect(e.sensitivity == nil && e.positivePredictiveValue == 0 && e.f1 == nil)
        #expect(MaskOverlap(LineMaps.mask("...."), LineMaps.mask("....")).dice == nil)
        #expect(MaskOverlap(LineMaps.mask("xxx."), LineMaps.mask(".xxx")).dice == 2.0 * 2 / 6)
    }
}
