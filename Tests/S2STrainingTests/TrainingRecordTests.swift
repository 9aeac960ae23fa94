import _S2STestSupport
import Foundation
import S2SCore
import S2STraining
import XCTest

/// train.jsonl's records: written through StableJSON with the keys and
/// number forms the JSONSerialization writer gave them (tools/trainlog.py
/// and older run logs read the same), and read back typed.
final class TrainingRecordTests: XCTestCase {
    /// Lines as the dictionary writer of earlier builds wrote them.
    let oldTrain = #"{"elapsed_s":12.5,"epoch":3,"grad_norm":3.25,"kind":"train","loss":2.345678901234,"lr":0.001,"ppl":10.44035829420613,"step":200,"teacher_forcing":0.875,"tokens_per_s":16910.95890410959}"#
    let oldValid = #"{"accuracy":0.25,"bleu":12.3,"chrf":45.6,"kind":"valid","loss":1.5,"ppl":4.4816890703380645,"step":100}"#
    let oldFlow = #"{"kind":"gradient_flow","norms":[0.5,1e-09,2],"step":5}"#

    let train = TrainingRecord.train(.init(step: 200, epoch: 3, loss: 2.345678901234, perplexity: 10.44035829420613,
                                           tokensPerSecond: 16910.95890410959, learningRate: 0.001, teacherForcing: 0.875,
                                           gradientNorm: 3.25, elapsedSeconds: 12.5))
    let valid = TrainingRecord.valid(.init(step: 100, loss: 1.5, perplexity: 4.4816890703380645, accuracy: 0.25,
                                           bleu: 12.3, chrF: 45.6))
    let flow = TrainingRecord.gradientFlow(.init(step: 5, norms: [0.5, 1e-9, 2]))

    func testRecordsAreWrittenAsBefore() throws {
        XCTAssertEqual(String(decoding: try StableJSON.line(train), as: UTF8.self), oldTrain + "\n")
        XCTAssertEqual(String(decoding: try StableJSON.line(valid), as: UTF8.self), oldValid + "\n")
        XCTAssertEqual(String(decoding: try StableJSON.line(flow), as: UTF8.self), oldFlow + "\n")
        let noScores = TrainingRecord.valid(.init(step: 1, loss: 1, perplexity: 2, accuracy: 0))
        XCTAssertEqual(String(decoding: try StableJSON.line(noScores), as: UTF8.self),
                       #"{"accuracy":0,"kind":"valid","loss":1,"ppl":2,"step":1}"# + "\n", "no bleu or chrf keys")
    }

    func testOldLinesReadTyped() {
        let records = TrainingRecord.records(inLog: [oldTrain, "", oldValid, #"{"kind":"other","step":1}"#, oldFlow,
                                                     #"{"kind":"train","st"#].joined(separator: "\n"))
        XCTAssertEqual(records.map(\.record), [train, valid, flow], "blank, unknown and cut lines skipped")
        XCTAssertEqual(records.map(\.record.kind), ["train", "valid", "gradient_flow"])
        XCTAssertEqual(records.map(\.line).first.map(String.init), oldTrain)
    }

    func testAResumedLogKeepsTheRecordsThroughItsStep() throws {
        let path = TestPaths.temporaryFolder().appendingPathComponent("train.jsonl").path
        try AtomicFile.write(text: [oldValid, oldTrain, oldFlow].joined(separator: "\n") + "\n", to: path)
        let log = try RunLog(path: path, keepThroughStep: 100)
        try log.append(.valid(.init(step: 150, loss: .nan, perplexity: .nan, accuracy: 0)))
        try log.append(flow)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text, oldValid + "\n" + oldFlow + "\n" + oldFlow + "\n",
                       "step 200 dropped; a NaN record left out; the new record appended")
    }
}
