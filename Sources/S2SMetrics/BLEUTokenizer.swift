/// The tokenisations sacreBLEU 2.6.0 offers that need no external model
/// (`ja-mecab`, `ko-mecab` and `spm` do), by their signature names.
public enum BLEUTokenizer: String, CaseIterable, Sendable {
    /// mteval-v13a: Latin punctuation split off; sacreBLEU's default.
    case thirteenA = "13a"
    /// mteval-v14's international: Unicode punctuation and symbols split off.
    case intl
    /// Every Chinese character a word, the rest as 13a.
    case zh
    /// Every character a word (scripts without spaces; s2s's choice for Japanese and Korean).
    case char
    /// White space only.
    case none

    /// The words BLEU counts n-grams of in one line (after `rstrip`).
    public func tokenize(_ line: String) -> [String] {
        switch self {
        case .thirteenA: return Tokenizer13a.tokenize(line)
        case .intl: return TokenizerIntl.tokenize(line)
        case .zh: return TokenizerZh.tokenize(line)
        case .char: return line.unicodeScalars.filter { !PythonText.isSpace($0) }.map { String($0) }
        case .none: return PythonText.split(Array(line.unicodeScalars))
        }
    }

    /// The default for a target language (an ISO 639-1 code, a region or
    /// script after `-` or `_` ignored), as sacreBLEU chooses it: `zh` for
    /// Chinese, else 13a — except that where sacreBLEU would use MeCab
    /// (Japanese, Korean), which s2s does not ship, `char`.
    public static func forTarget(language: String?) -> BLEUTokenizer {
        let base = language.map { String($0.lowercased().prefix { $0 != "-" && $0 != "_" }) }
        switch base {
        case "zh": return .zh
        case "ja", "ko": return .char
        default: return .thirteenA
        }
    }
}
