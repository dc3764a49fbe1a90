import Foundation
import LesionIO
import LesionStudy
import Testing
import TestSupport

@Suite("SHA-256, file-name patterns, natural order and BIDS tables")
struct TextFormatTests {
    @Test(
        "SHA-256 of the FIPS 180-4 examples and of a multi-block message",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "The quick brown fox jumps over the lazy dog",
                "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"
            ),
        ])
    func sha256(message: String, digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test("SHA-256 across the 55/56/64-byte padding boundaries matches sha256sum")
    func sha256Padding() {
        // Recorded with `printf 'a%.0s' $(seq N) | sha256sum`.
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
        ]
        for (n, digest) in expected { #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: n)) == digest, "\(n)") }
    }

    @Test(
        "patterns match whole stems; * and ? as in fnmatch",
        arguments: [
            ("*_label-T2lesion_mask", "sub-01_ses-02_label-T2lesion_mask", true),
            ("*_label-T2lesion_mask", "sub-01_ses-02_label-T2lesion_mask_extra", false),
            ("*_T1w", "sub-01_ses-01_ce-gadolinium_T1w", true),
            ("*_ce-*", "sub-01_ses-01_ce-gadolinium_T1w", true),
            ("*_ce-*", "sub-01_ses-01_T1w", false),
            ("sub-0?_*_FLAIR", "sub-01_ses-1_FLAIR", true),
            ("sub-0?_*_FLAIR", "sub-010_ses-1_FLAIR", false),
            ("*a*b*", "xxaxxbxx", true),
            ("*a*b", "xxaxxbxxa", false),
            ("", "", true),
        ])
    func patterns(pattern: String, name: String, matches: Bool) {
        #expect(FileNamePattern(pattern).matches(name) == matches)
    }

    @Test("NIfTI stems")
    func stems() {
        #expect(FileNamePattern.niftiStem("a_FLAIR.nii.gz") == "a_FLAIR")
        #expect(FileNamePattern.niftiStem("a_FLAIR.nii") == "a_FLAIR")
        #expect(FileNamePattern.niftiStem("a_FLAIR.json") == nil)
        #expect(FileNamePattern.niftiStem(".nii.gz") == nil)
    }

    @Test("natural order: numbers as numbers")
    func naturalOrder() {
        let labels = ["ses-10", "ses-2", "ses-baseline", "ses-1", "ses-02", "ses-m6", "ses-m12"]
        #expect(labels.sorted(by: NaturalOrder.precedes) == ["ses-1", "ses-2", "ses-02", "ses-10", "ses-baseline", "ses-m6", "ses-m12"])
        #expect(!NaturalOrder.precedes("ses-3", "ses-3"))
        #expect(NaturalOrder.precedes("ses-99999999999999999999", "ses-100000000000000000000"))
    }

    @Test("BIDS tables: n/a and empty fields are missing; ragged rows are refused with the line")
    func tables() throws {
        let table = try BIDSTable(path: "t.tsv", text: "session_id\tacq_time\r\nses-1\t2020-01-01\r\n\nses-2\tn/a\r\n")
        #expect(table.columns == ["session_id", "acq_time"])
        #expect(table.rows.count == 2)
        #expect(table.value("acq_time", row: 0) == "2020-01-01" && table.value("acq_time", row: 1) == nil)
        #expect(table.rowIndex(where: "session_id", is: "ses-2") == 1)
        #expect(throws: ScanError("t.tsv", "line 3: 1 fields where the header has 2 columns")) {
            _ = try BIDSTable(path: "t.tsv", text: "a\tb\n1\t2\n3\n")
        }
        #expect(throws: ScanError("t.tsv", "empty table: no header row")) { _ = try BIDSTable(path: "t.tsv", text: "\n") }
    }
}
