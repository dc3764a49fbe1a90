import Foundation
import LesionIO
import LesionKernels
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("Pipeline files: the default, edits without rebuilding, and refusals with the line")
struct PipelineFileTests {
    static let defaultFile = CommandRunner.repositoryRoot + "/Pipelines/default.yaml"

    func load(_ yaml: String) throws -> PipelineFile {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/p.yaml"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return try PipelineFile.load(path)
    }

    /// The error of loading `yaml`, with the temporary path replaced by `FILE`.
    func refusal(_ yaml: String) -> String? {
        do {
            _ = try load(yaml)
            return nil
        } catch let error as ScanError {
            return "FILE: " + error.problem
        } catch {
            return "\(error)"
        }
    }

    @Test("Pipelines/default.yaml holds exactly the built-in defaults")
    func defaultFile() throws {
        let file = try PipelineFile.load(Self.defaultFile)
        #expect(file.pipeline == Pipeline.standard)
        #expect(file.sha256.count == 64)
        #expect(file.sha256 == SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: Self.defaultFile)))))
    }

    @Test("an edited value is read as written; keys left out keep their defaults")
    func edited() throws {
        let file = try load(
            """
            name: strict
            matching:
              enlarging_ratio: 1.3   # the spinal cord toolbox proposal
              enlarging_volume_mm3: 500
              min_confluent_volume_mm3: 30
              recurrent_max_absent_visits: 2
            lesions:
              connectivity: 6
              min_reader_length_mm: 3
            gd_sources: []
            """)
        var expected = Pipeline.standard
        expected.name = "strict"
        expected.matching.enlargingRatio = 1.3
        expected.matching.enlargingVolumeMM3 = 500
        expected.matching.minimumConfluentVolumeMM3 = 30
        expected.matching.recurrentMaximumAbsentVisits = 2
        expected.connectivity = .six
        expected.floor.minimumReaderLengthMM = 3
        expected.gdSources = []
        #expect(file.pipeline == expected)
    }

