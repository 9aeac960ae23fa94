import S2SModel

/// A safetensors file (any tensors) and an s2s checkpoint: `SafeTensorsFile`
/// must read every tensor it accepts; `Checkpoint.load` must accept only a
/// configuration that validates and whose parameter layout can be made, and
/// loading the parameters must check the file against that layout.
public enum SafeTensorsFuzz {
    /// Small enough to load for real (the layouts of the seeds).
    static let largestLoadedLayout = 1 << 16

    public static func run(_ data: UnsafeRawBufferPointer) {
        InputFile.with(data, name: "input.safetensors") { path in
            if let file = try? SafeTensorsFile(path: path) {
                var covered = 0
                for t in file.tensors {
                    guard file.tensor(t.name) == t else { violated("tensor \(t.name) not found by its name") }
                    guard t.end - t.begin == 4 * t.shape.reduce(1, *) else { violated("tensor \(t.name) size") }
                    guard let values = file.values(t.name), values.count == t.count else {
                        violated("tensor \(t.name) not read whole")
                    }
                    covered += 4 * values.count
                }
                guard covered == data.count - 8 - Int(headerLength(data)) else { violated("tensors do not cover the data") }
            }
            guard let checkpoint = try? Checkpoint.load(path: path) else { return }
            do {
                try checkpoint.check(config: checkpoint.config)
            } catch {
                violated("a checkpoint does not match its own configuration: \(error)")
            }
            _ = try? checkpoint.check(config: ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 8))
            // What Seq2Seq(config:) does with a configuration that validated.
            let layout = ParameterLayout(config: checkpoint.config)
            guard layout.count <= largestLoadedLayout else { return }
            var parameters = [Float](repeating: .nan, count: layout.count)
            parameters.withUnsafeMutableBufferPointer { buffer in
                _ = try? checkpoint.loadParameters(into: buffer.baseAddress!, layout: layout)
                if checkpoint.hasTensors(prefix: "adam.m.") {
                    _ = try? checkpoint.loadTensors(prefix: "adam.m.", into: buffer.baseAddress!, layout: layout)
                }
            }
        }
    }

    static func headerLength(_ data: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    }
}
