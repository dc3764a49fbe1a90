import LesionKernels
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
}
