import Foundation
import S2SCore
import S2SText

/// A model folder's `prep.json`, read as s2s-translate and s2s-serve read it
/// (`ModelFolder.prepManifest`: a `PrepManifest`, snake_case keys, as s2s-prep
/// writes it, or an error in words naming the key). No property beyond not
/// crashing: JSON is Foundation's to parse.
public enum PrepFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let json = Data(data)
        do {
            _ = try PrepManifest(json: json)
        } catch {
            _ = StableJSON.problem(error, json: json)
        }
    }
}
