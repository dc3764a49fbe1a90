import Foundation
import Testing
import TestSupport

/// Generated raw patients (`Fixtures/generate_raw.py`), a `lesiontrack run` of them, and the
/// run scored against the truth by `Fixtures/score_raw.py` (docs/raw-test-data.md).
enum RawEvaluation {
    /// The peers' private Python environment (`.ci/install-python-test-packages` makes it).
    static var python: String { RawTestKit.python }

    /// The template kit: `LESIONTRACK_TEMPLATE`, else where `.ci/install-template` puts it.
    static var template: String { RawTestKit.template }

    static var elastixPresent: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: $0 + "/elastix")
        }
    }

    static var ready: Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && FileManager.default.fileExists(atPath: template + "/template.json")
    }

    /// The study the figures in docs/raw-test-data.md were measured on: small (2 mm), two
    /// patients of two visits.
    static let seed = 16, patients = 2, visits = 2

    /// The z-score baseline: the FLAIR's z ≥ 3 and the Gd subtraction z-score, in the template's brain.
    static let baselinePipeline = Fixtures.path("pipelines/zscore-baseline.yaml")
    /// The built-in pipeline's file, the segmentation issue #16 asks for.
    static let defaultPipeline = CommandRunner.repositoryRoot + "/Pipelines/default.yaml"

    /// Runs `python SCRIPT ARGS`, failing with what it printed when it fails.
    @discardableResult
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let result = try CommandRunner.run([Fixtures.path(script)] + arguments, program: python)
        guard result.status == 0 else {
            throw EvaluationError("\(script) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    static func generate(_ study: String, seed: Int, patients: Int, visits: Int) throws {
        try python(
            "generate_raw.py",
            [
                study, "--template", template, "--seed", String(seed), "--size", "small", "--patients", String(patients),
                "--visits", String(visits), "--quiet",
            ])
    }

    /// `score_raw.py STUDY OUT --json`: prints its table and returns its figures.
    static func score(_ study: String, _ output: String) throws -> Score {
        let json = output + ".score.json"
        print(try python("score_raw.py", [study, output, "--json", json]), terminator: "")
        return try JSONDecoder().decode(Score.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
    }

    /// Generates the evaluation study (or another seed's), runs `lesiontrack run` on it with
    /// `pipeline`, hands the output folder to `inspect`, and scores it.
    static func evaluate(pipeline: String, seed: Int = seed, inspect: (String) throws -> Void = { _ in }) throws -> Score {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let study = folder + "/study", output = folder + "/out"
        let start = ContinuousClock.now
        try generate(study, seed: seed, patients: patients, visits: visits)
        let generated = ContinuousClock.now
        let run = try CommandRunner.run(["run", study, output, "participant", "--pipeline", pipeline, "--no-report", "--quiet"])
        let ran = ContinuousClock.now
        print("generated in \(generated - start), lesiontrack run (status \(run.status)) in \(ran - generated) with \(pipeline)")
        if !run.stderr.isEmpty { print(run.stderr) }
        try inspect(output)
        return try score(study, output)
    }
}

struct EvaluationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What `score_raw.py --json` writes (the keys the tests read).
struct Score: Decodable {
    struct Counts: Decodable {
        struct Pair: Decodable {
            let run: Int?
            let truth: Int
        }
        let new: Pair
        let enlarging: Pair
        let gd: Pair
    }

    struct Visit: Decodable {
        let participant_id: String
        let session_id: String
        let missing: Bool
        let truth_lesions: Int
        let tp: Int
        let fp: Int
        let fn: Int
        let precision: Double
        let recall: Double
        let f1: Double
        let fp_kinds: [String: Int]
        let gd_fp_kinds: [String: Int]?
        let counts: Counts
        let counts_exact: Bool
        let counts_max_off: Int
    }

    struct Summary: Decodable {
        let visits: Int
        let mean_f1: Double
        let min_f1: Double
        let counts_exact: Int
        let counts_max_off: Int
        let missing_visits: Int
    }

    let visits: [Visit]
    let summary: Summary

    func visit(_ participant: String, _ session: String) -> Visit? {
        visits.first { $0.participant_id == participant && $0.session_id == session }
    }
}

@Suite(
    "Raw segmentation against the generated truth: the scorer, the z-score baseline, the default pipeline",
    .tags(.slow), .fullTierOnly,
    .enabled(
        if: RawEvaluation.ready,
        "the peers' Python environment or the template kit is absent (.ci/install-python-test-packages, .ci/install-template)"),
    .enabled(if: RawEvaluation.elastixPresent, "elastix is not on PATH: .ci/install installs Debian's elastix"))
struct RawSegmentationEvaluationTests {
    @Test("the scorer: the truth scores F1 = 1 with exact counts; one lesion dropped, one blob added, one count off give 11/12")
    func scorer() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let study = folder + "/study"
        try RawEvaluation.generate(study, seed: 11, patients: 1, visits: 2)

        try RawEvaluation.python("truth_as_run.py", [study, folder + "/perfect"])
        let perfect = try RawEvaluation.score(study, folder + "/perfect")
        #expect(perfect.visits.map(\.truth_lesions) == [9, 12])
        for visit in perfect.visits {
            #expect(visit.tp == visit.truth_lesions && visit.fp == 0 && visit.fn == 0 && visit.f1 == 1)
            #expect(visit.counts_exact && visit.counts_max_off == 0)
        }
        #expect(perfect.visit("sub-raw01", "ses-02")?.counts.new.run == 3)
        #expect(perfect.summary.mean_f1 == 1 && perfect.summary.counts_exact == 2)

        try RawEvaluation.python(
            "truth_as_run.py",
            [
                study, folder + "/spoilt", "--drop", "sub-raw01:ses-02:3", "--add-blob", "sub-raw01:ses-02", "--count",
                "sub-raw01:ses-02:new_t2:-1",
            ])
        let spoilt = try RawEvaluation.score(study, folder + "/spoilt")
        let first = try #require(spoilt.visit("sub-raw01", "ses-01"))
        #expect(first.f1 == 1 && first.counts_exact)
        let second = try #require(spoilt.visit("sub-raw01", "ses-02"))
        #expect(second.tp == 11 && second.fp == 1 && second.fn == 1)
        #expect(second.precision == 11.0 / 12 && second.recall == 11.0 / 12 && abs(second.f1 - 11.0 / 12) < 1e-12)
        #expect(second.fp_kinds == ["other": 1])  // in white matter, on no distractor
        #expect(second.counts.new.run == 2 && second.counts.new.truth == 3 && !second.counts_exact && second.counts_max_off == 1)
        #expect(spoilt.summary.counts_exact == 1 && spoilt.summary.counts_max_off == 1)
    }

    @Test("the z-score baseline's figures on the generated study (docs/raw-test-data.md)")
    func zScoreBaseline() throws {
        let score = try RawEvaluation.evaluate(pipeline: RawEvaluation.baselinePipeline)
        #expect(score.summary.visits == RawEvaluation.patients * RawEvaluation.visits && score.summary.missing_visits == 0)
        // Measured with `--seed 16 --size small --patients 2 --visits 2` (docs/raw-test-data.md): F1 per
        // visit within 0.05 of these, a margin for elastix's sampling; the truth lesions exact.
        let measured: [(String, String, truth: Int, f1: Double)] = [
            ("sub-raw01", "ses-01", 6, 0.381), ("sub-raw01", "ses-02", 8, 0.333),
            ("sub-raw02", "ses-01", 7, 0.462), ("sub-raw02", "ses-02", 9, 0.667),
        ]
        for (participant, session, truth, f1) in measured {
            let visit = try #require(score.visit(participant, session))
            #expect(visit.truth_lesions == truth)
            #expect(abs(visit.f1 - f1) <= 0.05, "\(participant) \(session): F1 \(visit.f1), measured \(f1)")
        }
        // The threshold takes the FLAIR mimics: most false positives lie on the cortical and ependymal ones.
        let falsePositives = score.visits.map(\.fp).reduce(0, +)
        let onMimics = score.visits.map {
            ($0.fp_kinds["cortical"] ?? 0) + ($0.fp_kinds["ependymal cap"] ?? 0) + ($0.fp_kinds["ependymal rim"] ?? 0)
        }
        .reduce(0, +)
        #expect(falsePositives >= 25 && onMimics * 10 >= falsePositives * 8, "\(onMimics) of \(falsePositives) on mimics")
        // It misses the issue's targets: no visit at F1 0.9, counts off by two (extra Gd+ lesions).
        #expect(score.visits.allSatisfy { $0.f1 < 0.8 })
        #expect(score.summary.counts_exact <= 1 && score.summary.counts_max_off == 2)
        #expect(score.visits.filter { $0.session_id == "ses-01" }.map(\.counts.gd.run) == [3, 3])
        // The subtraction keeps the enhancing choroid plexus: every extra Gd+ lesion lies on it.
        let gdPlaces = score.visits.compactMap(\.gd_fp_kinds).flatMap(\.keys)
        #expect(!gdPlaces.isEmpty && gdPlaces.allSatisfy { $0 == "choroid plexus" }, "\(gdPlaces)")
    }

    /// The z-score baseline's F1 per visit on this study, as `zScoreBaseline` pins them.
    static let baselineF1: [String: Double] = [
        "sub-raw01 ses-01": 0.381, "sub-raw01 ses-02": 0.333, "sub-raw02 ses-01": 0.462, "sub-raw02 ses-02": 0.667,
    ]

    @Test("the default pipeline's lesion growth beats the z-score baseline at every visit, with the figures measured")
    func defaultPipeline() throws {
        let score = try RawEvaluation.evaluate(pipeline: RawEvaluation.defaultPipeline)
        #expect(score.summary.visits == RawEvaluation.patients * RawEvaluation.visits && score.summary.missing_visits == 0)
        // Measured with `--seed 16 --size small --patients 2 --visits 2` (docs/segmentation.md): F1 per
        // visit within 0.05 of these; each at least 0.1 above the baseline's at the same visit.
        let measured: [(String, String, f1: Double, fn: Int)] = [
            ("sub-raw01", "ses-01", 0.923, 0), ("sub-raw01", "ses-02", 1.000, 0),
            ("sub-raw02", "ses-01", 1.000, 0), ("sub-raw02", "ses-02", 1.000, 0),
        ]
        for (participant, session, f1, fn) in measured {
            let visit = try #require(score.visit(participant, session))
            #expect(abs(visit.f1 - f1) <= 0.05, "\(participant) \(session): F1 \(visit.f1), measured \(f1)")
            #expect(visit.f1 >= Self.baselineF1[participant + " " + session]! + 0.1, "\(participant) \(session)")
            #expect(visit.fn <= fn, "\(participant) \(session): \(visit.fn) truth lesions missed")
        }
        // One false positive, at sub-raw01's first visit: 4 voxels of 2 mm in the true cortex, no
        // mimic there, kept at the edge of its own peak, a seed in the placed white matter
        // (`white_matter_peaks`; none without it). With the template's anatomy placed by the affine
        // transform alone, one cortical FLAIR mimic at each of sub-raw01's visits grew from the
        // white matter the template put in the patient's cortex; the B-spline stage places it
        // where the patient's is.
        #expect(score.visits.map(\.fp) == [1, 0, 0, 0], "\(score.visits.map(\.fp_kinds))")
        // Enlarging lesions at the thick-slice (6 mm) follow-ups equal the truth's 2 and 1: growth
        // into the baseline's lesions re-acquired as the 6 mm series is not growth, and the
        // cortical mimics are dropped (4 and 2 with neither).
        let enlarging = score.visits.filter { $0.session_id == "ses-02" }.map(\.counts.enlarging)
        #expect(enlarging.map(\.truth) == [2, 1] && enlarging.map(\.run) == [2, 1], "\(enlarging)")
        // New lesions at the follow-ups equal the truth's 2 and 2: sub-raw01's second one (8 voxels
        // of 2 mm, Gd+) peaks under seed_ratio on the 6 mm FLAIR and is found by growth from its
        // enhancement (enhancing_seeds; 1 of 2 without).
        let new = score.visits.filter { $0.session_id == "ses-02" }.map(\.counts.new)
        #expect(new.map(\.truth) == [2, 2] && new.map(\.run) == [2, 2], "\(new)")
    }

    @Test(
        "cortex_max_fraction 1 (off): the cortical false positives return; unchanged, they are not growth (docs/segmentation.md)"
    )
    func cortexFraction() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let standard = try String(contentsOfFile: RawEvaluation.defaultPipeline, encoding: .utf8)
        let key = "    cortex_max_fraction: 0.5\n"
        #expect(standard.components(separatedBy: key).count == 2, "the built-in pipeline sets cortex_max_fraction: 0.5 once")
        let pipeline = folder + "/cortex.yaml"
        try standard.replacingOccurrences(of: key, with: "    cortex_max_fraction: 1\n")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let score = try RawEvaluation.evaluate(pipeline: pipeline)
        #expect(score.summary.visits == RawEvaluation.patients * RawEvaluation.visits && score.summary.missing_visits == 0)
        // Measured (docs/segmentation.md): F1 per visit within 0.05 of these, no truth lesion missed;
        // 7 false positives in all against 1 with the key at 0.5, every one cortical but two: the
        // one the key at 0.5 keeps too (sub-raw01's first visit, 4 voxels in the true cortex with
        // no mimic there, kept at its own peak's edge by `white_matter_peaks`), and at sub-raw01's
        // follow-up a first-visit mimic looked for again from its white-matter part
        // (`previous_lesion_seeds`), found off the ribbon. (With the template placed by the affine
        // transform alone: 19, and F1 0.667, 0.727, 0.778 and 0.857.)
        let measured: [(String, String, f1: Double)] = [
            ("sub-raw01", "ses-01", 0.800), ("sub-raw01", "ses-02", 0.941),
            ("sub-raw02", "ses-01", 0.875), ("sub-raw02", "ses-02", 0.947),
        ]
        for (participant, session, f1) in measured {
            let visit = try #require(score.visit(participant, session))
            #expect(abs(visit.f1 - f1) <= 0.05, "\(participant) \(session): F1 \(visit.f1), measured \(f1)")
            #expect(visit.fn == 0, "\(participant) \(session): \(visit.fn) truth lesions missed")
        }
        #expect(score.visits.map(\.fp).reduce(0, +) >= 4)
        let offRibbon = score.visits.map { $0.fp - ($0.fp_kinds["cortical"] ?? 0) }
        #expect(offRibbon == [1, 1, 0, 0], "\(score.visits.map(\.fp_kinds))")
        // The counts equal the truth's all the same: the cortical mimics kept at the baseline come
        // back drawn larger by the 6 mm slices, but their FLAIR did not rise, so they are stable
        // (3 and 2 enlarging against 2 and 1 before growth needed change).
        let new = score.visits.filter { $0.session_id == "ses-02" }.map(\.counts.new)
        #expect(new.map(\.truth) == [2, 2] && new.map(\.run) == [2, 2], "\(new)")
        let enlarging = score.visits.filter { $0.session_id == "ses-02" }.map(\.counts.enlarging)
        #expect(enlarging.map(\.truth) == [2, 1] && enlarging.map(\.run) == [2, 1], "\(enlarging)")
    }

    @Test(
        "seed 7's 6 mm follow-ups: a new lesion blurred under seed_ratio is found by its change, an unchanged mimic is not new (docs/segmentation.md)"
    )
    func laterVisitRules() throws {
        // The t2 entry of each participant's second visit, as its longitudinal record holds it.
        var recorded: [String: [String: Any]] = [:]
        let score = try RawEvaluation.evaluate(pipeline: RawEvaluation.defaultPipeline, seed: 7) { output in
            for participant in ["sub-raw01", "sub-raw02"] {
                let path = "\(output)/\(participant)/\(participant)_longitudinal.json"
                let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
                let visits = record?["visits"] as? [[String: Any]]
                recorded[participant] = visits?.last?["t2"] as? [String: Any]
            }
        }
        #expect(score.summary.missing_visits == 0)
        func count(_ participant: String, _ key: String) -> Int? { (recorded[participant]?[key] as? NSNumber)?.intValue }
        // Measured (docs/segmentation.md), with both rules off: sub-raw01 ses-02 F1 0.857, a new
        // lesion missed and an unchanged cortical mimic read as new (new 2 against 3, one of them
        // false); sub-raw02 ses-02 new 4 against 3, two of them mimics, one unchanged.
        // sub-raw01's new lesion of 21 voxels (2 mm) peaks at 1.36 on the 6 mm FLAIR; its ratio rose
        // by 0.37, so change seeds find it, and the mimic is dropped as unchanged (35 voxels found by
        // change at that visit, measured with a release build; 11 with the affine placement).
        #expect((count("sub-raw01", "voxels_found_by_change") ?? 0) > 0, "\(recorded["sub-raw01"] ?? [:])")
        #expect((count("sub-raw01", "voxels_dropped_as_unchanged") ?? 0) > 0)
        #expect((count("sub-raw02", "voxels_dropped_as_unchanged") ?? 0) > 0, "\(recorded["sub-raw02"] ?? [:])")
        // The lesions kept because they grew are recorded at every later visit (the field only: 0
        // here; `LesionGrowthRecordTests.previousVisitHandedOn` checks the enlarging rule the
        // labeller hands the segmentation).
        #expect(count("sub-raw01", "voxels_kept_as_grown") != nil && count("sub-raw02", "voxels_kept_as_grown") != nil)
        print("voxels kept as grown:", ["sub-raw01", "sub-raw02"].map { count($0, "voxels_kept_as_grown") ?? -1 })
        // The generator gives the lateral ventricles ependymal caps and a one-voxel rim along their
        // walls (FLAIR 0.85-1.0 of its lesion scale). Wall seeds lie there too, and what they grow
        // wholly within the margin is dropped and recorded: measured 22 voxels at sub-raw01's
        // follow-up with a release build (27 and 9 at both follow-ups with the template placed by
        // the affine transform alone; none at sub-raw02's now).
        #expect((count("sub-raw01", "voxels_dropped_within_ventricle_margin") ?? 0) > 0)
        let first = try #require(score.visit("sub-raw01", "ses-02"))
        #expect(first.f1 >= 0.9 && first.fp == 0 && first.fn == 1, "F1 \(first.f1), \(first.fp) false, \(first.fn) missed")
        // sub-raw02's other mimic read as new rose where the 6 mm series re-acquires it a voxel off,
        // and not within unchanged_neighbourhood_mm (2): it is dropped too (2 false positives there
        // with the neighbourhood 0, measured before `ventricle_wall_seeds`). The last false positive
        // there, a cortical mimic, went with the B-spline placement of the template's cortex.
        // One of the two missed without `previous_lesion_seeds`, a lesion counted at the first
        // visit that the 6 mm series blurs under seed_ratio, is found from it. A periventricular
        // one (truth lesion 1, 10 voxels) is found at both visits with `white_matter_peaks`: at the
        // first visit its region at grow_ratio is the periventricular and juxtacortical band
        // (23,338 voxels of 2 mm), whose peak (2.27) drew an edge (1.63) that left it 2 voxels,
        // under the size floor; at its own peak's (1.71) edge it is found, and the follow-up looks
        // for it there (missed at both visits without the key). The third new
        // lesion (truth lesion 11, periventricular, Gd+, 7 voxels) is seeded only within
        // ventricle_margin_mm and reaches past it: found with `ventricle_wall_seeds` (missed
        // without, new 2 against 3).
        let second = try #require(score.visit("sub-raw02", "ses-02"))
        #expect(second.fp == 0 && second.fn == 0, "\(second.fp) false, \(second.fn) missed")
        // New lesions: 2 and 3 against the truth's 3 and 3 (sub-raw01's third, 12 voxels, rose by
        // 0.27 only: no change seed).
        let new = score.visits.filter { $0.session_id == "ses-02" }.map(\.counts.new)
        #expect(new.map(\.truth) == [3, 3] && new.map(\.run) == [2, 3], "\(new)")
    }

    @Test(
        "issue #16's target on this study: lesion-wise F1 ≥ 0.9 at every visit; counts exact at ≥ 90 % of visits, never off by more than one"
    )
    func issueTarget() throws {
        let score = try RawEvaluation.evaluate(pipeline: RawEvaluation.defaultPipeline)
        #expect(score.summary.missing_visits == 0)
        for visit in score.visits {
            #expect(visit.f1 >= 0.9, "\(visit.participant_id) \(visit.session_id): F1 \(visit.f1)")
            #expect(visit.counts_max_off <= 1, "\(visit.participant_id) \(visit.session_id): \(visit.counts)")
        }
        #expect(Double(score.summary.counts_exact) >= 0.9 * Double(score.summary.visits))
    }
}
