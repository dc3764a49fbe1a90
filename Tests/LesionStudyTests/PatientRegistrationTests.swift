import Foundation
import LesionEngines
import LesionIO
import LesionKernels
import StudyTestSupport
import Testing
import TestSupport

@testable import LesionStudy

@Suite(
    "A patient scanned in two head positions: registered, compared, stored and reused; refused unregistered",
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"))
struct PatientRegistrationTests {
    /// Baseline straight; follow-up turned 10° and shifted 12 mm, as a clinic's next scan.
    static let poses = [
        SyntheticHead.rigid(degrees: (0, 0, 0), shiftMM: (0, 0, 0)),
        SyntheticHead.rigid(degrees: (4, -3, 10), shiftMM: (12, -5, 4)),
    ]

    /// `sub-01` with two sessions, each a FLAIR and a T2 lesion mask on the FLAIR's grid.
    static func patient(in root: String) throws -> String {
        for (n, pose) in poses.enumerated() {
            let anat = "\(root)/sub-01/ses-0\(n + 1)/anat"
            try makeDirectories(anat)
            try SyntheticHead.write("\(anat)/sub-01_ses-0\(n + 1)_FLAIR.nii", subjectToWorld: pose)
            try SyntheticHead.write("\(anat)/sub-01_ses-0\(n + 1)_label-T2lesion_mask.nii", subjectToWorld: pose, lesions: true)
        }
        return root + "/sub-01"
    }

    static func run(
        _ subject: String, mode: RegistrationSettings.Mode, context: RegistrationContext
    ) throws -> LongitudinalRun {
        var pipeline = Pipeline.standard
        pipeline.registration.mode = mode
        let file = PipelineFile(path: "test", sha256: "", pipeline: pipeline)
        let folder = try PatientFolder.open(subject, searchDerivatives: false)
        let visits = try VisitInputs.select(folder, pipeline: pipeline)
        return try LongitudinalRun.patient(
            folder, visits: visits, directory: subject, pipeline: file, reader: NIfTIReader(), eachVisit: nil,
            registration: context)
    }

    @Test("registered, the two lesions are stable; the transform is stored and a rerun without elastix reuses it")
    func registeredAndReused() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let subject = try Self.patient(in: root + "/study")
        let output = root + "/out"
        try makeDirectories(output)
        let first = try Self.run(subject, mode: .auto, context: RegistrationContext(transformsFolder: output, threads: 2))
        #expect(first.ledger.counts[0].t2Lesions == 2)
        #expect(first.ledger.counts[1].stableT2 == 2)
        #expect(first.ledger.counts[1].newT2 == 0)
        #expect(first.ledger.counts[1].resolvedT2 == 0)
        #expect(first.registrations.count == 1)
        #expect(first.registrations.allSatisfy { !$0.reused })
        let stored = "\(output)/sub-01/ses-02/anat/sub-01_ses-02_from-02_to-01_mode-image_xfm.txt"
        let text = try String(contentsOfFile: stored, encoding: .utf8)
        #expect(text.contains("# engine: elastix 5."))
        #expect(FileManager.default.fileExists(atPath: stored.replacingOccurrences(of: ".txt", with: ".elastix.txt")))
        // The stored matrix is the follow-up's pose against the baseline's, within 0.5 mm and 0.5°.
        let transform = try #require(StoredTransform.read(stored)).transform
        let (rms, degrees) = SyntheticHead.error(transform, Self.poses[1].concatenating(Self.poses[0].inverse!))
        #expect(rms < 0.5 && degrees < 0.5, "\(rms) mm, \(degrees)°")

        // No elastix on the second run: the stored transform is reused, and the results are identical.
        let second = try Self.run(
            subject, mode: .auto, context: RegistrationContext(transformsFolder: output, threads: 2, enginePath: "/nonexistent"))
        #expect(second.registrations.count == 1 && second.registrations.allSatisfy(\.reused))
        #expect(second.ledger.counts == first.ledger.counts)
        #expect(second.ledger.entries.map(\.voxelCount) == first.ledger.entries.map(\.voxelCount))
        // A stored transform whose key no longer matches (a changed image or parameter file) is
        // not reused: without elastix that run fails.
        try text.replacingOccurrences(of: "# input_key: rigid ", with: "# input_key: rigid changed").write(
            toFile: stored, atomically: true, encoding: .utf8)
        #expect(throws: ScanError.self) {
            _ = try Self.run(
                subject, mode: .auto, context: RegistrationContext(transformsFolder: output, threads: 2, enginePath: "/nonexistent"))
        }
        // Without a stored transform, the missing engine is an error that says how to install it.
        #expect {
            _ = try Self.run(
                subject, mode: .auto, context: RegistrationContext(transformsFolder: nil, threads: 2, enginePath: "/nonexistent"))
        } throws: { error in
            (error as? ScanError)?.problem.contains("apt-get install elastix") == true
        }
    }

    @Test("with registration: none, a 12 mm / 10° misalignment is refused by the correlation check, naming both FLAIRs")
    func unregisteredRefused() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let subject = try Self.patient(in: root + "/study")
        #expect {
            _ = try Self.run(subject, mode: .none, context: .standalone)
        } throws: { error in
            guard let error = error as? ScanError else { return false }
            return error.path == "\(subject)/ses-02/anat/sub-01_ses-02_FLAIR.nii"
                && error.problem.hasPrefix(
                    "does not line up with \(subject)/ses-01/anat/sub-01_ses-01_FLAIR.nii without registration: correlation ")
                && error.problem.contains("registration_qc.min_correlation")
        }
    }

    /// Runs the built `lesiontrack` with `PATH` replaced.
    static func lesiontrack(_ arguments: [String], path: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = path
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("lesiontrack run: transforms stored in the output folder; a rerun without elastix on PATH still succeeds")
    func batch() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try Self.patient(in: root + "/study")
        try writeText("participant_id\nsub-01\n", to: root + "/study/participants.tsv")
        let arguments = ["run", root + "/study", root + "/out", "participant", "--jobs", "1", "--no-report"]
        let first = try Self.lesiontrack(arguments, path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        #expect(first.status == 0, "\(first.stderr)")
        let stored = root + "/out/sub-01/ses-02/anat/sub-01_ses-02_from-02_to-01_mode-image_xfm.txt"
        let text = try String(contentsOfFile: stored, encoding: .utf8)
        #expect(text.contains("# correlation_after: 0.9"))
        // The results database holds the registration with its figures, paths relative to the study.
        let rows = try Self.sqlite(root + "/out/lesiontrack.sqlite", "SELECT moving, fixed, reused FROM registrations")
        #expect(rows == ["sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii|sub-01/ses-01/anat/sub-01_ses-01_FLAIR.nii|0"])
        let figures = try Self.sqlite(
            root + "/out/lesiontrack.sqlite", "SELECT json_extract(figures, '$.correlation_after') > 0.9 FROM registrations")
        #expect(figures == ["1"])
        // The transform's two files are outputs: listed with their hashes, so a merge copies them.
        let listed = try Self.sqlite(root + "/out/lesiontrack.sqlite", "SELECT path FROM outputs WHERE path LIKE '%xfm%' ORDER BY path")
        #expect(
            listed == [
                "sub-01/ses-02/anat/sub-01_ses-02_from-02_to-01_mode-image_xfm.elastix.txt",
                "sub-01/ses-02/anat/sub-01_ses-02_from-02_to-01_mode-image_xfm.txt",
            ])
        let merged = try Self.lesiontrack(
            ["merge", root + "/out", "--into", root + "/merged", "--no-report"],
            path: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(
            try String(contentsOfFile: root + "/merged/sub-01/ses-02/anat/sub-01_ses-02_from-02_to-01_mode-image_xfm.txt", encoding: .utf8)
                == text)
        let second = try Self.lesiontrack(arguments, path: "/nonexistent")
        #expect(second.status == 0, "\(second.stderr)")
    }

    /// Rows of a query through Python's sqlite3 (standard library), columns joined by `|`.
    static func sqlite(_ database: String, _ query: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(str(v) for v in row))",
            database, query,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
