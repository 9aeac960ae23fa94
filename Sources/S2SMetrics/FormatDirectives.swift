/// The placeholders and markup of software messages (the catalog corpora's
/// kind of text), which a translation must carry over unchanged: printf
/// directives (`%s`, `%1$d`, `%-10.3lf`, `%%`, `%(name)s`; the space flag left
/// out, so that "50% off" holds none), brace
/// placeholders (`{}`, `{0}`, `{name}`), the escapes `\n` and `\t` written
/// as two characters, and markup tags (`<b>`, `</b>`, by name). Keyboard
/// accelerators (`&File`, `_File`) are left out: a translation moves them
/// to a letter of its own word.
public enum FormatDirectives {
    /// The directives of `line`, in order.
    public static func extract(_ line: String) -> [String] {
        let s = Array(line.unicodeScalars)
        var out: [String] = []
        var i = 0
        while i < s.count {
            let end: Int?
            switch s[i] {
            case "%": end = printf(s, i)
            case "{": end = brace(s, i)
            case "\\": end = i + 1 < s.count && (s[i + 1] == "n" || s[i + 1] == "t") ? i + 2 : nil
            case "<": end = tag(s, i)
            default: end = nil
            }
            if let end {
                out.append(String(String.UnicodeScalarView(s[i..<end])))
                i = end
            } else {
                i += 1
            }
        }
        return out
    }

    /// Lines whose reference has directives, and of those, the lines whose
    /// hypothesis has the same directives (the same multiset: order may
    /// change, as `%1$s … %2$s` may in a translation).
    public static func kept(hypotheses: [String], references: [String]) -> (kept: Int, lines: Int) {
        var kept = 0, lines = 0
        for (h, r) in zip(hypotheses, references) {
            let want = extract(r)
            if want.isEmpty { continue }
            lines += 1
            if want.sorted() == extract(h).sorted() { kept += 1 }
        }
        return (kept, lines)
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    static func isNameStart(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }

    /// `%[n$][flags][width][.precision][length]conversion`, `%%` or `%(name)conversion`; the end, or nil.
    static func printf(_ s: [Unicode.Scalar], _ start: Int) -> Int? {
        var i = start + 1
        func skip(_ accept: (Unicode.Scalar) -> Bool) { while i < s.count && accept(s[i]) { i += 1 } }
        guard i < s.count else { return nil }
        if s[i] == "%" { return i + 1 }
        if s[i] == "(" {
            skip { $0 != ")" && $0 != " " && $0 != "%" }
            guard i < s.count, s[i] == ")" else { return nil }
            i += 1
        } else {
            let digits = i
            skip(isDigit)
            if i < s.count, s[i] == "$", i > digits { i += 1 } else { i = digits }
        }
        skip { "-+#0'".unicodeScalars.contains($0) }  // not ' ': "50% off" is no directive
        if i < s.count, s[i] == "*" { i += 1 } else { skip(isDigit) }
        if i < s.count, s[i] == "." {
            i += 1
            if i < s.count, s[i] == "*" { i += 1 } else { skip(isDigit) }
        }
        skip { "hlLqjzZt".unicodeScalars.contains($0) }
        guard i < s.count, "diouxXeEfFgGaAcCsSpn".unicodeScalars.contains(s[i]) else { return nil }
        return i + 1
    }

    /// `{}`, `{0}` or `{name}`.
    static func brace(_ s: [Unicode.Scalar], _ start: Int) -> Int? {
        var i = start + 1
        while i < s.count && (isNameStart(s[i]) || isDigit(s[i])) { i += 1 }
        return i < s.count && s[i] == "}" ? i + 1 : nil
    }

    /// `<name`, `</name` (attributes and `>` left out: a translation may translate an attribute).
    static func tag(_ s: [Unicode.Scalar], _ start: Int) -> Int? {
        var i = start + 1
        if i < s.count && s[i] == "/" { i += 1 }
        guard i < s.count, isNameStart(s[i]) else { return nil }
        while i < s.count && (isNameStart(s[i]) || isDigit(s[i])) { i += 1 }
        return i < s.count && (s[i] == ">" || s[i] == " " || s[i] == "/") ? i : nil
    }
}
