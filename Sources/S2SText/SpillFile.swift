import S2SCore

/// A temporary file that one pass of s2s-prep writes for a later one, beside
/// the outputs under a temporary name (never renamed into place), removed
/// when its owner goes (or with a killed run's temporaries): `TokenSpill`,
/// `WordSpill`.
final class SpillFile {
    private let output: StagedOutput
    private var cursor: OutputCursor
    var path: String { output.path }
    /// Where the bytes are while the file is written.
    var temporary: String { output.temporary }

    init(path: String) throws(FileError) {
        output = try StagedOutput(path: path)
        cursor = OutputCursor(output)
    }

    func append(_ bytes: some Sequence<UInt8>) throws(FileError) { try cursor.append(bytes) }

    func append(littleEndian values: [UInt32]) throws(FileError) { try cursor.append(littleEndian: values) }

    /// Closes the file; false when it did not fit on the disk (the reader
    /// of the spill then makes its pairs again another way).
    func finish() throws(FileError) -> Bool {
        try cursor.flush()
        try output.finish()
        return output.outOfSpace == nil
    }

    deinit { output.discard() }
}
