import Foundation
import LesionEngines
import LesionIO
import LesionKernels
import StudyTestSupport
import Testing
import TestSupport

@testable import LesionStudy

/// Raw-looking patients from `Fixtures/generate_raw.py`, with the true pose of every image.
enum RawPatient {
    /// The generator: `Fixtures/generate_raw.py`, or `LESIONTRACK_RAW_GENERATOR` when set.
    static var generator: String {
        ProcessInfo.processInfo.environment["LESIONTRACK_RAW_GENERATOR"] ?? Fixtures.path("generate_raw.py")
    }

    static var generatorPresent: Bool { FileManager.default.fileExists(atPath: generator) }

    /// The peers' private Python environment (`.ci/install` makes it).
    static var python: String { RawTestKit.python }

    /// The template kit: `LESIONTRACK_TEMPLATE`, else where `.ci/install-template` puts it.
    static var template: String { RawTestKit.template }

    /// Generates a small study (2 mm, 2 visits) into `folder`.
    static func generate(_ folder: String, seed: Int, variant: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            generator, folder, "--template", template, "--seed", String(seed), "--size", "small", "--variant", variant, "--quiet",
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScanError(generator, "exited with status \(process.terminationStatus) (template kit \(template))")
        }
    }

    /// `truth.json`'s `subject_to_world` of each image, by path relative to the study.
    static func poses(_ folder: String) throws -> [String: Affine] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/derivatives/truth/truth.json"))
        let truth = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var poses: [String: Affine] = [:]
        for (path, entry) in truth["images"] as! [String: [String: Any]] {
            let rows = (entry["subject_to_world"] as! [[Double]]).prefix(3)
            poses[path] = Affine(rows: Array(rows))
        }
        return poses
    }

    /// The visits of `sub-raw01` as the registration sees them: each session's FLAIR (reference),
    /// T1w and post-contrast T1w.
    static func visits(_ folder: String) throws -> [VisitInputs] {
        var visits: [VisitInputs] = []
        for session in ["ses-01", "ses-02"] {
            let anat = "\(folder)/sub-raw01/\(session)/anat/sub-raw01_\(session)_"
            var visit = try VisitInputs(
                session: session, acquisitionTime: nil, t2File: anat + "FLAIR.nii.gz", t2Source: Pipeline.standard.t2Sources[0],
                gdFile: nil, gdSource: nil, preContrastFile: nil, brainMaskFile: nil)
            visit.registrationImages = RegistrationImages(
                reference: anat + "FLAIR.nii.gz", others: [anat + "T1w.nii.gz", anat + "ce-gadolinium_T1w.nii.gz"])
            visits.append(visit)
        }
        return visits
    }

    /// Brain points (subject space, mm) from the truth brain mask, every `step`-th voxel.
    static func brainPoints(_ folder: String, step: Int = 3) throws -> [WorldPoint] {
        let scan = try NIfTIReader().read(folder + "/derivatives/truth/sub-raw01/sub-raw01_space-subject_label-brain_mask.nii.gz")
        let values = ScaledVolume.of(scan)
        let size = values.size
        var points: [WorldPoint] = []
        for k in stride(from: 0, to: size.nz, by: step) {
            for j in stride(from: 0, to: size.ny, by: step) {
                for i in stride(from: 0, to: size.nx, by: step) where values[i, j, k] > 0 {
                    points.append(scan.header.affine.apply(VoxelIndex(i, j, k)))
                }
            }
        }
        return points
    }
}

@Suite(
    "Generated raw patients: every true transform recovered; flipped and other-head images refused",
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"),
    .enabled(if: RawPatient.generatorPresent, "Fixtures/generate_raw.py is absent: the raw-scan generator is not in this checkout"))
struct RawRegistrationTests {
    func align(_ folder: String) throws -> (alignments: [String: Affine], records: [RegistrationRecord]) {
        let visits = try RawPatient.visits(folder)
        let reader = NIfTIReader()
        let grid = ReferenceGrid(header: try reader.readHeader(visits[0].t2File), rule: .default)
        let aligned = try VisitAlignment(
            settings: .standard, context: RegistrationContext(transformsFolder: nil, threads: 2), reader: reader,
            participantID: "sub-raw01", sameGridToleranceMM: 0.01
        ).align(visits, grid: grid)
        return (aligned.alignments, aligned.records)
    }

