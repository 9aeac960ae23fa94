import Foundation

/// Reading a configuration key by key, so that a value of the wrong kind is
/// named with its key. Foundation's JSONDecoder reports a number that does
/// not fit the type (64.5 or 1e30 for an Int, -1 for a UInt64) as "not valid
/// JSON" with an empty key path; `value(_:_:)` rethrows that, and any other
/// mismatch at this key (an unknown enum case among them), as `DecodingError.typeMismatch` of the expected type
/// at the key's path (`StableJSON.problem` words it).
extension KeyedDecodingContainer {
    public func value<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        do {
            return try decode(type, forKey: key)
        } catch {
            throw located(error, type, key)
        }
    }

    /// nil when the key is absent or null.
    public func valueIfPresent<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch {
            throw located(error, type, key)
        }
    }

    private func located(_ error: Error, _ type: Any.Type, _ key: Key) -> Error {
        let path = codingPath + [key]
        let mismatch = DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(StableJSON.kind(of: type))"))
        switch error {
        case DecodingError.keyNotFound:
            return error
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
             DecodingError.valueNotFound(_, let context):
            // Deeper inside the value (a nested configuration): already located.
            return context.codingPath.count > path.count ? error : mismatch
        default:
            // Foundation's own error for a number that does not fit the type,
            // which it turns into "not valid JSON" at the top.
            return mismatch
        }
    }
}
