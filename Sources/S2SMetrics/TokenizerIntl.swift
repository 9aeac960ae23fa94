/// sacreBLEU's `intl` tokenisation (mteval-v14.pl's international one): on
/// Unicode general categories, for scripts beyond Latin punctuation —
///
///  1. `(\P{N})(\p{P})` → `\1 \2 `: punctuation after a non-number;
///  2. `(\p{P})(\P{N})` → ` \1 \2`: punctuation before a non-number;
///  3. `(\p{S})` → ` \1 `: every symbol;
///  4. split on white space.
///
/// A period after a number at the end of a line stays attached, as in the
/// Perl original. Categories are Swift's Unicode tables, sacreBLEU's those
/// of Python's `regex` module: the same for every assigned character the
/// two versions share.
public enum TokenizerIntl {
    public static func tokenize(_ line: String) -> [String] {
        var s = Tokenizer13a.substitute(Array(line.unicodeScalars), width: 2) { c in
            !isNumber(c[0]) && isPunctuation(c[1]) ? [c[0], " ", c[1], " "] : nil
        }
        s = Tokenizer13a.substitute(s, width: 2) { c in isPunctuation(c[0]) && !isNumber(c[1]) ? [" ", c[0], " ", c[1]] : nil }
        s = Tokenizer13a.substitute(s, width: 1) { c in isSymbol(c[0]) ? [" ", c[0], " "] : nil }
        return PythonText.split(s)
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    static func isSymbol(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
        default: return false
        }
    }
}
