/// sacreBLEU's `zh` tokenisation: every Chinese character (by sacreBLEU's
/// table of code point ranges) becomes a word of its own, and the rest is
/// tokenised as 13a's regular expressions do (without 13a's unescaping).
public enum TokenizerZh {
    public static func tokenize(_ line: String) -> [String] {
        var spaced: [Unicode.Scalar] = []
        for c in PythonText.strip(Array(line.unicodeScalars)) {
            if isChinese(c) { spaced += [" ", c, " "] } else { spaced.append(c) }
        }
        return PythonText.split(Tokenizer13a.regexp(spaced))
    }

    /// sacreBLEU's `_UCODE_RANGES`, compared as Python compares strings:
    /// two of its bounds are written `u'\u20000'` and `u'\u2f800'` (meant as
    /// U+20000 and U+2F800), which Python reads as two characters each, so
    /// for one character they are the ranges U+2001–U+2A6D and U+2F81–U+2FA1.
    static let ranges: [ClosedRange<UInt32>] = [
        0x3400...0x4DB5, 0x4E00...0x9FA5, 0x9FA6...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A, 0xFA70...0xFAD9,
        0x2001...0x2A6D, 0x2F81...0x2FA1,
        0xFF00...0xFFEF, 0x2E80...0x2EFF, 0x3000...0x303F, 0x31C0...0x31EF, 0x2F00...0x2FDF, 0x2FF0...0x2FFF,
        0x3100...0x312F, 0x31A0...0x31BF, 0xFE10...0xFE1F, 0xFE30...0xFE4F, 0x2600...0x26FF, 0x2700...0x27BF,
        0x3200...0x32FF, 0x3300...0x33FF,
    ]

    static func isChinese(_ c: Unicode.Scalar) -> Bool { ranges.contains { $0.contains(c.value) } }
}
