import Foundation
import S2SText
import XCTest

/// detokenize(tokenize(x)) == normalize(x) over every line of real files:
/// the lines checked, and the first few failures reported as XCTFail.
enum RoundTrip {
    static func check(files: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (lines: Int, failures: Int) {
        let tokenizer = Tokenizer()
        let session = try Tokenizer.Session(tokenizer)
        var lines = 0, failures = 0
        for path in files {
            for (k, text) in try LineReader.lines(ofFile: path).enumerated() {
                lines += 1
                let tokens = try session.tokenize(text)
                if Tokenizer.detokenize(tokens) != (try tokenizer.normalizer.normalize(text)) {
                    failures += 1
                    if failures <= 3 { XCTFail("\(path):\(k + 1): '\(text)' -> \(tokens)", file: file, line: line) }
                }
            }
        }
        return (lines, failures)
    }

    /// The six files of a corpus folder: {train,valid,test}.{src,tgt}.
    static func corpusFiles(_ folder: URL) -> [String] {
        ["train", "valid", "test"].flatMap { split in ["src", "tgt"].map { folder.appendingPathComponent("\(split).\($0)").path } }
    }
}
