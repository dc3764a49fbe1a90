// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LesionTrack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lesiontrack", targets: ["lesiontrack"]),
        .library(name: "LesionKernels", targets: ["LesionKernels"]),
        .library(name: "LesionIO", targets: ["LesionIO"]),
        .library(name: "LesionScan", targets: ["LesionScan"]),
        .library(name: "LesionLongitudinal", targets: ["LesionLongitudinal"]),
        .library(name: "LesionStudy", targets: ["LesionStudy"]),
        .library(name: "LesionBatch", targets: ["LesionBatch"]),
        .library(name: "LesionReview", targets: ["LesionReview"]),
        .library(name: "LesionEngines", targets: ["LesionEngines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C bridges: Debian's libnifti2-dev (no pkg-config file) and libpng-dev.
        .target(
            name: "CNIfTI",
            linkerSettings: [
                .linkedLibrary("nifti2"), .linkedLibrary("znz"),
                .linkedLibrary("z"), .linkedLibrary("m"),
            ]
        ),
        // The C allocator's settings for long-running processes (glibc's mallopt, malloc_trim).
        .target(name: "CAllocator"),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng16",
            providers: [.apt(["libpng-dev"])]
        ),
        // Debian's libdeflate-dev: whole-buffer gzip for reading and writing .nii.gz.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),

        // One gzip member inflated on two threads (libdeflate for both parts, zlib for the seam).
        .target(
            name: "CSplitInflate",
            linkerSettings: [.linkedLibrary("deflate"), .linkedLibrary("z")]
        ),

        // Pure kernels: volumes, thresholds, labelling, statistics, rasterising. No I/O.
        .target(name: "LesionKernels"),

        // File I/O: NIfTI through libnifti (gzip through libdeflate), PNG through libpng, tables,
        // atomic files.
        .target(
            name: "LesionIO",
            dependencies: ["CNIfTI", "CPNG", "CDeflate", "CSplitInflate", "LesionKernels"]
        ),

        // Orchestration: one scan in, lesions and files out.
        .target(
            name: "LesionScan",
            dependencies: ["LesionKernels", "LesionIO"]
        ),

        // External engines (elastix, dcm2niix, Slurm) run as child processes, one small adapter each.
        .target(name: "LesionEngines"),

        // Benchmarks of the kernels against the reference (`bench`) and of the whole process against
        // the Python pipeline (`bench-process`).
        .target(
            name: "LesionBenchmark",
            dependencies: ["LesionKernels", "LesionIO", "LesionScan", "LesionEngines", "CAllocator"]
        ),

        // Pure longitudinal logic: lesion matching, the ledger, per-visit counts, and the
        // lesion-wise evaluation against a reference. No I/O.
        .target(name: "LesionLongitudinal", dependencies: ["LesionKernels"]),

        // Pure review logic: image features of each visit's lesions, clinical timing, rules as
        // data, the classifier and its reasons. No I/O.
        .target(name: "LesionReview", dependencies: ["LesionKernels", "LesionLongitudinal"]),

        // Orchestration of a study: BIDS discovery, pipeline and rules files (YAML), timepoints
        // placed on one grid, clinical context, the patient and pair runs, their reports; the DICOM
        // import through dcm2niix (`Import/`); visits co-registered through elastix (`Registration/`).
        // `BuiltIn/` links to `Pipelines/default.yaml`, `Pipelines/rules.yaml`,
        // `Pipelines/dicom-series.yaml` and `Pipelines/elastix/{rigid,affine,bspline}.txt`, whose bytes are
        // compiled into the program (`BuiltInFile`), so it runs without its source tree.
        .target(
            name: "LesionStudy",
            dependencies: [
                "LesionKernels", "LesionIO", "LesionScan", "LesionLongitudinal", "LesionReview", "LesionEngines",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [
                .embedInCode("BuiltIn/default.yaml"), .embedInCode("BuiltIn/rules.yaml"),
                .embedInCode("BuiltIn/dicom-series.yaml"),
                .embedInCode("BuiltIn/rigid.txt"), .embedInCode("BuiltIn/affine.txt"), .embedInCode("BuiltIn/bspline.txt"),
            ]
        ),

        // Orchestration of a cohort: the BIDS-App run over many participants on every core, the
        // results database (SQLite through GRDB), resumable runs, exports, shards and merges.
        .target(
            name: "LesionBatch",
            dependencies: [
                "LesionKernels", "LesionIO", "LesionScan", "LesionLongitudinal", "LesionReview", "LesionStudy",
                "LesionEngines", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // The command-line front: argument parsing and output only.
        .executableTarget(
            name: "lesiontrack",
            dependencies: [
                "LesionScan", "LesionBenchmark",
                "LesionStudy", "LesionBatch", "LesionEngines", "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests only: the brute-force labeller, seeded generators, fixture locator.
        .target(name: "TestSupport", dependencies: ["LesionKernels"], path: "Tests/TestSupport"),
        // Tests only: generated BIDS patients with known truth, written with LesionIO.
        .target(
            name: "StudyTestSupport",
            dependencies: ["LesionIO", "LesionKernels", "LesionReview", "TestSupport"],
            path: "Tests/StudyTestSupport"
        ),

        .testTarget(name: "LesionKernelsTests", dependencies: ["LesionKernels", "TestSupport"]),
        .testTarget(name: "LesionEnginesTests", dependencies: ["LesionEngines"]),
        .testTarget(name: "LesionIOTests", dependencies: ["LesionIO", "CSplitInflate", "LesionKernels", "TestSupport"]),
        .testTarget(
            name: "LesionLongitudinalTests",
            dependencies: ["LesionLongitudinal", "LesionKernels", "TestSupport"]
        ),
        .testTarget(
            name: "LesionReviewTests",
            dependencies: ["LesionReview", "LesionLongitudinal", "LesionKernels", "TestSupport"]
        ),
        .testTarget(
            name: "LesionStudyTests",
            dependencies: [
                "LesionStudy", "LesionLongitudinal", "LesionReview", "LesionIO", "LesionKernels", "StudyTestSupport",
                "TestSupport", "LesionEngines",
            ]
        ),
        .testTarget(
            name: "LesionBatchTests",
            dependencies: [
                "LesionBatch", "LesionStudy", "LesionIO", "StudyTestSupport", "TestSupport", "lesiontrack",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "LesionTrackCLITests",
            dependencies: [
                "LesionScan", "LesionStudy", "LesionReview", "LesionEngines", "StudyTestSupport", "TestSupport", "lesiontrack",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
