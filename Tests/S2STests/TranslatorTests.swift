import _S2STestSupport
import Foundation
import S2S
import Synchronization
import XCTest

/// `Translator` as a Swift program uses it, on a toy reverse model trained
/// once by the built s2s-prep and s2s-train: its translations, scores and
/// alignments must be s2s-translate's, byte for byte, on the same lines.
final class TranslatorTests: XCTestCase {
    static let folder = ToyModel.reverse(label: "s2s-library", steps: 200)

    var model: String { Self.folder.appendingPathComponent("models/toy").path }

    /// The first test lines, with an empty line among them.
    var lines: [String] {
        get throws {
            let test = try String(contentsOf: TestPaths.fixture("toy-reverse/test.src"), encoding: .utf8)
            let first = test.split(separator: "\n").prefix(12).map(String.init)
            return first.prefix(3) + [""] + first.dropFirst(3)
        }
    }

    /// s2s-translate's output lines for `lines`. With OpenBLAS's kernels
    /// as this process has them: s2s-translate re-executes itself with
    /// better ones where OpenBLAS chose generic kernels (a library cannot),
    /// and other kernels round scores differently in the last digit.
    func command(_ arguments: [String]) throws -> [String] {
        let r = try Command.run("s2s-translate", ["--model", model, "--precision", "float32"] + arguments,
                                stdin: try lines.joined(separator: "\n") + "\n", environment: ["S2S_NO_REEXEC": "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testABatchAndEachLineTranslateAsTheCommandDoes() throws {
        let translator = try Translator(modelFolder: model)
        let batch = try translator.translate(try lines)
        XCTAssertEqual(batch.map(\.text), try command([]))
        XCTAssertEqual(batch[3].text, "", "an empty line gives an empty translation")
        XCTAssertEqual(try translator.translate(try lines[0]), batch[0])
    }

    /// Translators hold no process-wide settings: two with different
    /// thread counts searching at the same time, each on its own thread,
    /// give what each gives alone.
    func testTranslatorsSearchSideBySideWithTheirOwnThreads() throws {
        let lines = try lines
        let translators = try [1, 2].map { threads in
            var options = Translator.Options()
            options.beamSize = 4
            options.threads = threads
            return try Translator(modelFolder: model, options: options)
        }
        let alone = try translators.map { try $0.translate(lines) }
        XCTAssertEqual(alone[0], alone[1], "the thread count does not change a translation")
        let rounds = 4
        let side = Mutex([[Translation]?](repeating: nil, count: 2 * rounds))
        DispatchQueue.concurrentPerform(iterations: 2 * rounds) { i in
            let result = try? translators[i % 2].translate(lines)
            side.withLock { $0[i] = result }
        }
        for (i, result) in side.withLock({ $0 }).enumerated() {
            XCTAssertEqual(result, alone[i % 2], "search \(i) beside the other translator's")
        }
    }

    func testNBestScoresAndAlignmentsAreTheCommands() throws {
        var options = Translator.Options()
        options.beamSize = 4
        options.nBest = 3
        options.alignments = true
        let translator = try Translator(modelFolder: model, options: options)
        var printed: [String] = []
        for (k, translation) in try translator.translate(try lines).enumerated() {
            for c in translation.candidates {
                let pairs = c.alignment.map { "\($0.source)-\($0.target)" }.joined(separator: " ")
                printed.append("\(k + 1)\t" + String(format: "%.4f\t", c.score) + c.text + " ||| " + pairs)
            }
            XCTAssertEqual(translation.candidates.map(\.score), translation.candidates.map(\.score).sorted(by: >))
        }
        XCTAssertEqual(printed, try command(["--beam-size", "4", "--n-best", "3", "--print-scores", "--print-alignment"]))
        let first = try translator.translate(try lines[0]).candidates[0]
        XCTAssertEqual(first.sourceTokens.count, try lines[0].split(separator: " ").count)
        XCTAssertTrue(first.attention.isEmpty, "attention only when asked")
    }

    /// Lines in as an asynchronous sequence, translations out in order;
    /// tasks sharing one translator get the same translations.
    func testAsyncLinesAndConcurrentTasks() async throws {
        let translator = try Translator(modelFolder: model)
        let input = try lines
        let expected = try translator.translate(input)
        let stream = AsyncStream<String> { continuation in
            for line in input { continuation.yield(line) }
            continuation.finish()
        }
        var streamed: [Translation] = []
        for try await translation in translator.translations(of: stream) { streamed.append(translation) }
        // The same texts; scores within 1e-4: which lines share a batch
        // depends on when they arrive, and products over other batch shapes
        // round differently in the last bits (seen: 6e-6).
        XCTAssertEqual(streamed.map(\.text), expected.map(\.text))
        for (s, e) in zip(streamed, expected) { XCTAssertEqual(s.score, e.score, accuracy: 1e-4) }
        let together = try await withThrowingTaskGroup(of: [Translation].self) { group in
            for _ in 0..<3 { group.addTask { try translator.translate(input) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(together, Array(repeating: expected, count: 3))
    }

    /// A line is answered before the next one arrives (a person typing),
    /// not when a batch has filled; the sequence's own error comes through.
    func testAStreamedLineIsAnsweredAtOnce() async throws {
        let translator = try Translator(modelFolder: model)
        let input = try lines
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        var iterator = translator.translations(of: stream).makeAsyncIterator()
        continuation.yield(input[0])
        let first = try await iterator.next()
        XCTAssertEqual(first, try translator.translate(input[0]))
        continuation.yield(input[1])
        continuation.finish(throwing: CocoaError(.fileReadCorruptFile))
        let second = try await iterator.next()
        XCTAssertEqual(second, try translator.translate(input[1]))
        do {
            _ = try await iterator.next()
            XCTFail("the sequence's error is rethrown")
        } catch {
            XCTAssertEqual((error as? CocoaError)?.code, .fileReadCorruptFile)
        }
    }

    func testErrorsNameTheFileAndWhatToDo() throws {
        XCTAssertThrowsError(try Translator(modelFolder: "/no/such/model")) { error in
            guard case .input(let file, _, _, _) = error as? S2SError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/no/such/model/model.safetensors")
        }
        let bare = TestPaths.temporaryFolder().appendingPathComponent("bare")
        try FileManager.default.copyItem(atPath: model, toPath: bare.path)
        try FileManager.default.removeItem(at: bare.appendingPathComponent("bpe.codes"))
        XCTAssertThrowsError(try Translator(modelFolder: bare.path)) { error in
            XCTAssertEqual((error as? S2SError)?.file, bare.path + "/bpe.codes")
            XCTAssertTrue((error as? S2SError)?.hint.contains("Give --model a folder written by s2s-train") == true, "\(error)")
        }
        var options = Translator.Options()
        options.nBest = 6
        XCTAssertThrowsError(try Translator(modelFolder: model, options: options)) { error in
            XCTAssertEqual(error as? S2SError, .options(problem: "n-best 6: it must be between 1 and the beam size (5)", hint: ""))
        }
    }
}
