import Foundation
import LesionIO
import LesionStudy
import Testing
import TestSupport

@Suite("DICOM series rules, sidecars and de-identification of the import")
struct SeriesRulesTests {
    static let rulesPath = CommandRunner.repositoryRoot + "/Pipelines/dicom-series.yaml"

    /// A sidecar as dcm2niix writes it, from key-value text.
    func sidecar(_ members: String) throws -> Sidecar {
        try Sidecar(path: "test.json", bytes: Array("{\n\(members)\n}\n".utf8))
    }

    func rule(_ members: String, extensions: Set<String> = ["nii.gz", "json"]) throws -> String? {
        let rules = try SeriesRulesFile.load(nil)
        guard let rule = rules.rule(for: try sidecar(members), extensions: extensions) else { return nil }
        return rule.target.map { "\($0)" } ?? "skip:\(rule.id)"
    }

    @Test("the built-in rules are Pipelines/dicom-series.yaml byte for byte, and read")
    func builtIn() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.rulesPath)))
        #expect(BuiltInFile.dicomSeries.bytes == bytes)
        let rules = try SeriesRulesFile.load(nil)
        #expect(rules.path == "built-in:dicom-series.yaml")
        #expect(rules.sha256 == (try SeriesRulesFile.load(Self.rulesPath)).sha256)
        #expect(rules.duplicates == .refuse)
        #expect(rules.rules.map(\.id) == ["localizer", "derived", "dwi", "flair", "t1w-post-contrast", "t1w", "t2w"])
    }

    @Test("FLAIR, T1w, post-contrast T1w, T2w, DWI and skipped series by description, tags and sequence parameters")
    func classification() throws {
        // By description.
        #expect(try rule(#""SeriesDescription": "t2_flair_tra", "RepetitionTime": 9"#) == "anat/FLAIR")
        #expect(try rule(#""SeriesDescription": "AX T2 FLAIR FS""#) == "anat/FLAIR")
        #expect(try rule(#""ProtocolName": "t1_mprage_sag""#) == "anat/T1w")
        #expect(try rule(#""SeriesDescription": "t1_mprage_sag_post""#) == "anat/ce-gadolinium_T1w")
        #expect(try rule(#""SeriesDescription": "AX T1 SE +C""#) == "anat/ce-gadolinium_T1w")
        #expect(try rule(#""SeriesDescription": "t2_tse_tra""#) == "anat/T2w")
        #expect(try rule(#""SeriesDescription": "localizer""#) == "skip:localizer")
        #expect(try rule(#""SeriesDescription": "t1_mprage_sag", "ImageType": ["DERIVED", "PRIMARY", "MPR"]"#) == "skip:derived")
        // By the contrast tag, whatever the description says (dcm2niix versions that write it).
        #expect(try rule(#""SeriesDescription": "t1_mprage_sag", "ContrastBolusAgent": "Gadobutrol""#) == "anat/ce-gadolinium_T1w")
        // A pre-contrast series named so is not post-contrast, even with the tag of the study.
        #expect(try rule(#""SeriesDescription": "t1_se_tra_pre", "ContrastBolusAgent": "Gadobutrol""#) == "anat/T1w")
        // By sequence parameters alone (seconds, as dcm2niix writes them).
        #expect(try rule(#""SeriesDescription": "series 7", "InversionTime": 2.5, "RepetitionTime": 9, "EchoTime": 0.09"#) == "anat/FLAIR")
        #expect(try rule(#""SeriesDescription": "series 8", "RepetitionTime": 0.5, "EchoTime": 0.01"#) == "anat/T1w")
        #expect(try rule(#""SeriesDescription": "series 9", "RepetitionTime": 4.2, "EchoTime": 0.1"#) == "anat/T2w")
        // An MPRAGE-type inversion (0.9 s) is not FLAIR.
        #expect(try rule(#""SeriesDescription": "series 10", "InversionTime": 0.9, "RepetitionTime": 2.3, "EchoTime": 0.003"#) == nil)
        // Diffusion: dcm2niix wrote b-values.
        #expect(try rule(#""SeriesDescription": "ep2d_b1000""#, extensions: ["nii.gz", "json", "bval", "bvec"]) == "dwi/dwi")
        #expect(try rule(#""SeriesDescription": "ep2d_b1000""#) == nil)
    }

    @Test("a rules file with a mistake is refused naming the line")
    func refusals() throws {
        func refusal(_ text: String) -> String? {
            do {
                _ = try SeriesRulesFile.parse(Array(text.utf8), path: "my.yaml")
                return nil
            } catch { return error.description }
        }
        #expect(
            refusal("rules:\n  - id: a\n    bids: anat/FLAIR\n    when:\n      txt: [\"*\"]\n")?.hasPrefix(
                "my.yaml: line 5: unknown key \"txt\"") == true)
        #expect(
            refusal("rules:\n  - id: a\n    bids: brain/FLAIR\n    when:\n      text: [\"*\"]\n")
                == "my.yaml: line 3: bids must be DATATYPE/NAME with DATATYPE one of anat, dwi, func, fmap, perf, not \"brain/FLAIR\"")
        #expect(
            refusal("rules:\n  - id: a\n    bids: anat/run-2_FLAIR\n    when:\n      text: [\"*\"]\n")
                == "my.yaml: line 3: bids entity run is set by the import, not by a rule")
        #expect(
            refusal("duplicates: keep\nrules:\n  - id: a\n    skip: true\n    when:\n      text: [\"*\"]\n")
                == "my.yaml: line 1: duplicates must be refuse or run, not \"keep\"")
        #expect(
            refusal("rules:\n  - id: a\n    skip: true\n    bids: anat/T1w\n    when:\n      text: [\"*\"]\n")
                == "my.yaml: line 2: rule a needs exactly one of `bids: DATATYPE/NAME` and `skip: true`")
        #expect(
            refusal("rules:\n  - id: a\n    skip: true\n    when:\n      field: EchoTime\n      at_least: x\n")
                == "my.yaml: line 6: at_least must be a finite number, not \"x\"")
        let parsed = try SeriesRulesFile.parse(
            Array("duplicates: run\nrules:\n  - id: a\n    bids: anat/acq-fast_T2w\n    when:\n      not:\n        file: bval\n".utf8),
            path: "ok.yaml")
        #expect(parsed.duplicates == .run)
        #expect(parsed.rules[0].target?.stem(participant: "01", session: "2", run: 3) == "sub-01_ses-2_acq-fast_run-3_T2w")
        #expect(parsed.rules[0].condition == .not(.file("bval")))
    }

    @Test("sidecars: values read, identifying keys left out, layout and other members kept byte for byte")
    func sidecars() throws {
        let text = """
            {
            \t"Modality": "MR",
            \t"InstitutionName": "Saint Example Hospital",
            \t"EchoTime": 0.09,
            \t"ImageType": ["ORIGINAL", "PRIMARY"],
            \t"Flag": true,
            \t"Note": "tab\\tquote\\" \\u00e9",
            \t"ImageOrientationPatientDICOM": [
            \t\t1,
            \t\t0	],
            \t"PatientName": "Quixote^Dulcinea"
            }

            """
        let s = try Sidecar(path: "x.json", bytes: Array(text.utf8))
        #expect(
            s.members.map(\.key) == [
                "Modality", "InstitutionName", "EchoTime", "ImageType", "Flag", "Note", "ImageOrientationPatientDICOM", "PatientName",
            ])
        #expect(s.number("EchoTime") == 0.09)
        #expect(s.string("Note") == "tab\tquote\" é")
        #expect(s["ImageType"]?.texts == ["ORIGINAL", "PRIMARY"])
        #expect(s["Flag"] == .bool(true))
        let scrubbed = s.text { Deidentification.removedSidecarKeys.contains($0) }
        #expect(
            scrubbed
                == "{\n\t\"Modality\": \"MR\",\n\t\"EchoTime\": 0.09,\n\t\"ImageType\": [\"ORIGINAL\", \"PRIMARY\"],\n\t\"Flag\": true,\n"
                + "\t\"Note\": \"tab\\tquote\\\" \\u00e9\",\n\t\"ImageOrientationPatientDICOM\": [\n\t\t1,\n\t\t0\t]\n}\n")
        #expect((try? JSONSerialization.jsonObject(with: Data(scrubbed.utf8))) != nil)
        for bad in ["", "[1]", "{\"a\": }", "{\"a\": 1,}", "{\"a\": 1} x", "{\"a\": \"unterminated}"] {
            #expect(throws: ScanError.self) { try Sidecar(path: "bad.json", bytes: Array(bad.utf8)) }
        }
    }

    @Test("salted participant labels: fixed, 12 hex digits, changed by the salt")
    func saltedLabels() {
        // Python: hashlib.sha256(b"s3cret:PID778899X").hexdigest()[:12]
        #expect(Deidentification.saltedLabel(patientID: "PID778899X", salt: "s3cret") == "c1add65579ef")
        #expect(Deidentification.saltedLabel(patientID: "PID778899X", salt: "other") != "c1add65579ef")
        #expect(
            Deidentification.removedSidecarKeys.isSuperset(of: ["PatientName", "PatientBirthDate", "AccessionNumber", "InstitutionName"]))
    }
}
