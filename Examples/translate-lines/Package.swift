// swift-tools-version:6.0
// A program that translates standard input with the S2S library, line by
// line, as `s2s-translate --model DIR --precision float32` does. Run it
// from this folder: swift run translate-lines ../../models/NAME < input.txt
// (The name: s2s, whatever the folder of the checkout is called.)
import PackageDescription

let package = Package(
    name: "translate-lines",
    dependencies: [.package(name: "s2s", path: "../..")],
    targets: [
        .executableTarget(name: "translate-lines", dependencies: [.product(name: "S2S", package: "s2s")]),
    ]
)
