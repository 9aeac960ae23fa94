import S2SCore

/// s2s-prep's outputs while they are written, each under its temporary name
/// (`StagedOutput`), renamed into place together once all are written
/// (`StagedFiles`): a run that fails replaces nothing. On a full disk the
/// run goes on counting the bytes it would write, so that the error can say
/// how much room all the outputs need (`PrepDiskFull`).
final class PrepOutputs {
    private var outputs: [StagedOutput] = []

    /// A new output, written by the caller, to be finished before `commit`.
    func open(_ path: String) throws(FileError) -> StagedOutput {
        let output = try StagedOutput(path: path)
        outputs.append(output)
        return output
    }

    /// A whole output made in memory.
    func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let output = try open(path)
        try output.write(bytes, at: 0)
        try output.finish()
    }

    /// Renames every output into place, in the order they were opened, and
    /// returns their paths; or, when one did not fit, removes them all and
    /// throws `PrepDiskFull`.
    func commit() throws -> [String] {
        if let full = outputs.first(where: { $0.outOfSpace != nil }) {
            let sizes = outputs.map { (path: $0.path, size: $0.size) }
            discard()
            throw PrepDiskFull(file: full.path, outputs: sizes)
        }
        let staged = StagedFiles()
        for output in outputs { staged.stage(output) }
        try staged.commit()
        defer { outputs = [] }
        return outputs.map(\.path)
    }

    func discard() {
        for output in outputs { output.discard() }
        outputs = []
    }

    deinit { discard() }
}
