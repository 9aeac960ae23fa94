import CICU

// The one file of S2SText that sees C names: thin Swift owners over cicu.h.

/// An ICU failure: its code and ICU's name for it.
public struct ICUError: Error, CustomStringConvertible {
    public let code: Int32
    public let operation: String
    public var description: String {
        "ICU \(operation) failed: \(String(cString: cicu_error_name(code))) (\(code))"
    }
}

enum ICUNormalization {
    /// Normalises UTF-16 text to NFC or NFKC.
    static func normalize(_ text: [UInt16], compatibility: Bool) throws(ICUError) -> [UInt16] {
        if text.isEmpty { return text }
        if text.count > Int(Int32.max) / 4 { throw ICUError(code: 1, operation: "normalisation of a text over 2^29 UTF-16 units") }
        let form = compatibility ? Int32(CICU_NFKC.rawValue) : Int32(CICU_NFC.rawValue)
        // NFKC can expand (e.g. "ﷺ" becomes 18 letters); start at 2x and
        // grow to the size ICU asks for.
        var capacity = text.count * 2 + 16
        while true {
            var output = [UInt16](repeating: 0, count: capacity)
            var error: Int32 = 0
            let length = text.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    cicu_normalize(form, src.baseAddress, Int32(src.count),
                                   dst.baseAddress, Int32(dst.count), &error)
                }
            }
            if error > 0 { throw ICUError(code: error, operation: "normalisation") }
            if Int(length) <= capacity {
                output.removeSubrange(Int(length)...)
                return output
            }
            capacity = Int(length)
        }
    }
}

/// ICU's boundary iterators (root locale). Words (UBRK_WORD) split words,
/// numbers and punctuation in any script, including Thai and CJK, which are
/// written without spaces; sentences (UBRK_SENTENCE) cut running text after
/// its sentence-ending punctuation. Not thread-safe; make one per thread.
final class ICUBreaker {
    enum Kind { case word, sentence }

    private let breaker: OpaquePointer
    private var boundaries = [Int32](repeating: 0, count: 256)

    init(_ kind: Kind) throws(ICUError) {
        var error: Int32 = 0
        let opened = kind == .word ? cicu_word_breaker_open(&error) : cicu_sentence_breaker_open(&error)
        guard let breaker = opened, error <= 0 else {
            throw ICUError(code: error, operation: "opening the \(kind) breaker")
        }
        self.breaker = breaker
    }

    deinit { cicu_breaker_close(breaker) }

    /// All boundaries of `text` in UTF-16 offsets, 0 and `text.count` included.
    func boundaries(of text: [UInt16]) throws(ICUError) -> ArraySlice<Int32> {
        // ICU counts in Int32: a text beyond that is refused, not truncated.
        if text.count > Int(Int32.max) { throw ICUError(code: 1, operation: "segmentation of a text over 2^31 UTF-16 units") }
        while true {
            var error: Int32 = 0
            let count = text.withUnsafeBufferPointer { src in
                boundaries.withUnsafeMutableBufferPointer { out in
                    cicu_breaker_boundaries(breaker, src.baseAddress, Int32(src.count),
                                            out.baseAddress, Int32(out.count), &error)
                }
            }
            if error > 0 { throw ICUError(code: error, operation: "segmentation") }
            if Int(count) <= boundaries.count { return boundaries[0..<Int(count)] }
            boundaries = [Int32](repeating: 0, count: Int(count))
        }
    }
}
