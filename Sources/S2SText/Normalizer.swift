/// Which Unicode normalisation `s2s-prep` applies before segmentation.
public enum Normalization: String, Codable, CaseIterable, Sendable {
    /// Compatibility composition: folds full-width forms, ligatures, non-breaking
    /// spaces and the like into their plain forms. The default.
    case nfkc
    /// Canonical composition only: keeps compatibility characters as written.
    case nfc
    /// No Unicode normalisation (control removal and whitespace collapsing
    /// still apply, so tokenisation stays reversible).
    case none
}

/// Turns a raw line into the canonical text that tokenisation works on and
/// detokenisation restores:
///   1. control characters (Cc) are removed, except that tab, line and
///      paragraph separators count as whitespace;
///   2. Unicode normalisation (NFKC by default);
///   3. every run of white space becomes one U+0020; none at either end.
/// U+FFED (HALFWIDTH BLACK SQUARE, the tokeniser's joiner mark) becomes U+25A0,
/// as NFKC would map it, in every mode: the joiner never occurs in normalised
/// text, which is what makes tokenisation reversible.
public struct TextNormalizer: Sendable {
    public let form: Normalization

    public init(_ form: Normalization = .nfkc) {
        self.form = form
    }

    public func normalize(_ line: String) throws(ICUError) -> String {
        String(decoding: try normalizeUTF16(line), as: UTF16.self)
    }

    /// The same as `normalize`, in UTF-16 units (what ICU segments).
    func normalizeUTF16(_ line: String) throws(ICUError) -> [UInt16] {
        var units = [UInt16]()
        units.reserveCapacity(line.utf8.count)
        // By scalar (String's UTF-16 view is slow on its native UTF-8); the
        // marks, spaces and controls below all lie in the BMP.
        for scalar in line.unicodeScalars {
            guard scalar.value < 0x10000 else {
                units += UTF16.encode(scalar)!
                continue
            }
            let unit = UInt16(scalar.value)
            if unit == 0xFFED {
                units.append(0x25A0)
            } else if Self.isWhitespace(unit) {
                units.append(0x20)
            } else if !Self.isControl(unit) {
                units.append(unit)
            }
        }
        switch form {
        case .nfkc: units = try ICUNormalization.normalize(units, compatibility: true)
        case .nfc: units = try ICUNormalization.normalize(units, compatibility: false)
        case .none: break
        }
        return Self.collapseWhitespace(units)
    }

    /// Unicode White_Space (all of it lies in the BMP, so one UTF-16 unit).
    static func isWhitespace(_ u: UInt16) -> Bool {
        switch u {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A,
             0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// General category Cc (controls), all in the BMP.
    static func isControl(_ u: UInt16) -> Bool {
        u < 0x20 || (u >= 0x7F && u <= 0x9F)
    }

    /// Runs of white space (possibly produced by NFKC, e.g. from U+00A0) become
    /// one space; leading and trailing white space goes.
    static func collapseWhitespace(_ units: [UInt16]) -> [UInt16] {
        var out = [UInt16]()
        out.reserveCapacity(units.count)
        var pendingSpace = false
        for u in units {
            if isWhitespace(u) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(u)
            }
        }
        return out
    }
}
