// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "LesionTrack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lesiontrack", targets: ["lesiontrack"]),
        .library(name: "LesionKernels", targets: ["LesionKernels"]),
        .library(name: "LesionIO", targets: ["LesionIO"]),
        .library(name: "LesionPipeline", targets: ["LesionPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng16",
            providers: [.apt(["libpng-dev"])]
        ),

        // Pure kernels: volumes, thresholds, labelling, statistics, rasterising. No I/O.
        .target(name: "LesionKernels"),

        // File I/O: NIfTI through libnifti, PNG through libpng, tables, atomic files.
        .target(
            name: "LesionIO",
            dependencies: ["CNIfTI", "CPNG", "LesionKernels"]
        ),

        // Orchestration: one scan in, lesions and files out.
        .target(
            name: "LesionPipeline",
            dependencies: ["LesionKernels", "LesionIO"]
        ),

        // Benchmarks of the kernels against the reference, run by `lesiontrack bench`.
        .target(name: "LesionBenchmark", dependencies: ["LesionKernels"]),

        // The command-line front: argument parsing and output only.
        .executableTarget(
            name: "lesiontrack",
            dependencies: [
                "LesionPipeline", "LesionBenchmark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests only: the brute-force labeller, seeded generators, fixture locator.
        .target(name: "TestSupport", dependencies: ["LesionKernels"], path: "Tests/TestSupport"),

        .testTarget(name: "LesionKernelsTests", dependencies: ["LesionKernels", "TestSupport"]),
        .testTarget(name: "LesionIOTests", dependencies: ["LesionIO", "LesionKernels", "TestSupport"]),
        .testTarget(
            name: "LesionTrackCLITests",
            dependencies: ["LesionPipeline", "TestSupport", "lesiontrack"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
