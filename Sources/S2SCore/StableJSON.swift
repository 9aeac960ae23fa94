import Foundation

/// The JSON that s2s writes (config.json, prep.json, a checkpoint's
/// configuration) and reads back: snake_case keys, sorted, so that the same
/// value always gives the same bytes.
public enum StableJSON {
    /// Pretty-printed with a final newline (files people read), or compact
    /// (metadata inside a checkpoint).
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let bytes = Array(try encoder.encode(value))
        return pretty ? bytes + [0x0A] : bytes
    }

    /// A decoder for what `encode` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// `hiddenSize` → `hidden_size`: a Swift property's key as the file
    /// spells it (as JSONEncoder's convertToSnakeCase does).
    public static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }

    /// A decoding error's key path as the file spells it: "model.hidden_size".
    public static func keyPath(_ path: [CodingKey]) -> String {
        path.map { snakeCase($0.stringValue) }.joined(separator: ".")
    }
}
