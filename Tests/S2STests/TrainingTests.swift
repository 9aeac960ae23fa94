import _S2STestSupport
import Foundation
import S2S
import XCTest

/// `Training` as a Swift program uses it: a tiny model of the toy reverse
/// task, prepared and trained through the library, its events, its model
/// folder (its checkpoints averaged by `Averaging`), and a run stopped by
/// `cancel()` or by its task's cancellation.
final class TrainingTests: XCTestCase {
    /// The toy reverse corpus prepared by the library into a fresh folder
    /// (vocab/toy, data/toy).
    func prepared() throws -> URL {
        let dir = TestPaths.temporaryFolder("s2s-library-train")
        let options = try Preparation.Options(corpus: TestPaths.fixture("toy-reverse").path, name: "toy",
                                              vocabularyDirectory: dir.appendingPathComponent("vocab").path,
                                              dataDirectory: dir.appendingPathComponent("data").path)
        try Preparation(options: options).run()
        return dir
    }

    var tiny: Training.Options { .tiny }

    func training(_ dir: URL, _ options: Training.Options, start: Training.Start = .new) -> Training {
        Training(data: dir.appendingPathComponent("data/toy").path, vocabulary: dir.appendingPathComponent("vocab/toy").path,
                 model: dir.appendingPathComponent("models/toy").path, start: start, options: options)
    }

