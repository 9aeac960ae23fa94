import S2SModel
import S2SSearch
import XCTest

/// A scorer with fixed probabilities: row r's next token is table[r][t]
/// at step t (log-probability 0 for it, −10 for every other).
struct FixedScorer: Scorer {
    let table: [[Int32]]
    let targetVocabularySize = 8
    struct State { var rows: [Int]; var t: Int }
    func start(_ sources: [[Int32]]) -> State { State(rows: Array(0..<sources.count), t: 0) }
    func step(_ previous: [Int32], _ state: State) -> (logProbs: [Float], attention: [Float], state: State) {
        var lp = [Float](repeating: -10, count: state.rows.count * targetVocabularySize)
        for (i, r) in state.rows.enumerated() {
            let row = table[r]
            lp[i * targetVocabularySize + Int(row[min(state.t, row.count - 1)])] = 0
        }
        return (lp, [], State(rows: state.rows, t: state.t + 1))
    }
    func select(_ state: State, rows: [Int]) -> State { State(rows: rows.map { state.rows[$0] }, t: state.t) }
}

final class GreedySearchTests: XCTestCase {
    func testStopsAtEOSAndAtTheLengthLimit() {
        let scorer = FixedScorer(table: [[5, 6, 3], [7, 3], [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]])
        let out = GreedySearch.decode(scorer, sources: [[9], [9], [9]], maxLengthRatio: 1, maxLengthExtra: 3)
        XCTAssertEqual(out[0], [5, 6])
        XCTAssertEqual(out[1], [7])
        XCTAssertEqual(out[2], [4, 4, 4, 4], "limit: 1 × 1 + 3 tokens")
    }
}
