import S2SCore
import XCTest

/// XXH64 against the reference implementation (Python's `xxhash` 3.5.0,
/// `xxhash.xxh64(data, seed=…).intdigest()`), over every branch of the
/// algorithm: empty, the 1-, 4- and 8-byte tails, and the 32-byte stripes.
final class XXH64Tests: XCTestCase {
    func testMatchesTheReference() {
        let cases: [(String, UInt64, UInt64)] = [
            ("", 0, 0xef46db3751d8e999), ("", 1, 0xd5afba1336a3be4b),
            ("a", 0, 0xd24ec4f1a98c6e5b), ("a", 1, 0xdec2bc81c3cd46c6),
            ("abc", 0, 0x44bc2cf5ad770999), ("abc", 1, 0xbea9ca8199328908),
            ("0123456789abcdef0123456789abcdef!", 0, 0x8afff4daac4e677e),
            ("0123456789abcdef0123456789abcdef!", 1, 0x72494c093cf3c86e),
            ("The quick brown fox jumps over the lazy dog", 0, 0xb242d361fda71bc),
            ("The quick brown fox jumps over the lazy dog", 1, 0xdf5091b6dad2c6db),
        ]
        for (text, seed, expected) in cases {
            XCTAssertEqual(XXH64.hash(Array(text.utf8), seed: seed), expected, "\"\(text)\" seed \(seed)")
        }
    }
}
