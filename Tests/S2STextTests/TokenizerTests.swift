import S2SCore
import S2SText
import XCTest

final class TokenizerTests: XCTestCase {
    let tokenizer = Tokenizer()

    func testWordsNumbersAndPunctuation() throws {
        XCTAssertEqual(try tokenizer.tokenize("Hello, world (again)."),
                       ["Hello", "￭,", "world", "(￭", "again", "￭)", "￭."])
        // ICU keeps numbers with separators and contractions whole.
        XCTAssertEqual(try tokenizer.tokenize("Don't pay 12,345.67!"),
                       ["Don't", "pay", "12,345.67", "￭!"])
        XCTAssertEqual(try tokenizer.tokenize("well-known"), ["well", "￭-￭", "known"])
    }

    func testScriptsWithoutSpaces() throws {
        XCTAssertEqual(try tokenizer.tokenize("東京"), ["東京"])
        XCTAssertEqual(try tokenizer.tokenize("晴れ。"), ["晴れ", "￭。"])
        // Thai: dictionary-based segmentation by ICU.
        XCTAssertEqual(try tokenizer.tokenize("สวัสดีครับ"), ["สวัสดี", "￭ครับ"])
    }

    func testDetokenizeRestoresNormalizedText() throws {
        for line in ["Hello, world (again).", "  spaced\tout  ", "«Hola», dijo—¿sí?", "a-b-c", "x \u{301}y",
                     "東京に行く。晴れ。", "مرحبا، كيف حالك؟", "Привет, мир!", "👍🏽 ok 👨‍👩‍👧", ""] {
            let tokens = try tokenizer.tokenize(line)
            XCTAssertEqual(Tokenizer.detokenize(tokens), try tokenizer.normalizer.normalize(line), line)
            for t in tokens {
                XCTAssertFalse(t.isEmpty)
                XCTAssertFalse(t.contains(" "), "token '\(t)' of '\(line)' holds a space")
            }
        }
    }

    func testCaseIsKept() throws {
        XCTAssertEqual(try tokenizer.tokenize("Y ACONTECIÓ"), ["Y", "ACONTECIÓ"])
    }

    /// The reversibility property over random text in many scripts: letters
    /// with accents, Greek, Cyrillic, Arabic, CJK, Thai, emoji, combining
    /// marks, digits, punctuation and odd white space, in random mixes.
    func testRoundTripPropertyOverRandomUnicode() throws {
        let pools: [[Unicode.Scalar]] = [
            Array("abcdefghijklmnopqrstuvwxyzABCXYZ".unicodeScalars),
            Array("áéíóúñüçøåßÀÉÎÕÜ".unicodeScalars),
            Array("αβγδεζηθλμνξπρστφχψωΑΒΓΔΩάέ".unicodeScalars),
            Array("абвгдежзийклмнопрстуфхцчшщыьэюяЖЩ".unicodeScalars),
            Array("ابتثجحخدذرزسشصضطظعغفقكلمنهوي،؟".unicodeScalars),
            Array("東京大阪日本語中文字漢字のにをはがでカタナ。、「」".unicodeScalars),
            Array("กขคงจฉชซญดตถทนบปผพฟภมยรลวศษสหอะาิีึืุู่้๊๋".unicodeScalars),
            Array("😀👍🏽🎉❤️👨‍👩‍👧🇪🇸".unicodeScalars),
            ["\u{301}", "\u{308}", "\u{327}", "\u{20DD}", "\u{200D}", "\u{FE0F}"],
            Array("0123456789٠١٢٣४५".unicodeScalars),
            Array(".,;:!?¡¿'\"()[]{}-–—…«»/\\@#$%&*+=<>|~^_`".unicodeScalars),
            [" ", " ", " ", "\t", "\u{00A0}", "\u{3000}", "\u{2009}", "\u{FFED}", "\u{0007}"],
        ]
        var rng = SplitMix64(seed: 20261123)
        let session = try Tokenizer.Session(tokenizer)
        for _ in 0..<3000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<rng.nextInt(below: 40) {
                let pool = pools[rng.nextInt(below: pools.count)]
                for _ in 0..<(1 + rng.nextInt(below: 4)) {
                    text.append(pool[rng.nextInt(below: pool.count)])
                }
            }
            let line = String(text)
            let tokens = try session.tokenize(line)
            let expected = try tokenizer.normalizer.normalize(line)
            XCTAssertEqual(Tokenizer.detokenize(tokens), expected,
                           "scalars: \(line.unicodeScalars.map { String($0.value, radix: 16) })")
            if Tokenizer.detokenize(tokens) != expected { return }
        }
    }
}