    @Test("sources: kinds, patterns and thresholds")
    func sources() throws {
        let file = try load(
            """
            t2_sources:
              - kind: probseg
                pattern: "*_label-lesion_probseg"
                exclude: ["*_acq-2D_*"]
                threshold: 0.3
              - kind: image
                pattern: "*_FLAIR"
                z_threshold: 2.5
            """)
        let t2 = file.pipeline.t2Sources
        #expect(t2.count == 2)
        #expect(
            t2[0] == LesionSource(kind: .probseg, pattern: .init("*_label-lesion_probseg"), exclude: [.init("*_acq-2D_*")], threshold: 0.3))
        #expect(t2[1] == LesionSource(kind: .image, pattern: .init("*_FLAIR"), zThreshold: 2.5))
        #expect(t2[0].matches(stem: "sub-1_label-lesion_probseg") && !t2[0].matches(stem: "sub-1_acq-2D_label-lesion_probseg"))
    }

    @Test("lesion growth seeds from enhancing lesions unless enhancing_seeds is false")
    func enhancingSeeds() throws {
        let standard = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n")
        #expect(standard.pipeline.t2Sources[0].flair.enhancingSeeds)
        let off = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n    enhancing_seeds: false\n")
        #expect(!off.pipeline.t2Sources[0].flair.enhancingSeeds)
        #expect(Pipeline.standard.t2Sources.contains { $0.kind == .lesionGrowth && $0.flair.enhancingSeeds })
    }

    @Test("cortex_max_fraction is 0.5 unless set, as in the built-in pipeline, is read as a fraction, and applies to lesion growth only")
    func cortexFraction() throws {
        try growthKey("cortex_max_fraction", \.cortexMaximumFraction, standard: 0.5, set: 1)
    }

    /// A lesion-growth key: `standard` when not set, in the file and the built-in pipeline alike,
    /// and `set` when set to it.
    func growthKey(
        _ key: String, _ value: (FLAIRLesionSegmentation) -> Double, standard: Double, set: Double
    ) throws {
        let file = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n")
        #expect(value(file.pipeline.t2Sources[0].flair) == standard)
        #expect(Pipeline.standard.t2Sources.contains { $0.kind == .lesionGrowth && value($0.flair) == standard })
        let changed = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n    \(key): \(set)\n")
        #expect(value(changed.pipeline.t2Sources[0].flair) == set)
    }

    @Test("change_seed_ratio is 0.3 and drop_unchanged true unless set, as in the built-in pipeline; 0 and false turn them off")
    func laterVisitRules() throws {
        let standard = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n")
        #expect(standard.pipeline.t2Sources[0].flair.changeSeedRatio == 0.3)
        #expect(standard.pipeline.t2Sources[0].flair.dropUnchanged)
        #expect(
            Pipeline.standard.t2Sources.contains {
                $0.kind == .lesionGrowth && $0.flair.changeSeedRatio == 0.3 && $0.flair.dropUnchanged
            })
        let off = try load(
            "t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n    change_seed_ratio: 0\n    drop_unchanged: false\n")
        #expect(off.pipeline.t2Sources[0].flair.changeSeedRatio == 0)
        #expect(!off.pipeline.t2Sources[0].flair.dropUnchanged)
    }

    @Test("earlier_signal is true unless set, as in the built-in pipeline; false turns it off; it applies to lesion growth only")
    func earlierSignal() throws {
        let standard = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n")
        #expect(standard.pipeline.t2Sources[0].flair.earlierSignal)
        #expect(Pipeline.standard.t2Sources.contains { $0.kind == .lesionGrowth && $0.flair.earlierSignal })
        let off = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n    earlier_signal: false\n")
        #expect(!off.pipeline.t2Sources[0].flair.earlierSignal)
    }

    @Test(
        "previous_lesion_seeds, ventricle_wall_seeds, ventricle_wall_reach and white_matter_peaks are true unless set, as in the built-in pipeline; false turns each off alone"
    )
    func seedSwitches() throws {
        let standard = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n")
        let growth = Pipeline.standard.t2Sources.filter { $0.kind == .lesionGrowth }
        #expect(!growth.isEmpty)
        let switches: [(key: String, value: (FLAIRLesionSegmentation) -> Bool)] = [
            ("previous_lesion_seeds", { $0.previousLesionSeeds }), ("ventricle_wall_seeds", { $0.ventricleWallSeeds }),
            ("ventricle_wall_reach", { $0.ventricleWallReach }), ("white_matter_peaks", { $0.whiteMatterPeaks }),
        ]
        for (key, value) in switches {
            #expect(value(standard.pipeline.t2Sources[0].flair), "\(key)")
            #expect(growth.allSatisfy { value($0.flair) }, "\(key)")
            let off = try load("t2_sources:\n  - kind: lesion-growth\n    pattern: \"*_FLAIR\"\n    \(key): false\n")
            #expect(switches.map { $0.value(off.pipeline.t2Sources[0].flair) } == switches.map { $0.key != key }, "\(key)")
        }
    }

    @Test("enhancing_reach_mm is 2 unless set, as in the built-in pipeline; 0 lets enhancing seeds grow anywhere in the region")
    func enhancingReach() throws {
        try growthKey("enhancing_reach_mm", \.enhancingReachMM, standard: 2, set: 0)
    }

    @Test("unchanged_neighbourhood_mm is 2 unless set, as in the built-in pipeline; 0 compares each voxel with itself")
    func unchangedNeighbourhood() throws {
        try growthKey("unchanged_neighbourhood_mm", \.unchangedNeighbourhoodMM, standard: 2, set: 0)
    }

    @Test("ventricle_csf_ratio is 0.5 unless set, as in the built-in pipeline; 0 keeps the template's ventricles")
    func ventricleCSFRatio() throws {
        try growthKey("ventricle_csf_ratio", \.ventricleCSFRatio, standard: 0.5, set: 0)
    }

    @Test(
        "the Gd subtraction's ventricle_csf_ratio is 0.5 and ventricle_reach_mm 2 unless set, as in the built-in pipeline; 0 keeps the template's ventricles"
    )
    func enhancementVentricles() throws {
        let file = try load("gd_sources:\n  - kind: subtraction\n    pattern: \"*_ce-gadolinium_T1w\"\n")
        #expect(file.pipeline.gdSources[0].enhancement.ventricleCSFRatio == 0.5)
        #expect(file.pipeline.gdSources[0].enhancement.ventricleReachMM == 2)
        #expect(
            Pipeline.standard.gdSources.contains {
                $0.kind == .subtraction && $0.enhancement.ventricleCSFRatio == 0.5 && $0.enhancement.ventricleReachMM == 2
            })
        let changed = try load(
            "gd_sources:\n  - kind: subtraction\n    pattern: x\n    ventricle_csf_ratio: 0\n    ventricle_reach_mm: 3\n")
        #expect(changed.pipeline.gdSources[0].enhancement.ventricleCSFRatio == 0)
        #expect(changed.pipeline.gdSources[0].enhancement.ventricleReachMM == 3)
    }

    @Test(
        "malformed files are refused with the line",
        arguments: [
            ("matching:\n  enlarging_ratio: [1.5\n", "FILE: line 3, column 1: not valid YAML:"),
            (
                "matching:\n  enlarging_ratio: 1.5\n  enlarge_ratio: 2\n",
                "FILE: line 3: unknown key \"enlarge_ratio\" in matching (expected one of: min_overlap_voxels, enlarging_ratio, enlarging_volume_mm3, min_volume_change_mm3, min_confluent_volume_mm3, recurrent_max_absent_visits)"
            ),
            ("lesions:\n  min_voxels: three\n", "FILE: line 2: lesions.min_voxels must be a whole number, not \"three\""),
            ("lesions:\n  connectivity: 8\n", "FILE: line 2: lesions.connectivity must be 6, 18 or 26, not 8"),
            ("\n\nmatching:\n  enlarging_ratio: 0.8\n", "FILE: line 4: matching.enlarging_ratio must be at least 1, not 0.8"),
            ("matching:\n  enlarging_volume_mm3: 0\n", "FILE: line 2: matching.enlarging_volume_mm3 must be above 0"),
            (
                "matching:\n  recurrent_max_absent_visits: -1\n",
                "FILE: line 2: matching.recurrent_max_absent_visits must be at least 0, not -1"
            ),
            ("grid:\n  min_field_coverage: 1.5\n", "FILE: line 2: grid.min_field_coverage is a fraction from 0 to 1, not 1.5"),
            (
                "t2_sources:\n  - kind: image\n    pattern: \"*_FLAIR\"\n    threshold: 300\n",
                "FILE: line 4: t2_sources[1].threshold applies to masks and probability maps; an image takes z_threshold (relative to the brain)"
            ),
            (
                "t2_sources:\n  - kind: segmentation\n    pattern: x\n",
                "FILE: line 2: t2_sources[1].kind must be mask, probseg, image, lesion-growth or subtraction, not \"segmentation\""
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    seed_ratio: 1.2\n    grow_ratio: 1.3\n",
                "FILE: line 5: t2_sources[1].grow_ratio (1.3) must not exceed seed_ratio (1.2)"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    enhancing_seeds: true\n",
                "FILE: line 4: t2_sources[1].enhancing_seeds applies to kind lesion-growth only, not mask"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    cortex_max_fraction: 1.5\n",
                "FILE: line 4: t2_sources[1].cortex_max_fraction is a fraction from 0 to 1, not 1.5"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    cortex_max_fraction: 0.5\n",
                "FILE: line 4: t2_sources[1].cortex_max_fraction applies to kind lesion-growth only, not mask"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    change_seed_ratio: -0.3\n",
                "FILE: line 4: t2_sources[1].change_seed_ratio must be at least 0, not -0.3"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    enhancing_reach_mm: -1\n",
                "FILE: line 4: t2_sources[1].enhancing_reach_mm must be at least 0, not -1"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    unchanged_neighbourhood_mm: -2\n",
                "FILE: line 4: t2_sources[1].unchanged_neighbourhood_mm must be at least 0, not -2"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    ventricle_csf_ratio: -0.1\n",
                "FILE: line 4: t2_sources[1].ventricle_csf_ratio must be at least 0, not -0.1"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    ventricle_csf_ratio: 0.3\n",
                "FILE: line 4: t2_sources[1].ventricle_csf_ratio applies to kinds lesion-growth and subtraction only, not mask"
            ),
            (
                "gd_sources:\n  - kind: subtraction\n    pattern: x\n    ventricle_csf_ratio: -0.5\n",
                "FILE: line 4: gd_sources[1].ventricle_csf_ratio must be at least 0, not -0.5"
            ),
            (
                "gd_sources:\n  - kind: subtraction\n    pattern: x\n    ventricle_reach_mm: -1\n",
                "FILE: line 4: gd_sources[1].ventricle_reach_mm must be at least 0, not -1"
            ),
            (
                "t2_sources:\n  - kind: lesion-growth\n    pattern: x\n    ventricle_reach_mm: 2\n",
                "FILE: line 4: t2_sources[1].ventricle_reach_mm applies to kind subtraction only, not lesion-growth"
            ),
            (
                "t2_sources:\n  - kind: probseg\n    pattern: x\n    unchanged_neighbourhood_mm: 2\n",
                "FILE: line 4: t2_sources[1].unchanged_neighbourhood_mm applies to kind lesion-growth only, not probseg"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    enhancing_reach_mm: 2\n",
                "FILE: line 4: t2_sources[1].enhancing_reach_mm applies to kind lesion-growth only, not mask"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    earlier_signal: true\n",
                "FILE: line 4: t2_sources[1].earlier_signal applies to kind lesion-growth only, not mask"
            ),
            (
                "t2_sources:\n  - kind: mask\n    pattern: x\n    white_matter_peaks: true\n",
                "FILE: line 4: t2_sources[1].white_matter_peaks applies to kind lesion-growth only, not mask"
            ),
            (
                "t2_sources:\n  - kind: probseg\n    pattern: x\n    drop_unchanged: true\n",
                "FILE: line 4: t2_sources[1].drop_unchanged applies to kind lesion-growth only, not probseg"
            ),
            (
                "gd_sources:\n  - kind: mask\n    pattern: x\n    seed_difference: 0.5\n",
                "FILE: line 4: gd_sources[1].seed_difference applies to kind subtraction only, not mask"
            ),
            ("t2_sources: []\n", "FILE: line 1: t2_sources must list at least one source"),
            ("- a\n- b\n", "FILE: line 1: the file must be a mapping of keys to values"),
            ("name: a\nname: b\n", "FILE: line 1: key \"name\" given twice"),
            ("pipeline_format: 2\n", "FILE: line 1: pipeline_format 2 is not supported (this version reads 1)"),
            ("", "FILE: empty pipeline file: no YAML mapping"),
        ])
    func malformed(yaml: String, message: String) {
        let error = refusal(yaml)
        #expect(error?.hasPrefix(message) == true, "\(error ?? "accepted")")
    }
}