    @Test("each series of each visit lands within 0.5 mm RMS over the brain and 0.5° of its true pose")
    func recovered() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 3, variant: "none")
        let poses = try RawPatient.poses(folder)
        let start = ContinuousClock.now
        let (alignments, records) = try align(folder)
        print("registered \(records.count) pairs in \(ContinuousClock.now - start)")
        for record in records { print(record.from, record.figures) }
        let baseline = poses["sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz"]!
        let points = try RawPatient.brainPoints(folder)
        #expect(points.count > 1000)
        var checked = 0
        for (path, pose) in poses where path != "sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz" {
            let found = try #require(alignments[folder + "/" + path], "no transform for \(path)")
            let truth = pose.concatenating(baseline.inverse!)
            var sum = 0.0
            for p in points {
                let w = baseline.apply(VoxelCoordinate(p.x, p.y, p.z))
                let a = found.apply(VoxelCoordinate(w.x, w.y, w.z)), b = truth.apply(VoxelCoordinate(w.x, w.y, w.z))
                sum += (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)
            }
            let rms = (sum / Double(points.count)).squareRoot()
            let difference = found.concatenating(truth.inverse!)
            let trace = difference.rows[0][0] + difference.rows[1][1] + difference.rows[2][2]
            let degrees = acos(min(1, max(-1, (trace - 1) / 2))) * 180 / .pi
            print("\(path): \(rms) mm RMS over the brain, \(degrees)°")
            #expect(rms <= 0.5, "\(path): \(rms) mm RMS")
            #expect(degrees <= 0.5, "\(path): \(degrees)°")
            checked += 1
        }
        #expect(checked == 5)
    }

    @Test("a follow-up T1w flipped left-right in its data is refused, naming both files")
    func flipped() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 3, variant: "flipped")
        // The flipped series against its visit's FLAIR alone: the registration the refusal comes from.
        let anat = folder + "/sub-raw01/ses-02/anat/sub-raw01_ses-02_"
        let engine = try RigidRegistration(parameterBytes: BuiltInFile.rigidRegistration.bytes, threads: 2, reader: NIfTIReader())
        let result = try engine.register(fixed: anat + "FLAIR.nii.gz", moving: anat + "T1w.nii.gz", mirrorCheck: true)
        let alignment = VisitAlignment(
            settings: .standard, context: .standalone, reader: NIfTIReader(), participantID: nil, sameGridToleranceMM: 0.01)
        do {
            try alignment.check(result, sameContrast: false)
            Issue.record("a flipped series was aligned: \(result.after) against \(String(describing: result.mirrored)) mirrored")
        } catch {
            print(error.problem)
            #expect(error.path == anat + "T1w.nii.gz")
            #expect(error.problem.contains("fits \(anat)FLAIR.nii.gz better mirrored left-right"))
        }
        // The same series of the first visit, not flipped, passes the same check.
        let first = folder + "/sub-raw01/ses-01/anat/sub-raw01_ses-01_"
        let unflipped = try engine.register(fixed: first + "FLAIR.nii.gz", moving: first + "T1w.nii.gz", mirrorCheck: true)
        print("unflipped T1w: \(unflipped.after) as it is, \(String(describing: unflipped.mirrored)) mirrored")
        try alignment.check(unflipped, sameContrast: false)
    }

    @Test("a follow-up visit of another head is refused by its correlation with the baseline, naming both FLAIRs")
    func otherHead() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 3, variant: "other-head")
        do {
            _ = try align(folder)
            Issue.record("another head was aligned")
        } catch let error as ScanError {
            print(error.problem)
            #expect(error.path == folder + "/sub-raw01/ses-02/anat/sub-raw01_ses-02_FLAIR.nii.gz")
            #expect(error.problem.hasPrefix("cannot be aligned with \(folder)/sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz"))
        }
    }
}

@Suite(
    "Template anatomy on a generated raw patient: Dice per structure against the generator's truth",
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"),
    .enabled(if: RawPatient.generatorPresent, "Fixtures/generate_raw.py is absent: the raw-scan generator is not in this checkout"))
