import _S2STestSupport
import Foundation
import S2SMetrics
import XCTest

/// Every tokenisation s2s-score offers against sacreBLEU 2.6.0 itself
/// (Tests/Fixtures/metrics/tokenizers, made by
/// tools/check/sacrebleu-tokenizer-fixtures.sh): the tokens of each line —
/// adversarial lines in a dozen scripts, their seeded edits and Bible
/// verses — and corpus BLEU, its counts and its signature on two pairs.
final class TokenizerTests: XCTestCase {
    struct Expected: Decodable {
        struct Score: Decodable { let score: Double; let counts: [Int]; let totals: [Int]; let text: String; let signature: String }
        struct Tokenizer: Decodable { let tokens: [[String]]; let bleu: [String: Score] }
        let lines: [String]
        let tokenizers: [String: Tokenizer]
    }

    func expected() throws -> Expected {
        let url = TestPaths.fixture("metrics/tokenizers/expected.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    func lines(_ path: String) throws -> [String] {
        var l = try String(contentsOf: TestPaths.fixture(path), encoding: .utf8).components(separatedBy: "\n")
        l.removeLast()  // after the final newline
        return l
    }

    func testTokensEqualSacreBLEUs() throws {
        let e = try expected()
        XCTAssertEqual(Set(e.tokenizers.keys), Set(BLEUTokenizer.allCases.map(\.rawValue)))
        for tokenizer in BLEUTokenizer.allCases {
            let want = try XCTUnwrap(e.tokenizers[tokenizer.rawValue]).tokens
            XCTAssertEqual(want.count, e.lines.count)
            for (line, tokens) in zip(e.lines, want) {
                // sacreBLEU tokenises the rstripped line.
                let stripped = String(line.reversed().drop { $0.unicodeScalars.allSatisfy(\.properties.isWhitespace) }.reversed())
                XCTAssertEqual(tokenizer.tokenize(stripped), tokens, "\(tokenizer.rawValue): \(line)")
            }
        }
    }

    func testCorpusBLEUEqualsSacreBLEUForEveryTokenizer() throws {
        let e = try expected()
        let pairs = ["adversarial": (try lines("metrics/tokenizers/adversarial.hyp"), try lines("metrics/tokenizers/adversarial.ref")),
                     "metrics": (try lines("metrics/hyp.txt"), try lines("metrics/ref.txt"))]
        for tokenizer in BLEUTokenizer.allCases {
            for (name, (hyps, refs)) in pairs {
                let want = try XCTUnwrap(e.tokenizers[tokenizer.rawValue]?.bleu[name])
                let got = BLEU.corpus(hypotheses: hyps, references: refs, tokenizer: tokenizer)
                XCTAssertEqual(got.counts, want.counts, "\(tokenizer.rawValue) \(name)")
                XCTAssertEqual(got.totals, want.totals, "\(tokenizer.rawValue) \(name)")
                XCTAssertEqual(got.score, want.score, accuracy: 1e-9, "\(tokenizer.rawValue) \(name)")
                XCTAssertEqual(got.description, want.text)
                XCTAssertEqual(BLEU.signature(tokenizer: tokenizer), want.signature)
            }
        }
    }

    /// sacreBLEU's choice by target language, with char where it would use MeCab.
    func testDefaultsByTargetLanguage() {
        XCTAssertEqual(BLEUTokenizer.forTarget(language: "zh"), .zh)
        XCTAssertEqual(BLEUTokenizer.forTarget(language: "zh_CN"), .zh)
        XCTAssertEqual(BLEUTokenizer.forTarget(language: "ja"), .char)
        XCTAssertEqual(BLEUTokenizer.forTarget(language: "ko"), .char)
        XCTAssertEqual(BLEUTokenizer.forTarget(language: "de"), .thirteenA)
        XCTAssertEqual(BLEUTokenizer.forTarget(language: nil), .thirteenA)
    }
}
