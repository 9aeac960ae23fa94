import Foundation
import S2SText

/// A vocabulary folder's `prep.json`, read as s2s-translate reads it (the
/// vocabulary hashes and the normalisation through JSONSerialization, as
/// Translator.checkHashes and Translator.normalization do) and decoded whole
/// as a `PrepManifest` (snake_case keys, as s2s-prep writes it). No property
/// beyond not crashing: JSON is Foundation's to parse.
public enum PrepFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            for key in ["source_vocabulary", "target_vocabulary"] {
                _ = (object[key] as? [String: Any])?["hash"] as? String
            }
            if let name = object["normalization"] as? String { _ = Normalization(rawValue: name) }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        _ = try? decoder.decode(PrepManifest.self, from: Data(data))
    }
}
