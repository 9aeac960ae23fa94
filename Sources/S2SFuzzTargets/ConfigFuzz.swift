import Foundation
import S2SCore
import S2SModel
import S2SText
import S2STraining

/// A model folder's `config.json`, read as `s2s-train --resume` and
/// `--config` read it. Properties of what it accepts: the model section
/// gives a parameter layout (what Seq2Seq(config:) makes next) without
/// trapping; the training section passes `TrainingOptions.validate()` (the
/// command line's check), survives writing and reading back unchanged, and
/// gives schedules that stay in range (teacher forcing a probability, the
/// learning rate a positive finite number) over a long run.
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

            let t = run.training
            guard (try? t.validate()) != nil else { violated("accepted training options fail validate()") }
            guard let bytes = try? StableJSON.encode(run),
                  let again = try? StableJSON.decoder().decode(ModelFolder.RunConfig.self, from: Data(bytes)),
                  again == run else { violated("training options do not read back as written") }
            for step in [0, 1, 2, 10, 1000, 1 << 20, Int(Int32.max)] {
                let ratio = t.teacherForcing.ratio(atStep: step)
                guard (0...1).contains(ratio) else { violated("teacher forcing \(ratio) at step \(step)") }
                let warmup = t.warmupSteps > 0 ? min(1, Double(step) / Double(t.warmupSteps)) : 1
                let rate = t.learningRate * warmup * t.decayFactor
                guard rate.isFinite && rate >= 0 else { violated("learning rate \(rate) at step \(step)") }
            }
        }
    }
}
