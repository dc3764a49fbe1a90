import LesionKernels
import LesionLongitudinal
import Testing

@testable import LesionStudy

/// What a visit's `t2` entry records of lesion growth's rule.
@Suite("The lesion-growth rule in a visit's record")
struct LesionGrowthRecordTests {
    @Test("voxels_dropped_as_cortical appears with cortex_max_fraction on, with the visit's count, and not when it is off")
    func corticalVoxels() {
        // On by default (Pipelines/default.yaml), so the built-in values record it.
        let recorded = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 3, corticalVoxels: 17))
        #expect(recorded.first { $0.0 == "voxels_dropped_as_cortical" }?.1 == "17")
        #expect(recorded.first { $0.0 == "voxels_seeded_by_enhancement" }?.1 == "3")
        #expect(recorded.first { $0.0 == "cortex_max_fraction" }?.1 == "0.5")
        var offRule = FLAIRLesionSegmentation.standard
        offRule.cortexMaximumFraction = 1
        let off = LongitudinalReport.ruleFields(.lesionGrowth(offRule, t1: true, enhancementVoxels: 3))
        #expect(!off.contains { $0.0 == "voxels_dropped_as_cortical" })
        #expect(off.first { $0.0 == "cortex_max_fraction" }?.1 == "1")
    }

    @Test("previous_visit_reacquired_voxels appears only when the previous visit was re-acquired, with its count")
    func reacquiredVoxels() {
        let reacquired = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0, reacquiredVoxels: 42))
        #expect(reacquired.first { $0.0 == "previous_visit_reacquired_voxels" }?.1 == "42")
        let none = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0, reacquiredVoxels: 0))
        #expect(none.first { $0.0 == "previous_visit_reacquired_voxels" }?.1 == "0")
        let not = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0))
        #expect(!not.contains { $0.0 == "previous_visit_reacquired_voxels" })
    }

    @Test("flair_change_ratio appears only when growth needed a change of the FLAIR, with its value")
    func changeKnown() {
        let known = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0, changeKnown: true))
        #expect(known.first { $0.0 == "flair_change_ratio" }?.1 == "0.2")
        let unknown = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0))
        #expect(!unknown.contains { $0.0 == "flair_change_ratio" })
    }

    @Test("voxels_dropped_as_unchanged and voxels_found_by_change appear only when their rules applied, with their counts")
    func laterVisitRules() {
        let applied = LongitudinalReport.ruleFields(
            .lesionGrowth(.standard, t1: true, enhancementVoxels: 0, changeKnown: true, unchangedVoxels: 11, changeVoxels: 0))
        #expect(applied.first { $0.0 == "voxels_dropped_as_unchanged" }?.1 == "11")
        #expect(applied.first { $0.0 == "voxels_found_by_change" }?.1 == "0")
        #expect(applied.first { $0.0 == "change_seed_ratio" }?.1 == "0.3")
        #expect(applied.first { $0.0 == "drop_unchanged" }?.1 == "true")
        #expect(applied.first { $0.0 == "enhancing_reach_mm" }?.1 == "2")
        #expect(applied.first { $0.0 == "unchanged_neighbourhood_mm" }?.1 == "2")
        let first = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0))
        #expect(!first.contains { $0.0 == "voxels_dropped_as_unchanged" || $0.0 == "voxels_found_by_change" })
        // The lesions kept because they grew: at a later visit only, with their count.
        let grown = LongitudinalReport.ruleFields(
            .lesionGrowth(.standard, t1: true, enhancementVoxels: 0, changeKnown: true, unchangedVoxels: 0, grownVoxels: 156))
        #expect(grown.first { $0.0 == "voxels_kept_as_grown" }?.1 == "156")
        #expect(!first.contains { $0.0 == "voxels_kept_as_grown" } && !applied.contains { $0.0 == "voxels_kept_as_grown" })
    }

    @Test("voxels_dropped_within_ventricle_margin appears only when ventricle_wall_seeds applied, with its count")
    func marginVoxels() {
        let on = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0, marginVoxels: 24))
        #expect(on.first { $0.0 == "voxels_dropped_within_ventricle_margin" }?.1 == "24")
        #expect(on.first { $0.0 == "ventricle_wall_seeds" }?.1 == "true")
        let none = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0, marginVoxels: 0))
        #expect(none.first { $0.0 == "voxels_dropped_within_ventricle_margin" }?.1 == "0")
        let off = LongitudinalReport.ruleFields(.lesionGrowth(.standard, t1: true, enhancementVoxels: 0))
        #expect(!off.contains { $0.0 == "voxels_dropped_within_ventricle_margin" })
    }
    @Test(
        "the previous visit the labeller hands the segmentation: its ratio or the re-acquired one beside its own, and growth by the pipeline's enlarging rule on the grid's voxel volume"
    )
    func previousVisitHandedOn() {
        let size = GridSize(2, 1, 1)
        let own = Volume<Float>(size: size, voxels: [1.6, 1])
        let again = Volume<Float>(size: size, voxels: [1.3, 1.1])
        let lesions = Volume(size: size, voxels: [true, false])
        let visit = SegmentationPass.Visit(
            flair: SegmentationPass.FLAIR(values: own, t1: nil, voxel: [1, 1, 1], ratio: own), lesions: lesions)
        let plain = visit.compared(reacquired: nil, matching: .default, voxelVolumeMM3: 8)
        #expect(plain.ratio?.voxels == own.voxels && plain.ownRatio == nil && plain.lesions.voxels == lesions.voxels)
        let reacquired = visit.compared(reacquired: again, matching: .default, voxelVolumeMM3: 8)
        #expect(reacquired.ratio?.voxels == again.voxels && reacquired.ownRatio?.voxels == own.voxels)
        // The default rule: × 1.5 and at least 14.1 mm³ more. At 2 mm (8 mm³ voxels) 10 → 15 voxels
        // is 40 mm³ more; 10 → 14 is × 1.4; 1 → 2 is 8 mm³. At 1 mm 10 → 15 is 5 mm³, 20 → 35 is 15.
        let cases: [(MatchingRule, Double, Int, Int, Bool)] = [
            (.default, 8, 10, 15, true), (.default, 8, 10, 14, false), (.default, 8, 1, 2, false),
            (.default, 1, 10, 15, false), (.default, 1, 20, 35, true),
            (MatchingRule(enlargingRatio: 2), 8, 10, 15, false), (MatchingRule(enlargingRatio: 2), 8, 10, 20, true),
        ]
        for (rule, voxel, earlier, later, grown) in cases {
            let handed = visit.compared(reacquired: nil, matching: rule, voxelVolumeMM3: voxel)
            #expect(handed.grew?(earlier, later) == grown, "× \(rule.enlargingRatio), \(voxel) mm³: \(earlier) → \(later)")
        }
        // Through the segmentation's own reading: the previous visit showed voxel 0 at 1.5, the
        // lesion is voxels 0 and 1 now: 1 → 2 voxels, × 2, and 20 mm³ more at 20 mm³ voxels, 8 at 8.
        for (voxel, grown) in [(20.0, true), (8.0, false)] {
            let handed = visit.compared(reacquired: nil, matching: .default, voxelVolumeMM3: voxel)
            #expect(handed.hasGrown([0, 1], ratio: own, edge: { _ in 1.5 }) == grown, "\(voxel) mm³ voxels")
        }
        // Without a FLAIR (its lesions from a segmenter's map) growth is asked of nothing.
        let mapOnly = SegmentationPass.Visit(flair: nil, lesions: lesions).compared(reacquired: nil, matching: .default, voxelVolumeMM3: 8)
        #expect(mapOnly.ratio == nil && mapOnly.ownRatio == nil && mapOnly.hasGrown([0], ratio: own, edge: { _ in 1 }) == false)
    }
}
