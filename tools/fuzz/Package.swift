// swift-tools-version:6.0
// The libFuzzer binary over the root package's S2SFuzzTargets. A package of
// its own because libFuzzer supplies `main`: an executable without one would
// break the root package's ordinary build. Built by run.sh only:
//   swift build -c release --package-path tools/fuzz --scratch-path .build-fuzz \
//     --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer
// (SwiftPM gives `--sanitize fuzzer` to executables and C targets only; the
// -Xswiftc flag adds libFuzzer's coverage instrumentation to the libraries,
// where the readers are.)
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "s2s-fuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "s2s-fuzz",
            dependencies: [.product(name: "S2SFuzzTargets", package: root.lastPathComponent)]
        ),
    ]
)
