// swift-tools-version:6.1
// libFuzzer targets for LesionTrack's parsers of untrusted input. Built only for fuzzing:
//   cd Fuzz && swift build -c release --sanitize fuzzer
// then run a target on its seed corpus: bash Fuzz/run [SECONDS] (docs/robustness.md).
import PackageDescription

let fuzzSettings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "LesionTrackFuzz",
    dependencies: [.package(name: "LesionTrack", path: "..")],
    targets: [
        // The NIfTI header check and reader: a file of any bytes, named .nii (or .nii.gz when it
        // starts like gzip), must be read or refused with an error, never crash or hang.
        .executableTarget(
            name: "FuzzNIfTIHeader", dependencies: [.product(name: "LesionIO", package: "LesionTrack")],
            path: "NIfTIHeader", swiftSettings: fuzzSettings),
        // The one TSV reader (participants.tsv, sessions.tsv): encodings, byte-order marks, widths.
        .executableTarget(
            name: "FuzzSessionsTable", dependencies: [.product(name: "LesionStudy", package: "LesionTrack")],
            path: "SessionsTable", swiftSettings: fuzzSettings),
        // The pipeline file parser (YAML through Yams, then every key checked).
        .executableTarget(
            name: "FuzzPipelineFile", dependencies: [.product(name: "LesionStudy", package: "LesionTrack")],
            path: "PipelineFile", swiftSettings: fuzzSettings),
        // The rules file parser, conditions included.
        .executableTarget(
            name: "FuzzRulesFile", dependencies: [.product(name: "LesionStudy", package: "LesionTrack")],
            path: "RulesFile", swiftSettings: fuzzSettings),
        // BIDS names: file-name patterns against names, NIfTI stems, ISO 8601 dates of acq_time.
        .executableTarget(
            name: "FuzzBIDSNames",
            dependencies: [
                .product(name: "LesionStudy", package: "LesionTrack"), .product(name: "LesionReview", package: "LesionTrack"),
            ],
            path: "BIDSNames", swiftSettings: fuzzSettings),
        // The two-thread gzip inflation of large .nii.gz files, against libdeflate in one piece,
        // on members built from the input and damaged where it says.
        .executableTarget(
            name: "FuzzSplitInflate", dependencies: [.product(name: "LesionIO", package: "LesionTrack")],
            path: "SplitInflate", swiftSettings: fuzzSettings),
    ]
)