struct TemplateAnatomyTests {
    @Test("brain, cortex, deep grey matter, white matter, ventricles and infratentorial maps on the baseline grid")
    func dice() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 3, variant: "none")
        let reader = NIfTIReader()
        let reference = folder + "/sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz"
        let grid = try reader.readHeader(reference).geometry
        let kit = try TemplateAnatomy.locate(RawPatient.template)
        let start = ContinuousClock.now
        let (maps, _) = try TemplateAnatomy(kit: kit, threads: 2, reader: reader).derive(reference: reference, onto: grid)
        print("template registered (affine, then B-spline) and mapped in \(ContinuousClock.now - start)")
        let (affineMaps, _) = try TemplateAnatomy(kit: kit, threads: 2, reader: reader, transformKind: .affine)
            .derive(reference: reference, onto: grid)
        let pose = try RawPatient.poses(folder)["sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz"]!
        let labels = [
            "brain": "brain", "cortex": "CGM", "deep_grey_matter": "DGM", "white_matter": "WM", "ventricles": "ventricles",
            "infratentorial": "infratentorial",
        ]
        var dice: [String: Double] = [:], affineDice: [String: Double] = [:]
        for (role, label) in labels {
            let scan = try reader.read(folder + "/derivatives/truth/sub-raw01/sub-raw01_space-subject_label-\(label)_mask.nii.gz")
            let values = ScaledVolume.of(scan)
            let placement = try #require(GridPlacement(source: scan.header.geometry, onto: grid, through: pose.inverse!))
            let truth = placement.nearest({ values.voxels[$0] }, outside: 0).map { $0 > 0 }
            dice[role] = Self.dice(truth, try #require(maps[role]))
            affineDice[role] = Self.dice(truth, try #require(affineMaps[role]))
        }
        let show = { (d: [String: Double]) in d.sorted { $0.key < $1.key }.map { "\($0.key) \(($0.value * 1000).rounded() / 1000)" } }
        print("Dice against the truth, B-spline:", show(dice))
        print("Dice against the truth, affine only:", show(affineDice))
        #expect(dice["brain"]! >= 0.95)
        #expect(dice.values.allSatisfy { $0 >= 0.8 })
        // Measured on this patient (truth and maps both on its 2 mm baseline grid): the affine
        // transform gives cortex 0.842, white matter 0.848, ventricles 0.780, deep grey matter
        // 0.853; the deformation 0.888, 0.894, 0.855 and 0.897. Each must rise by at least 0.02.
        for role in ["cortex", "white_matter", "ventricles", "deep_grey_matter"] {
            #expect(dice[role]! >= affineDice[role]! + 0.02, "\(role): B-spline \(dice[role]!), affine \(affineDice[role]!)")
        }
    }

    static func dice(_ truth: Volume<Bool>, _ derived: Volume<Bool>) -> Double {
        var both = 0, a = 0, b = 0
        for n in truth.voxels.indices {
            if truth.voxels[n] { a += 1 }
            if derived.voxels[n] { b += 1 }
            if truth.voxels[n] && derived.voxels[n] { both += 1 }
        }
        return 2 * Double(both) / Double(a + b)
    }

    /// Expected: the same images give the same transforms and maps on any number of threads, so
    /// a patient's counts do not depend on the machine's cores or the batch's `--jobs`. elastix
    /// adds its metric's per-thread sums in an order that depends on the thread count; the
    /// parameter files compute the metric on one thread (`UseMultiThreadingForMetrics`).
    @Test("the template's maps and every within-patient transform are the same on 1 and 2 threads")
    func sameOnAnyThreads() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try RawPatient.generate(folder, seed: 7, variant: "none")
        let reader = NIfTIReader()
        let reference = folder + "/sub-raw01/ses-01/anat/sub-raw01_ses-01_FLAIR.nii.gz"
        let grid = try reader.readHeader(reference).geometry
        let kit = try TemplateAnatomy.locate(RawPatient.template)
        let (one, _) = try TemplateAnatomy(kit: kit, threads: 1, reader: reader).derive(reference: reference, onto: grid)
        // The second run's grid is the reference's moved by one voxel along i, so its maps also
        // pass through the step from the reference's grid onto another: voxel (i, j, k) of it is
        // the reference's (i + 1, j, k), and its last column lies outside, in no structure.
        let shifted = VoxelGeometry(
            size: grid.size, affine: grid.affine.concatenating(Affine(rows: [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]])))
        let (two, _) = try TemplateAnatomy(kit: kit, threads: 2, reader: reader).derive(reference: reference, onto: shifted)
        #expect(one.keys.sorted() == two.keys.sorted() && !one.isEmpty)
        let size = grid.size
        for (role, map) in one {
            let other = try #require(two[role])
            var differing = 0, outside = 0
            for k in 0..<size.nz {
                for j in 0..<size.ny {
                    for i in 0..<size.nx {
                        if i + 1 < size.nx {
                            differing += other[i, j, k] != map[i + 1, j, k] ? 1 : 0
                        } else {
                            outside += other[i, j, k] ? 1 : 0
                        }
                    }
                }
            }
            #expect(differing == 0 && outside == 0, "\(role): \(differing) voxels differ, \(outside) outside set")
            #expect(map.voxels.contains(true), "\(role): empty")
        }

        let visits = try RawPatient.visits(folder)
        let header = ReferenceGrid(header: try reader.readHeader(visits[0].t2File), rule: .default)
        func alignments(threads: Int) throws -> [String: Affine] {
            try VisitAlignment(
                settings: .standard, context: RegistrationContext(transformsFolder: nil, threads: threads), reader: reader,
                participantID: "sub-raw01", sameGridToleranceMM: 0.01
            ).align(visits, grid: header).alignments
        }
        let (a, b) = (try alignments(threads: 1), try alignments(threads: 2))
        #expect(a.count >= 4 && a.keys.sorted() == b.keys.sorted())
        for (file, transform) in a { #expect(transform == b[file], "\(file)") }
    }
}

