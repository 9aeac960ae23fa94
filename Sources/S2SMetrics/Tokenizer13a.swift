/// sacreBLEU's default BLEU tokenisation, "13a" (mteval-v13a.pl as used by
/// WMT), on Unicode scalars as Python's `str` sees them:
///
///  1. drop `<skipped>`, join `-\n`, newlines become spaces, unescape
///     `&quot; &amp; &lt; &gt;`;
///  2. pad ASCII punctuation `{|}~ [\]^_` ` !"#$%& ()*+ :;<=>? @ /` with spaces;
///  3. split `.` and `,` off unless between digits; split `-` after a digit;
///  4. split on white space.
public enum Tokenizer13a {
    public static func tokenize(_ line: String) -> [String] {
        var text = line.replacingAll("<skipped>", with: "").replacingAll("-\n", with: "").replacingAll("\n", with: " ")
        if text.contains("&") {
            text = text.replacingAll("&quot;", with: "\"").replacingAll("&amp;", with: "&")
                .replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">")
        }
        return PythonText.split(regexp([" "] + Array(text.unicodeScalars) + [" "]))
    }

    /// Steps 2 and 3: sacreBLEU's `TokenizerRegexp`, which the `zh`
    /// tokeniser also applies after spacing out Chinese characters.
    static func regexp(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = substitute(text, width: 1) { c in isPunctuation(c[0]) ? [" ", c[0], " "] : nil }
        s = substitute(s, width: 2) { c in !isDigit(c[0]) && (c[1] == "." || c[1] == ",") ? [c[0], " ", c[1], " "] : nil }
        s = substitute(s, width: 2) { c in (c[0] == "." || c[0] == ",") && !isDigit(c[1]) ? [" ", c[0], " ", c[1]] : nil }
        return substitute(s, width: 2) { c in isDigit(c[0]) && c[1] == "-" ? [c[0], " ", c[1], " "] : nil }
    }

    /// Python's `re.sub` for a fixed-width pattern: matches are found left to
    /// right, without overlapping.
    static func substitute(_ s: [Unicode.Scalar], width: Int,
                           _ replace: ([Unicode.Scalar]) -> [Unicode.Scalar]?) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count * 2)
        var i = 0
        while i < s.count {
            if i + width <= s.count, let r = replace(Array(s[i..<(i + width)])) {
                out += r
                i += width
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// The class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }
}

/// Python `str` behaviour the metrics depend on.
enum PythonText {
    /// `str.isspace()`: Unicode White_Space plus U+001C–U+001F.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || (c.value >= 0x1C && c.value <= 0x1F)
    }

    /// `str.split()`: runs of white space separate words; none at the ends.
    static func split(_ s: [Unicode.Scalar]) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for c in s {
            if isSpace(c) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `str.rstrip()`.
    static func rstrip(_ line: String) -> String {
        var s = Array(line.unicodeScalars)
        while let last = s.last, isSpace(last) { s.removeLast() }
        return String(String.UnicodeScalarView(s))
    }

    /// `str.strip()`, on scalars.
    static func strip(_ s: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else { return [] }
        return s[first...last]
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