    func testATinyModelTrainsAndTranslates() throws {
        let dir = try prepared()
        var options = tiny
        options.maxSteps = 40
        var started: [String] = [], messages: [String] = []
        var reports: [Training.Report] = [], validations: [Training.Validation] = []
        let summary = try training(dir, options).run { event in
            switch event {
            case .started(let rank, let processes): started.append("\(rank) of \(processes)")
            case .message(let m): messages.append(m)
            case .report(let r): reports.append(r)
            case .validation(let v): validations.append(v)
            }
        }
        XCTAssertEqual(started, ["0 of 1"])
        XCTAssertEqual(summary.steps, 40)
        XCTAssertFalse(summary.cancelled)
        XCTAssertNil(summary.resumedFrom)
        XCTAssertTrue(summary.lastLoss.isFinite, "\(summary.lastLoss)")
        XCTAssertTrue(messages.contains { $0.contains("parameters; 2000 training pairs; products in ") }, "\(messages)")

        // A report every 10 updates, its loss finite and falling: the
        // mean of updates 31–40 below that of 1–10 (the tiny model learns
        // the reversal within a few hundred updates).
        XCTAssertEqual(reports.map(\.step), [10, 20, 30, 40])
        XCTAssertEqual(reports.map(\.epoch), [1, 1, 1, 1], "2000 pairs in batches of 32: 63 updates an epoch")
        XCTAssertTrue(reports.allSatisfy { $0.loss.isFinite && $0.loss > 0 }, "\(reports)")
        XCTAssertLessThan(reports[3].loss, reports[0].loss, "\(reports.map(\.loss))")
        XCTAssertEqual(reports[0].perplexity, Foundation.exp(reports[0].loss), accuracy: 1e-9)
        XCTAssertEqual(reports[0].learningRate, 0.005)
        XCTAssertEqual(reports[0].teacherForcing, 1)
        XCTAssertEqual(validations.map(\.step), [40])
        XCTAssertTrue(validations[0].loss.isFinite)
        XCTAssertNil(validations[0].bleu, "no BLEU with bleuSentences 0")

        // The model folder: everything a translator needs, and the log of the events.
        let model = dir.appendingPathComponent("models/toy")
        for file in ["config.json", "model.safetensors", "train.jsonl", "prep.json", "bpe.codes", "src.vocab", "tgt.vocab",
                     "checkpoints/step-00000020.safetensors", "checkpoints/step-00000040.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), file)
        }
        XCTAssertEqual(summary.modelFile, model.appendingPathComponent("model.safetensors").path)
        let log = try String(contentsOf: model.appendingPathComponent("train.jsonl"), encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").count, reports.count + validations.count)
        let translator = try Translator(modelFolder: model.path)
        XCTAssertNoThrow(try translator.translate("wi xo na ba"))

        // The two checkpoints averaged: the newest first, into the default
        // file, which a translator loads as its weights; the run's own files
        // are refused as the output.
        let averaged = try Averaging.average(modelFolder: model.path, last: 5)
        XCTAssertEqual(averaged.checkpoints.map { ($0 as NSString).lastPathComponent },
                       ["step-00000040.safetensors", "step-00000020.safetensors"])
        XCTAssertEqual(averaged.output, model.appendingPathComponent("averaged.safetensors").path)
        let withAverage = try Translator(modelFolder: model.path, weights: averaged.output)
        XCTAssertNoThrow(try withAverage.translate("wi xo na ba"))
        XCTAssertThrowsError(try Averaging.average(modelFolder: model.path, output: summary.modelFile)) { error in
            guard case S2SError.options(let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(problem.contains("which s2s-train wrote"), problem)
        }
    }

    /// cancel() stops the run after the update under way: a checkpoint of
    /// that step, and a resumed run goes on from it.
    func testCancelWritesACheckpointAndTheRunResumes() throws {
        let dir = try prepared()
        var options = tiny
        options.maxSteps = 100_000
        options.saveEvery = 1000
        let run = training(dir, options)
        let stopped = try run.run { event in
            if case .report(let r) = event, r.step == 20 { run.cancel() }
        }
        XCTAssertTrue(stopped.cancelled)
        XCTAssertEqual(stopped.steps, 20)
        let checkpoint = dir.appendingPathComponent("models/toy/checkpoints/step-00000020.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint.path))

        var more = Training.Options()
        more.maxSteps = 30
        var messages: [String] = []
        let resumed = try training(dir, more, start: .resume(newData: false)).run { event in
            if case .message(let m) = event { messages.append(m) }
        }
        XCTAssertEqual(resumed.resumedFrom, 20)
        XCTAssertEqual(resumed.steps, 30)
        XCTAssertFalse(resumed.cancelled)
        XCTAssertTrue(messages.contains { $0.contains("resuming from") }, "\(messages)")

        // Changing the model of a run is refused, naming the option; nothing is written.
        var wider = Training.Options()
        wider.hiddenSize = 32
        XCTAssertThrowsError(try training(dir, wider, start: .resume(newData: false)).run()) { error in
            guard case S2SError.options(let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(problem.contains("--hidden-size 32 (the run has 64)"), problem)
        }
    }

    /// Cancelling the task that runs a training stops it the same way.
    func testCancellingTheTaskStopsTheRun() async throws {
        let dir = try prepared()
        var options = tiny
        options.maxSteps = 100_000
        let run = training(dir, options)
        let task = Task { () throws -> Training.Summary in
            try run.run { event in
                if case .report(let r) = event, r.step == 10 { withUnsafeCurrentTask { task in if let task { task.cancel() } } }
            }
        }
        let summary = try await task.value
        XCTAssertTrue(summary.cancelled)
        XCTAssertEqual(summary.steps, 10)
    }

    /// Errors name the file and the problem; a run refused for its options
    /// leaves no model folder behind.
    func testRefusalsAreTypedErrors() throws {
        let dir = try prepared()
        let missing = Training(data: dir.appendingPathComponent("data/toy").path,
                               vocabulary: dir.appendingPathComponent("vocab/none").path,
                               model: dir.appendingPathComponent("models/x").path)
        XCTAssertThrowsError(try missing.run()) { error in
            guard case S2SError.input(let file, _, let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("vocab/none/src.vocab"), file)
            XCTAssertEqual(problem, "no such file")
        }
        var odd = tiny
        odd.bidirectional = true
        odd.hiddenSize = 63
        XCTAssertThrowsError(try training(dir, odd).run()) { error in
            guard case S2SError.options(let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(problem.hasSuffix("(option --hidden-size)"), problem)
        }
        // One precision type for decoding and training: int8 only decodes.
        var int8 = tiny
        int8.precision = .int8
        XCTAssertThrowsError(try training(dir, int8).run()) { error in
            guard case S2SError.options(let problem, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, "precision int8 decodes only: a run trains in float32 or bfloat16")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("models/toy").path))
    }
}
