import _S2STestSupport
import Foundation
import XCTest

/// --print-alignment on a pyramidal encoder (two layers, one memory position
/// for two source subwords) trained on the toy reversal task: every line
/// gets an alignment, and it points at the reversed positions.
final class PyramidAlignmentTests: XCTestCase {
    func testAPyramidModelPrintsItsAlignments() throws {
        let dir = try Command.prepared("s2s-pyramid")
        let train = try Command.run("s2s-train", ["--data", "data/toy", "--vocab", "vocab/toy", "--model", "models/p", "--preset", "tiny",
                                                  "--hidden-size", "128", "--layers", "2", "--pyramid", "--batch-tokens", "0",
                                                  "--batch-size", "32", "--learning-rate", "0.005", "--max-steps", "600",
                                                  "--valid-every", "600", "--bleu-sentences", "0", "--threads", "1"], in: dir)
        XCTAssertEqual(train.status, 0, train.stderr)
        let sources = try String(contentsOf: TestPaths.fixture("toy-reverse/test.src"), encoding: .utf8)
            .split(separator: "\n").prefix(20).map(String.init)
        let r = try Command.run("s2s-translate", ["--model", "models/p", "--print-alignment", "--threads", "1"],
                                in: dir, stdin: sources.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 20)
        var tokens = 0, reversed = 0
        for (source, line) in zip(sources, lines) {
            let parts = line.components(separatedBy: " ||| ")
            XCTAssertEqual(parts.count, 2, line)
            let pairs = parts[1].split(separator: " ").map { $0.split(separator: "-").compactMap { Int($0) } }
            XCTAssertFalse(pairs.isEmpty, "no alignment: \(line)")
            // Target t of a reversal comes from source n - 1 - t: is it among t's aligned positions?
        // (76% of tokens on this model after 600 steps; an argmax over the shared row drifts to <EOS>.)
            let n = source.split(separator: " ").count
            let targets = parts[0].split(separator: " ").count
            for t in 0..<targets {
                tokens += 1
                if pairs.contains([n - 1 - t, t]) { reversed += 1 }
            }
        }
        XCTAssertGreaterThanOrEqual(Double(reversed), 0.6 * Double(tokens), "\(reversed) of \(tokens) tokens aligned to their reversed position\n\(r.stdout)")
    }
}