@Suite(
    "A raw FLAIR without a brain mask, thresholded inside the template's brain (registration_qc.template)",
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"),
    .enabled(if: RawPatient.generatorPresent, "Fixtures/generate_raw.py is absent: the raw-scan generator is not in this checkout"))
struct TemplateBrainMaskTests {
    @Test("the run places the template's brain on the baseline grid and labels the FLAIR's z-scores inside it")
    func run() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RawPatient.python)
        process.arguments = [
            RawPatient.generator, folder, "--template", RawPatient.template, "--seed", "4", "--size", "small", "--visits", "1", "--quiet",
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        var pipeline = Pipeline.standard
        pipeline.searchDerivatives = false
        pipeline.t2Sources = [LesionSource(kind: .image, pattern: FileNamePattern("*_FLAIR"))]
        pipeline.gdSources = []
        pipeline.registration.images = []
        pipeline.registration.template = RawPatient.template
        // Without the template the same visit is refused: an intensity threshold needs a brain mask.
        var without = pipeline
        without.registration.template = nil
        let subject = folder + "/sub-raw01"
        let patientFolder = try PatientFolder.open(subject, searchDerivatives: false)
        #expect(throws: ScanError.self) { _ = try VisitInputs.select(patientFolder, pipeline: without) }

        let visits = try VisitInputs.select(patientFolder, pipeline: pipeline)
        #expect(visits[0].brainMaskFile == nil)
        let run = try LongitudinalRun.patient(
            patientFolder, visits: visits, directory: subject, pipeline: PipelineFile(path: "test", sha256: "", pipeline: pipeline),
            reader: NIfTIReader(), eachVisit: nil, registration: RegistrationContext(transformsFolder: nil, threads: 2))
        guard case .zScore(_, let brain) = run.visits[0].t2Rule else {
            Issue.record("the FLAIR was not thresholded by z-score: \(run.visits[0].t2Rule)")
            return
        }
        // The truth brain's voxels on the baseline FLAIR's grid, for scale.
        let truth = try NIfTIReader().read(folder + "/derivatives/truth/sub-raw01/sub-raw01_space-subject_label-brain_mask.nii.gz")
        let truthValues = ScaledVolume.of(truth)
        let brainMM3 = Double(truthValues.voxels.filter { $0 > 0 }.count) * truth.header.geometry.voxelVolumeMM3
        let derivedMM3 = Double(brain.voxelCount) * run.reference.geometry.voxelVolumeMM3
        print(
            "template brain \(derivedMM3 / 1000) mL against the truth's \(brainMM3 / 1000) mL; \(run.ledger.counts[0].t2Lesions) T2 lesions at z ≥ 3"
        )
        #expect(abs(derivedMM3 - brainMM3) / brainMM3 < 0.1)
        #expect(run.ledger.counts[0].t2Lesions > 0)
    }
}
