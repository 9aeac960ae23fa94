// swift-tools-version:6.0
// s2s — a sequence-to-sequence translation toolkit.
// Layering (imports point down only; nothing imports a command; each target
// declares exactly the targets and products its files import):
//   s2s-prep, s2s-train, s2s-translate, s2s-score, s2s-serve ─► S2SOptions ─► S2S (the library)
//   S2S ─► S2STranslation, S2STraining, S2SText, S2SMetrics
//   S2STranslation ─► S2SSearch ─► S2SModel ─► S2SKernels ─► CBLAS (OpenBLAS), CKernels
//   S2SText ─► CICU (plain-C wrapper over the system ICU)
//   S2STraining ─► S2SDistributed ─► CMPI (Open MPI, dlopen'ed under mpirun)
import PackageDescription

let package = Package(
    name: "s2s",
    products: [
        // The library: translate and score from Swift (`import S2S`).
        .library(name: "S2S", targets: ["S2S"]),
        .executable(name: "s2s-prep", targets: ["s2s-prep"]),
        .executable(name: "s2s-train", targets: ["s2s-train"]),
        .executable(name: "s2s-translate", targets: ["s2s-translate"]),
        .executable(name: "s2s-score", targets: ["s2s-score"]),
        .executable(name: "s2s-average", targets: ["s2s-average"]),
        .executable(name: "s2s-serve", targets: ["s2s-serve"]),
        // Building blocks, for those who need what the library keeps inside.
        .library(name: "S2SText", targets: ["S2SText"]),
        .library(name: "S2SKernels", targets: ["S2SKernels"]),
        .library(name: "S2SModel", targets: ["S2SModel"]),
        .library(name: "S2SMetrics", targets: ["S2SMetrics"]),
        // For tools/fuzz/ (a package of its own: libFuzzer supplies main).
        .library(name: "S2SFuzzTargets", targets: ["S2SFuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // s2s-serve: HTTP (Hummingbird 2 on SwiftNIO) and its /metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // HTTP request parts as Hummingbird's pipeline carries them (its own dependency).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // s2s-serve's log lines (Hummingbird's logger).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `swift package generate-documentation --target S2S` (DocC).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // ── C layer ────────────────────────────────────────────────────────
        // ICU through a C target: its public header uses only <stdint.h> types,
        // so Swift never sees ICU's versioned macros nor clashes with
        // Foundation's private copy of ICU (see Sources/CICU/include/cicu.h).
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        // Decoding's small products against weights packed once (AVX-512,
        // chosen at run time).
        .target(name: "CKernels"),
        // Open MPI's libmpi, loaded with dlopen when mpirun started the
        // process: no MPI headers or library at build time.
        .target(name: "CMPI"),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // ── Libraries ──────────────────────────────────────────────────────
        // Shared plumbing: atomic file writes, user-facing input errors, stable hashes.
        .target(name: "S2SCore"),
        .target(name: "S2SText", dependencies: ["S2SCore", "CICU"]),
        // Numerical kernels: forward and backward side by side, generic over
        // Float (training) and Double (gradient checks). No text, no model.
        .target(name: "S2SKernels", dependencies: ["S2SCore", "CBLAS", "CKernels"]),
        // The model: configuration, parameter layout, encoder/decoder forward
        // and backward, the step API for search, safetensors checkpoints.
        .target(name: "S2SModel", dependencies: ["S2SKernels", "S2SCore"]),
        // Search through the model's step API only: beam search (greedy at
        // beam 1), sampling, ensembles, penalties.
        .target(name: "S2SSearch", dependencies: ["S2SModel", "S2SCore"]),
        // A model folder as a translator: text in, text out (s2s-translate's core).
        .target(name: "S2STranslation", dependencies: ["S2SSearch", "S2SModel", "S2SKernels", "S2SText", "S2SCore"]),
        // The library product: Preparation, Training, Translator, Scoring, S2SError (Sources/S2S/S2S.docc).
        .target(name: "S2S", dependencies: ["S2STranslation", "S2STraining", "S2SDistributed", "S2SSearch", "S2SModel",
                                            "S2SKernels", "S2SMetrics", "S2SText", "S2SCore"]),
        // What the commands share around the library: the search options
        // (one @OptionGroup for s2s-translate and s2s-serve), s2s-train's option
        // groups (Train/), s2s-prep's option groups and progress, the start-up,
        // standard streams and input lines.
        .target(name: "S2SOptions",
                dependencies: ["S2S", "S2SKernels", "S2SText", "S2SCore",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Serving: request decoding, the batching queue, metrics, responses —
        // everything of s2s-serve but the HTTP binding; it translates with S2S's Translator
        // and reads a model folder's languages through S2SText's ModelFolder.
        .target(name: "S2SServing",
                dependencies: ["S2S", "S2SText", "S2SCore",
                               .product(name: "Prometheus", package: "swift-prometheus")]),
        // BLEU and chrF, sacreBLEU-exact (validation and s2s-score).
        .target(name: "S2SMetrics"),
        // The ranks of a data-parallel job: one process, or Open MPI's.
        .target(name: "S2SDistributed", dependencies: ["CMPI"]),
        // Training: batches, schedules, the loop, checkpoints, run log.
        .target(name: "S2STraining",
                dependencies: ["S2SSearch", "S2SModel", "S2SKernels", "S2SText", "S2SMetrics", "S2SDistributed", "S2SCore"]),

        // ── Commands (thin mains) ──────────────────────────────────────────
        .executableTarget(
            name: "s2s-prep",
            dependencies: [
                "S2SOptions", "S2S",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "s2s-train",
            dependencies: [
                "S2SOptions", "S2S",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "s2s-serve",
            dependencies: [
                "S2SServing", "S2SOptions", "S2S",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Page")]
        ),
        .executableTarget(
            name: "s2s-translate",
            dependencies: [
                "S2SOptions", "S2S",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "s2s-score",
            dependencies: [
                "S2SOptions", "S2S",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "s2s-average",
            dependencies: ["S2S", "S2SOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Benchmarks (tools/bench/ drives it).
        .executableTarget(
            name: "s2s-bench",
            dependencies: [
                "S2S", "S2SOptions", "S2STraining", "S2SModel", "S2SKernels", "S2SDistributed", "S2SCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // ── Fuzzing ────────────────────────────────────────────────────────
        // Fuzz targets for every reader of a user's file or line: libFuzzer
        // runs them through tools/fuzz/ (run.sh), S2SFuzzTests replays
        // Tests/Fixtures/fuzz/ through them.
        .target(name: "S2SFuzzTargets", dependencies: ["S2STraining", "S2SServing", "S2SModel", "S2SText", "S2SCore"]),

        // ── Tests ──────────────────────────────────────────────────────────
        .target(name: "_S2STestSupport", dependencies: ["S2SCore"], path: "Sources/_S2STestSupport"),  // test helpers
        .testTarget(name: "S2STextTests", dependencies: ["S2SText", "S2SCore", "_S2STestSupport"]),
        .testTarget(name: "S2SKernelsTests", dependencies: ["S2SKernels", "CKernels", "S2SCore", "_S2STestSupport"]),
        .testTarget(name: "S2SModelTests", dependencies: ["S2SModel", "S2SKernels", "S2SCore", "_S2STestSupport"]),
        .testTarget(name: "S2SSearchTests", dependencies: ["S2SSearch", "S2SModel", "S2SCore"]),
        .testTarget(name: "S2STranslationTests",
                    dependencies: ["S2STranslation", "S2SSearch", "S2SModel", "S2SKernels", "S2SCore", "_S2STestSupport"]),
        .testTarget(name: "S2SServingTests", dependencies: ["S2SServing", "S2SCore"]),
        .testTarget(name: "S2SMetricsTests", dependencies: ["S2SMetrics", "_S2STestSupport"]),
        .testTarget(name: "S2STrainingTests",
                    dependencies: ["S2STraining", "S2SModel", "S2SText", "S2SMetrics", "S2SCore", "_S2STestSupport"]),
        .testTarget(name: "S2SFuzzTests",
                    dependencies: ["S2SFuzzTargets", "S2STraining", "S2SModel", "S2SText", "S2SCore", "_S2STestSupport"]),
        // The library as a user calls it, against the commands' output
        // (it trains its model with the built s2s-prep and s2s-train).
        .testTarget(name: "S2STests",
                    dependencies: ["S2S", "_S2STestSupport", "s2s-prep", "s2s-train", "s2s-translate", "s2s-score"]),
        .testTarget(
            name: "S2SCommandTests",
            dependencies: ["_S2STestSupport", "s2s-prep", "s2s-train", "s2s-translate", "s2s-score", "s2s-average", "s2s-serve", "s2s-bench", "S2SText",
                           "S2STranslation", "S2SSearch", "S2SKernels", "S2SCore"]
        ),
    ]
)
