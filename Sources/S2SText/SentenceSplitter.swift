/// Cuts running text into sentences at ICU's sentence boundaries
/// (UBRK_SENTENCE, root locale: after ". ", "? ", "。" and the like, in any
/// script). Used to bring an over-long input line back to lengths a model
/// was trained on. Each sentence keeps its trailing white space, so the
/// sentences joined give the text back. Not thread-safe: one per thread.
public final class SentenceSplitter {
    private let breaker: ICUBreaker

    public init() throws(ICUError) {
        breaker = try ICUBreaker(.sentence)
    }

    public func sentences(_ text: String) throws(ICUError) -> [Substring] {
        let units = Array(text.utf16)
        if units.isEmpty { return [] }
        let boundaries = try breaker.boundaries(of: units)
        var out: [Substring] = []
        out.reserveCapacity(boundaries.count)
        let utf16 = text.utf16
        var start = text.startIndex
        var offset = 0
        for b in boundaries.dropFirst() {
            // Boundaries rise, so each index is found by walking from the last.
            let end = utf16.index(start, offsetBy: Int(b) - offset)
            // ICU breaks between scalars, never inside a surrogate pair.
            out.append(text[start..<end])
            start = end
            offset = Int(b)
        }
        return out
    }
}
