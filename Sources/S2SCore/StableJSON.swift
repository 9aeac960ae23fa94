import Foundation

/// The JSON that s2s writes (config.json, prep.json, a checkpoint's
/// configuration, train.jsonl's records, the decoding-plan cache,
/// s2s-bench's results) and reads back: snake_case keys, sorted, so that the
/// same value always gives the same bytes. It is the one JSON writer.
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

    /// One compact line with its newline: a record of a JSON-lines file
    /// (train.jsonl) or a result printed for a script.
    public static func line<T: Encodable>(_ value: T) throws -> [UInt8] {
        try encode(value, pretty: false) + [0x0A]
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

extension StableJSON {
    /// What a value of `type` must look like in a file, for messages:
    /// "a whole number", "one of adam, sgd".
    public static func kind(of type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is UInt64.Type: return "a whole number from 0 to \(UInt64.max)"
        case is Double.Type: return "a finite number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        case let choices as any CaseIterable.Type: return "one of " + names(choices).joined(separator: ", ")
        default: return "a \(StableJSON.snakeCase(String(describing: type)).dropFirst().replacingOccurrences(of: "_", with: " "))"
        }
    }

    private static func names<T: CaseIterable>(_ type: T.Type) -> [String] {
        type.allCases.map { value in (value as? any RawRepresentable).map { "\($0.rawValue)" } ?? "\(value)" }
    }

    /// A decoding error of `json` in words, naming the key path and what
    /// belongs there: "training.batch_size must be a whole number, not 64.5",
    /// "lacks the key model.hidden_size".
    public static func problem(_ error: Error, json: Data) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "lacks the key \(keyPath(context.codingPath + [key]))"
        case DecodingError.valueNotFound(let type, let context) where !context.codingPath.isEmpty,
             DecodingError.typeMismatch(let type, let context) where !context.codingPath.isEmpty:
            let found = value(at: context.codingPath, in: json).map { ", not \($0)" } ?? ""
            return "\(keyPath(context.codingPath)) must be \(kind(of: type))\(found)"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "has a bad value at \(keyPath(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted, DecodingError.typeMismatch, DecodingError.valueNotFound:
            return "is not valid JSON (or holds a number no field can take, such as 1e999)"
        default:
            return "cannot be read: \(error)"
        }
    }

    /// The JSON text of the value at `path`, when the file parses.
    static func value(at path: [CodingKey], in json: Data) -> String? {
        var node = try? JSONDecoder().decode(JSONValue.self, from: json)
        for key in path {
            switch node {
            case .array(let items)?: node = key.intValue.flatMap { $0 < items.count ? items[$0] : nil }
            case .object(let fields)?: node = fields[snakeCase(key.stringValue)]
            default: node = nil
            }
        }
        switch node {
        case nil: return nil
        case .string(let string)?: return "\"\(string)\""
        case let node?: return (try? encode(node, pretty: false)).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
