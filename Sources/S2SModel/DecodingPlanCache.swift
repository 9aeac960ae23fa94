import Foundation
import S2SCore
import S2SKernels

/// What `packForDecoding(.auto)` measured, kept per CPU and product
/// shape, so that later runs on the same machine skip the timing (a few
/// hundred milliseconds: much more than 1% of translating one line). The
/// file is `decoding-plans.json` in `$S2S_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/s2s`, else `~/.cache/s2s`: one JSON object from
/// "CPU identity | shape" to a path name. A missing, unreadable or foreign
/// file is measured anew and rewritten; one that cannot be written is
/// skipped (the run goes on measuring).
enum DecodingPlanCache {
    static var path: String? {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["S2S_CACHE_DIR"], !dir.isEmpty { return dir + "/decoding-plans.json" }
        if let dir = env["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/s2s/decoding-plans.json" }
        if let home = env["HOME"], !home.isEmpty { return home + "/.cache/s2s/decoding-plans.json" }
        return nil
    }

    /// The key of a product: the CPU, then its shape.
    static func key(_ shape: String) -> String { CPUName.identity + " | " + shape }

    static func read() -> [String: String] {
        guard let path, let data = FileManager.default.contents(atPath: path),
              let object = try? JSONDecoder().decode([String: String].self, from: data) else { return [:] }
        return object
    }

    /// Adds `entries` to the file (atomically; errors ignored: a cache).
    static func store(_ entries: [String: String]) {
        guard !entries.isEmpty, let path else { return }
        let merged = read().merging(entries) { _, new in new }
        guard let data = try? StableJSON.encode(merged) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try? AtomicFile.write(data, to: path)
    }
}
