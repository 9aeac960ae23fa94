import S2SCore

/// Appends bytes at a place in a `StagedOutput`, through a buffer written
/// out when it fills: a region of a file (a shard's ids) or a whole text
/// file written in order, in bounded memory.
struct OutputCursor {
    static let bufferSize = 1 << 20

    let output: StagedOutput
    /// Where the buffer's first byte goes in the file.
    private(set) var position: Int
    private var buffer: [UInt8] = []

    init(_ output: StagedOutput, at position: Int = 0) {
        self.output = output
        self.position = position
        buffer.reserveCapacity(Self.bufferSize)
    }

    mutating func append(_ bytes: some Sequence<UInt8>) throws(FileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    mutating func append<T: FixedWidthInteger>(littleEndian value: T) throws(FileError) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// The values one after the other, each little-endian.
    mutating func append<T: FixedWidthInteger>(littleEndian values: [T]) throws(FileError) {
        let ordered = T(1).littleEndian == 1 ? values : values.map(\.littleEndian)
        ordered.withUnsafeBytes { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.bufferSize { try flush() }
    }

    mutating func flush() throws(FileError) {
        try output.write(buffer, at: position)
        position += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
