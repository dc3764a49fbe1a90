import Foundation
import LesionKernels
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("The compare, patient and evaluate commands")
struct LongitudinalCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    func withPatient(_ body: (String) throws -> Void) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try GeneratedPatient.write(into: root)
        try body(root)
    }

    static let defaultPipeline = CommandRunner.repositoryRoot + "/Pipelines/default.yaml"

    /// `Pipelines/default.yaml` with the reader's floor off, written beside the generated patient:
    /// these tests follow every lesion of the patient, H included (2.83 mm at baseline; the floor
    /// itself is tested in `GeneratedPatientTests.readerFloor`).
    static func unfloored(_ root: String) throws -> String {
        let text = try String(contentsOfFile: defaultPipeline, encoding: .utf8)
        let path = root + "/unfloored.yaml"
        try writeText(text.replacingOccurrences(of: "  min_reader_length_mm: 3\n", with: "  min_reader_length_mm: 0\n"), to: path)
        return path
    }
    static let defaultRules = CommandRunner.repositoryRoot + "/Pipelines/rules.yaml"
    /// What outputs record when no --rules is given.
    static let builtInRules = "built-in:rules.yaml"

    @Test("compare: the baseline against the finer-grid visit, resampled, as JSON")
    func compare() throws {
        try withPatient { root in
            let result = try CommandRunner.run([
                "compare", GeneratedPatient.t2File(root: root, visit: 0), GeneratedPatient.t2File(root: root, visit: 2),
                "--followup-gd", root + "/derivatives/segmenter/sub-01/ses-03/anat/sub-01_ses-03_label-Gdlesion_mask.nii.gz",
                "--pipeline", try Self.unfloored(root),
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            let doc = try json(result.stdout)
            #expect(doc["tool"] as? String == "lesiontrack" && doc["command"] as? String == "compare")
            let pipeline = doc["pipeline"] as! [String: Any]
            #expect(pipeline["file"] as? String == root + "/unfloored.yaml")
            #expect(
                pipeline["sha256"] as? String == SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/unfloored.yaml")))))
            let parameters = doc["parameters"] as! [String: Any]
            #expect(parameters["enlarging_ratio"] as? Double == 1.5 && parameters["min_volume_change_mm3"] as? Double == 14.1)
            #expect(parameters["enlarging_volume_mm3"] as? Double == 1000 && parameters["min_confluent_volume_mm3"] as? Double == 14.1)
            #expect(parameters["recurrent_max_absent_visits"] as? Int == 1)
            #expect(parameters["connectivity"] as? Int == 26 && parameters["min_voxels"] as? Int == 3)
            let visits = doc["visits"] as! [[String: Any]]
            #expect(visits.map { $0["resampled"] as! Bool } == [false, true])
            let t2 = visits[1]["t2"] as! [String: Any]
            #expect(
                t2["grid"] as? String == "resampled" && t2["resampling"] as? String == "nearest" && t2["field_coverage"] as? Double == 1)
            let counts = visits[1]["counts"] as! [String: Any]
            let expected: [String: Int] = [
                "t2_lesions": 9, "new_t2": 1, "enlarging_t2": 3, "new_or_enlarging_t2": 4, "stable_t2": 2, "shrinking_t2": 0,
                "merged_t2": 1, "split_t2": 2, "resolved_t2": 1, "absorbed_t2": 1, "gd_lesions": 1, "enhancing_t2": 1,
                "recurrent_t2": 0, "confluent_t2": 3, "active_merged_split_t2": 0, "active_recurrent_t2": 0,
            ]
            for (key, value) in expected { #expect(counts[key] as? Int == value, "\(key)") }
            #expect((visits[0]["counts"] as! [String: Any])["new_t2"] is NSNull)
            let lesions = doc["lesions"] as! [[String: Any]]
            let states = lesions.filter { $0["visit"] as? Int == 2 }.map { "\($0["lesion_id"]!):\($0["state"]!)" }
            #expect(
                states == [
                    "1:stable", "2:enlarging", "3:resolved", "4:stable", "5:enlarging", "6:merged", "7:absorbed",
                    "8:enlarging", "9:split", "10:new", "11:split",
                ])
        }
    }

    @Test("compare refuses a pair that does not share world space, naming both files")
    func compareRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let a = directory + "/a.nii.gz", b = directory + "/b.nii.gz"
        try GeneratedPatient.baselineGrid.writeMask([VoxelBox(2...5, 2...5, 2...5)], to: a)
        try SyntheticGrid(size: GridSize(40, 40, 20), originMM: (0, 400, 0)).writeMask([VoxelBox(2...5, 2...5, 2...5)], to: b)
        let result = try CommandRunner.run(["compare", a, b])
        #expect(result.status == 65 && result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("lesiontrack: \(b): does not overlap \(a) in world space"))
    }

    @Test("patient: the visits table, exactly")
    func patientTable() throws {
        try withPatient { root in
            let unfloored = try Self.unfloored(root)
            let result = try CommandRunner.run(["patient", root, "--format", "tsv", "--pipeline", unfloored])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let sha = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: unfloored))))
            #expect(lines[0] == "# lesiontrack 0.1.0 patient \(root)")
            #expect(lines[1] == "# pipeline \(unfloored) sha256 \(sha)")
            #expect(
                lines[2].hasPrefix(
                    "# parameters connectivity=26 min_voxels=3 min_volume_mm3=3 min_extent_mm=0 min_reader_length_mm=0 min_overlap_voxels=1 enlarging_ratio=1.5 enlarging_volume_mm3=1000 min_volume_change_mm3=14.1 min_confluent_volume_mm3=14.1 recurrent_max_absent_visits=1"
                ))
            let rulesSHA = SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: Self.defaultRules))))
            #expect(lines[3] == "# rules \(Self.builtInRules) sha256 \(rulesSHA)")
            #expect(lines[4] == "# Decision support for review by a neurologist or neuroradiologist, not a diagnosis.")
            let t2 = (0..<4).map { GeneratedPatient.t2File(root: root, visit: $0) }
            let gd = (1...2).map {
                root + "/derivatives/segmenter/sub-01/ses-0\($0 + 1)/anat/sub-01_ses-0\($0 + 1)_label-Gdlesion_mask.nii.gz"
            }
            #expect(
                Array(lines[5...]) == [
                    "visit\tsession_id\tacq_time\tgrid\tt2_lesions\tt2_volume_mm3\tnew_t2\tenlarging_t2\tnew_or_enlarging_t2\tstable_t2\tshrinking_t2\tmerged_t2\tsplit_t2\tresolved_t2\tabsorbed_t2\trecurrent_t2\tconfluent_t2\tactive_merged_split_t2\tactive_recurrent_t2\tgd_lesions\tenhancing_t2\tt2_file\tgd_file\tt2_field_coverage\tt2_voxel_mm\tgd_field_coverage\tgd_voxel_mm",
                    "1\tses-01\t2020-01-15\treference\t9\t314" + String(repeating: "\tn/a", count: 15) + "\t\(t2[0])\tn/a\t1\t1\tn/a\tn/a",
                    "2\tses-02\t2020-07-20\tsame\t9\t367\t1\t3\t4\t5\t0\t0\t0\t1\t0\t0\t3\t0\t0\t2\t1\t\(t2[1])\t\(gd[0])\t1\t1\t1\t1",
                    // The fine grid's field holds every baseline voxel centre; the shifted one 92.625 %.
                    "3\tses-03\t2021-01-18T09:30:00\tresampled\t9\t367\t0\t0\t0\t6\t0\t1\t2\t0\t1\t0\t0\t0\t0\t1\t1\t\(t2[2])\t\(gd[1])\t1\t0.5\t1\t0.5",
                    "4\tses-04\t2022-01-10\tresampled\t10\t376\t1\t0\t1\t8\t1\t0\t0\t0\t0\t0\t0\t0\t0\tn/a\tn/a\t\(t2[3])\tn/a\t0.92625\t1\tn/a\tn/a",
                ])
        }
    }

    @Test("patient --output-dir: JSON, the tables and their sidecars")
    func patientFiles() throws {
        try withPatient { root in
            let out = root + "/out"
            let result = try CommandRunner.run(["patient", root + "/sub-01", "--output-dir", out, "--pipeline", try Self.unfloored(root)])
            #expect(result.status == 0 && result.stdout.isEmpty, "\(result.stderr)")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
                    "sub-01_lesions.json", "sub-01_lesions.tsv", "sub-01_longitudinal.json", "sub-01_review.json", "sub-01_review.tsv",
                    "sub-01_visits.json", "sub-01_visits.tsv",
                ])
            let lesions = try String(contentsOfFile: out + "/sub-01_lesions.tsv", encoding: .utf8).split(separator: "\n")
            #expect(lesions.count == 1 + 9 + 10 + 10 + 10)
            #expect(
                lesions[0]
                    == "lesion_id\tvisit\tsession_id\tstate\tlabel\tvoxels\tvolume_mm3\tprevious_volume_mm3\tvolume_ratio\tprevious_ids\tmerged_into\tsplit_from\tconfluent\tactive\tlargest_added_region_mm3\tabsent_visits\tenhancing\tcentroid_x_mm\tcentroid_y_mm\tcentroid_z_mm\tlargest_extent_mm\tcontiguous_growth\tgrowth_mm3\tlarge_lesion\tcortical_contact\tgrey_matter_contact\tperiventricular\tpunctate_focus_of\tenhancing_voxels\tenhancing_rim_share"
            )
            // Lesion 7 (F) ends at visit 3, absorbed into 6; lesion 11 is the smaller half of 9.
            #expect(
                lesions.contains(
                    "7\t3\tses-03\tabsorbed\tn/a\t0\t0\t27\tn/a\tn/a\t6\tn/a\tn/a\tn/a\tn/a\tn/a\tn/a"
                        + String(repeating: "\tn/a", count: 13)))
            // Lesion 6 (E) merged with F at visit 3: 63 → 72 mm³ is no contiguous growth (×1.14); 6 of
            // its voxels enhance, all within 3 mm of its border. Lesion 8 (J) grew ×1.5, +15 mm³.
            #expect(
                lesions.contains { $0.hasPrefix("6\t3\tses-03\tmerged\t") && $0.hasSuffix("\tfalse\t9\tfalse\tn/a\tn/a\tn/a\tn/a\t6\t1") })
            #expect(
                lesions.contains {
                    $0.hasPrefix("8\t2\tses-02\tenlarging\t") && $0.hasSuffix("\ttrue\t15\tfalse\tn/a\tn/a\tn/a\tn/a\t0\tn/a")
                })
            #expect(lesions.contains { $0.hasPrefix("11\t3\tses-03\tsplit\t9\t27\t27\t81\t0.3333333333333333\t9\tn/a\t9\tfalse\t") })
            let sidecar = try json(try String(contentsOfFile: out + "/sub-01_visits.json", encoding: .utf8))
            #expect(sidecar["table"] as? String == out + "/sub-01_visits.tsv")
            #expect((sidecar["columns"] as? [String])?.first == "visit")
            #expect((sidecar["pipeline"] as? [String: Any])?["file"] as? String == root + "/unfloored.yaml")
            #expect(sidecar["participant_id"] as? String == "sub-01")
            let document = try json(try String(contentsOfFile: out + "/sub-01_longitudinal.json", encoding: .utf8))
            #expect((document["lesions"] as? [Any])?.count == 39 && (document["visits"] as? [Any])?.count == 4)
        }
    }

    @Test("patient with an edited pipeline file: a threshold changes without rebuilding")
    func editedPipeline() throws {
        try withPatient { root in
            let edited = root + "/strict.yaml"
            let text = try String(contentsOfFile: Self.defaultPipeline, encoding: .utf8)
            #expect(text.contains("  enlarging_ratio: 1.5\n"))
            #expect(text.contains("  min_confluent_volume_mm3: 14.1\n"))
            let stricter = text.replacingOccurrences(of: "  enlarging_ratio: 1.5\n", with: "  enlarging_ratio: 1.6\n")
                .replacingOccurrences(of: "  min_reader_length_mm: 3\n", with: "  min_reader_length_mm: 0\n")
                .replacingOccurrences(of: "  min_confluent_volume_mm3: 14.1\n", with: "  min_confluent_volume_mm3: 20\n")
            try writeText(stricter, to: edited)
            let result = try CommandRunner.run(["patient", root, "--pipeline", edited, "--format", "tsv"])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("2\t") }
            // Visit 2: J (×1.5, a 15 mm³ slab) and I (a 16 mm³ slab) are stable now; B (×2) still enlarging.
            #expect(rows.first?.split(separator: "\t").prefix(10).joined(separator: " ") == "2 ses-02 2020-07-20 same 9 367 1 1 2 7")
            #expect(result.stdout.contains("# pipeline \(edited) sha256 "))
            #expect(result.stdout.contains(" enlarging_ratio=1.6 "))
        }
    }

    @Test("a malformed pipeline file: one line naming the file and the line, status 65")
    func malformedPipeline() throws {
        try withPatient { root in
            let bad = root + "/bad.yaml"
            try writeText("matching:\n  enlarging_ratio: 1.5\n  min_volume_change_mm3: -3\n", to: bad)
            let result = try CommandRunner.run(["patient", root, "--pipeline", bad])
            #expect(result.status == 65 && result.stdout.isEmpty)
            #expect(result.stderr == "lesiontrack: \(bad): line 3: matching.min_volume_change_mm3 must be at least 0, not -3\n")
        }
    }

    /// Reference and test masks on a 20 × 10 × 4 grid of 1 mm voxels (see `evaluate`).
    func writeEvaluationMasks(_ directory: String) throws -> (String, String) {
        let grid = SyntheticGrid(size: GridSize(20, 10, 4), originMM: (0, 0, 0))
        let reference = directory + "/reference.nii.gz", test = directory + "/test.nii.gz"
        try grid.writeMask(
            [
                VoxelBox(1...3, 1...3, 1...2), VoxelBox(8...9, 1...2, 1...1), VoxelBox(15...17, 1...1, 1...1),
                VoxelBox(1...4, 6...8, 1...1),
            ], to: reference)
        try grid.writeMask(
            [
                VoxelBox(1...3, 1...3, 1...1), VoxelBox(8...8, 1...1, 1...1), VoxelBox(15...17, 1...1, 1...1),
                VoxelBox(12...14, 6...8, 1...2),
            ], to: test)
        return (reference, test)
    }

    // Reference lesions: R1 18 voxels, R2 4, R3 3 (not > 3 mm³: dropped), R4 12. Test: T1 9 (half
    // of R1), T2 1 and T3 3 (dropped), T4 18 (elsewhere). R1 is detected (half covered, T1 all
    // inside), R2 and R4 are not: sensitivity 1/3. T1 is detected (R1 has 9/18 ≤ β outside), T4
    // is not: PPV 1/2. Dice over the whole masks: 2 × (9 + 1 + 3) / (37 + 31).
    @Test("evaluate: hand-computed figures, with Anima's size floor")
    func evaluate() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (reference, test) = try writeEvaluationMasks(directory)
        let result = try CommandRunner.run(["evaluate", reference, test])
        #expect(result.status == 0, "\(result.stderr)")
        let doc = try json(result.stdout)
        #expect(doc["alpha"] as? Double == 0.1 && doc["beta"] as? Double == 0.7 && doc["gamma"] as? Double == 0.65)
        #expect(doc["connectivity"] as? Int == 6 && doc["min_volume_mm3"] as? Double == 3 && doc["min_voxels"] as? Int == 4)
        #expect(doc["reference_lesions"] as? Int == 3 && doc["test_lesions"] as? Int == 2)
        #expect(doc["detected_reference_lesions"] as? Int == 1 && doc["detected_test_lesions"] as? Int == 1)
        #expect(doc["sensitivity"] as? Double == 1.0 / 3 && doc["ppv"] as? Double == 0.5)
        #expect(doc["f1"] as? Double == 2 * 0.5 * (1.0 / 3) / (0.5 + 1.0 / 3))
        #expect(doc["dice"] as? Double == 26.0 / 68)
        #expect(doc["reference_voxels"] as? Int == 37 && doc["test_voxels"] as? Int == 31 && doc["overlap_voxels"] as? Int == 13)
        let references = doc["reference_lesion_results"] as! [[String: Any]]
        #expect(references.map { $0["voxels"] as! Int } == [18, 4, 12])
        #expect(references.map { $0["outcome"] as! String } == ["detected", "too_little_covered", "too_little_covered"])
        #expect(references[0]["covered_fraction"] as? Double == 0.5)

        // Without the floor R2 is detected by its one-voxel T2, R3 by T3; T2 is not detected (R2
        // has 3/4 > β outside it): sensitivity 3/4, PPV 2/4.
        let loose = try json(try CommandRunner.run(["evaluate", reference, test, "--min-volume", "0", "--format", "json"]).stdout)
        #expect(loose["sensitivity"] as? Double == 0.75 && loose["ppv"] as? Double == 0.5 && loose["min_voxels"] as? Int == 1)
        let tests = loose["test_lesion_results"] as! [[String: Any]]
        #expect(tests[1]["outcome"] as? String == "covering_lesion_outside" && tests[1]["outside_fraction"] as? Double == 0.75)

        let tsv = try CommandRunner.run(["evaluate", reference, test, "--format", "tsv", "--gamma", "0.9"]).stdout.split(separator: "\n")
        #expect(tsv.count == 2 && tsv[0].hasPrefix("tool\tversion\treference\ttest\tthreshold\tconnectivity"))
        #expect(tsv[1].contains("\t0.1\t0.7\t0.9\t3\t2\t1\t1\t"))
    }

    @Test("evaluate refuses masks on different grids, as Anima does")
    func evaluateGrids() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (reference, _) = try writeEvaluationMasks(directory)
        let other = directory + "/other.nii.gz"
        try SyntheticGrid(size: GridSize(40, 20, 8), spacingMM: 0.5, originMM: (-0.25, -0.25, -0.25)).writeMask(
            [VoxelBox(2...5, 2...5, 2...3)], to: other)
        let result = try CommandRunner.run(["evaluate", reference, other])
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "lesiontrack: \(other): not on the grid of \(reference): dimensions 40×20×8 differ from 20×10×4; evaluate compares voxel for voxel and does not resample (as animaSegPerfAnalyzer): use `lesiontrack compare` or resample first\n"
        )
        let bad = try CommandRunner.run(["evaluate", reference, reference, "--alpha", "1.5"])
        #expect(bad.status == 64 && bad.stderr.contains("--alpha must be a fraction from 0 to 1"))
    }
}
