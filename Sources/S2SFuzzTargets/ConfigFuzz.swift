import S2SModel
import S2STraining

/// A model folder's `config.json`, read as `s2s-train --resume` and
/// `--config` read it: a configuration that validates must give a parameter
/// layout (what Seq2Seq(config:) makes next) without trapping.
public enum ConfigFuzz {
    public static func run(_ data: UnsafeRawBufferPointer) {
        // FileManager.contents(atPath:), which readConfig uses, leaks 4 KB
        // for every empty file on Linux (Foundation of Swift 6.3.1, not s2s:
        // its zero-size read path mallocs a chunk that an empty Data never
        // frees). LeakSanitizer would stop every run on the empty input.
        if data.isEmpty { return }
        InputFile.with(data, name: "config.json") { path in
            guard let run = try? ModelFolder.readConfig(at: path) else { return }
            guard (try? run.model.validate()) != nil else { return }
            let layout = ParameterLayout(config: run.model)
            guard layout.count >= layout.entries.reduce(0, { $0 + $1.count }) else { violated("layout count") }
        }
    }
}
