#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import S2SCore

/// One F32 tensor to write: its name, shape and a view of its `count` values
/// (row-major). The view must stay valid until the write returns.
public struct NamedTensor {
    public let name: String
    public let shape: [Int]
    public let data: UnsafePointer<Float>

    public init(name: String, shape: [Int], data: UnsafePointer<Float>) {
        self.name = name
        self.shape = shape
        self.data = data
    }

    public var count: Int { shape.reduce(1, *) }
}

/// The safetensors format, the one Python's `safetensors` reads. All
/// little-endian:
///
///     offset   size   field
///     0        8      UInt64 N, the header's length in bytes
///     8        N      UTF-8 JSON object, padded with spaces so that 8 + N is
///                     a multiple of 8:
///                     {"__metadata__": {"key": "value", ...},
///                      "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
///     8 + N    ..     the data section: each tensor's values at [begin, end)
///                     relative to its start, contiguous, no gaps
///
/// s2s writes and reads only F32 tensors; metadata values are strings.
public enum SafeTensors {
    /// Larger headers are refused (the limit of the reference implementation),
    /// so that a corrupt length cannot make the reader allocate gigabytes.
    public static let maximumHeaderSize = 100_000_000
    public static let metadataKey = "__metadata__"

    /// The file's bytes: tensors in the order given, metadata keys sorted, so
    /// the same state always gives the same bytes.
    public static func encode(tensors: [NamedTensor], metadata: [String: String] = [:]) -> [UInt8] {
        let head = header(tensors: tensors, metadata: metadata)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + tensors.reduce(0) { $0 + 4 * $1.count })
        out += head
        for t in tensors { appendData(t, to: &out) }
        return out
    }

    /// The 8-byte length and the JSON header (padded so that the data starts
    /// 8-aligned), for tensors laid out one after the other.
    static func header(tensors: [NamedTensor], metadata: [String: String]) -> [UInt8] {
        var header = "{"
        if !metadata.isEmpty {
            header += "\(jsonStringLiteral(metadataKey)):{"
            header += metadata.keys.sorted().map { "\(jsonStringLiteral($0)):\(jsonStringLiteral(metadata[$0]!))" }
                .joined(separator: ",")
            header += "}"
        }
        var names = Set<String>()
        var dataSize = 0
        for t in tensors {
            precondition(!t.name.isEmpty && t.name != metadataKey, "invalid tensor name \"\(t.name)\"")
            precondition(names.insert(t.name).inserted, "tensor \(t.name) written twice")
            precondition(t.shape.allSatisfy { $0 >= 0 }, "tensor \(t.name) has a negative dimension: \(t.shape)")
            let bytes = 4 * t.count
            if header.count > 1 { header += "," }
            header += "\(jsonStringLiteral(t.name)):{\"dtype\":\"F32\",\"shape\":["
                + t.shape.map(String.init).joined(separator: ",")
                + "],\"data_offsets\":[\(dataSize),\(dataSize + bytes)]}"
            dataSize += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        // Spaces after the JSON are whitespace to a JSON parser; they make the
        // data section start 8-aligned.
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        return out + headerBytes
    }

    /// A tensor's values as little-endian bytes.
    static func appendData(_ t: NamedTensor, to out: inout [UInt8]) {
        #if _endian(little)
        out.append(contentsOf: UnsafeRawBufferPointer(start: t.data, count: 4 * t.count))
        #else
        for k in 0..<t.count {
            withUnsafeBytes(of: t.data[k].bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
        #endif
    }

    /// Writes a safetensors file atomically (see `AtomicFile`).
    /// The tensors go from memory to the file one by one (the bytes of
    /// `encode`, never all in memory at once).
    public static func write(tensors: [NamedTensor], metadata: [String: String] = [:], to path: String) throws(FileError) {
        let head = header(tensors: tensors, metadata: metadata)
        try AtomicFile.write(to: path) { (sink: AtomicFile.Sink) throws(FileError) in
            try sink.write(head)
            for t in tensors {
                #if _endian(little)
                try sink.write(UnsafeRawBufferPointer(start: t.data, count: 4 * t.count))
                #else
                var bytes: [UInt8] = []
                appendData(t, to: &bytes)
                try sink.write(bytes)
                #endif
            }
        }
    }

}

/// A safetensors file opened for reading: memory-mapped, its header parsed
/// and validated once (every tensor F32, its shape matching its byte range,
/// the ranges tiling the data section exactly), so that readers can trust it.
/// Every defect is an `InputError` that names the file and the tensor.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct Tensor: Equatable, Sendable {
        public let name: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let begin: Int
        public let end: Int
        public var count: Int { (end - begin) / 4 }
    }

    public let path: String
    public let metadata: [String: String]
    /// In data order.
    public let tensors: [Tensor]
    private let index: [String: Int]
    private let file: MappedFile
    private let dataStart: Int

    static let corruptHint = "The file is truncated or not a safetensors checkpoint; use an earlier checkpoint or retrain"

    public init(path: String) throws(InputError) {
        let file = try MappedFile(path: path, minimumSize: 8, format: "a safetensors file",
                                  sizeNote: "it starts with an 8-byte header length", openHint: "Check the path",
                                  corruptHint: Self.corruptHint)
        let parsed = try Self.parse(file.bytes, path: path)
        self.path = path
        self.metadata = parsed.metadata
        self.tensors = parsed.tensors
        self.index = Dictionary(uniqueKeysWithValues: parsed.tensors.enumerated().map { ($1.name, $0) })
        self.file = file
        self.dataStart = parsed.dataStart
    }

    public func tensor(_ name: String) -> Tensor? { index[name].map { tensors[$0] } }

    /// Copies a tensor's `count` values into `destination`.
    public func copy(_ tensor: Tensor, into destination: UnsafeMutablePointer<Float>) {
        guard let base = file.base, tensor.count > 0 else { return }
        let source = base + dataStart + tensor.begin
        #if _endian(little)
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * tensor.count)
        #else
        for k in 0..<tensor.count {
            destination[k] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
        }
        #endif
        file.release(source, byteCount: 4 * tensor.count)
    }

    /// A tensor's values, or nil when the file has no tensor of that name.
    public func values(_ name: String) -> [Float]? {
        guard let t = tensor(name) else { return nil }
        return [Float](unsafeUninitializedCapacity: t.count) { buffer, initialized in
            if let p = buffer.baseAddress { copy(t, into: p) }
            initialized = t.count
        }
    }

    // MARK: Validation

    private static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(InputError)
        -> (metadata: [String: String], tensors: [Tensor], dataStart: Int)
    {
        func fail(_ problem: String, hint: String = corruptHint) -> InputError {
            InputError(file: path, problem: problem, hint: hint)
        }
        let size = bytes.count
        let declared = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard declared <= UInt64(SafeTensors.maximumHeaderSize) else {
            throw fail("declares a header of \(declared) bytes, more than the \(SafeTensors.maximumHeaderSize / 1_000_000) MB limit")
        }
        let headerSize = Int(declared)
        guard 8 + headerSize <= size else {
            throw fail("declares a header of \(headerSize) bytes but only \(size - 8) bytes follow the header length")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerSize)])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw fail("has a header that is not valid UTF-8")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
        } catch {
            throw fail("has a header that is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw fail("has a header that is not a JSON object")
        }

        var metadata: [String: String] = [:]
        if let raw = object[SafeTensors.metadataKey] {
            guard let entries = raw as? [String: Any] else {
                throw fail("has a \(SafeTensors.metadataKey) entry that is not a JSON object")
            }
            for key in entries.keys.sorted() {
                guard let value = entries[key] as? String else {
                    throw fail("has metadata \"\(key)\" whose value is not a string")
                }
                metadata[key] = value
            }
        }

        func count(_ value: Any?) -> Int? {
            guard let n = value as? Int, n >= 0 else { return nil }
            return n
        }
        func counts(_ value: Any?) -> [Int]? {
            guard let list = value as? [Any] else { return nil }
            var out: [Int] = []
            for v in list {
                guard let n = count(v) else { return nil }
                out.append(n)
            }
            return out
        }

        // Sorted by name so that the first defect reported does not depend on
        // the order of a dictionary.
        var tensors: [Tensor] = []
        for name in object.keys.sorted() where name != SafeTensors.metadataKey {
            guard let entry = object[name] as? [String: Any] else {
                throw fail("has a header entry for tensor \(name) that is not a JSON object")
            }
            guard let dtype = entry["dtype"] else { throw fail("has no dtype for tensor \(name)") }
            guard let rawShape = entry["shape"] else { throw fail("has no shape for tensor \(name)") }
            guard let rawOffsets = entry["data_offsets"] else { throw fail("has no data_offsets for tensor \(name)") }
            guard let dtypeName = dtype as? String else {
                throw fail("has a dtype for tensor \(name) that is not a string")
            }
            guard dtypeName == "F32" else {
                throw fail("has tensor \(name) with dtype \(dtypeName); s2s reads only F32 tensors",
                           hint: "Convert the checkpoint to float32 (e.g. in Python with safetensors and numpy: astype(numpy.float32))")
            }
            guard let shape = counts(rawShape) else {
                throw fail("has tensor \(name) with a shape that is not a list of non-negative integers")
            }
            guard let offsets = counts(rawOffsets), offsets.count == 2, offsets[0] <= offsets[1] else {
                throw fail("has tensor \(name) with data_offsets that are not two rising non-negative integers [begin, end]")
            }
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= Int.max / 4 else {
                    throw fail("has tensor \(name) with shape \(shape), too large to be real")
                }
                elements = product
            }
            guard 4 * elements == offsets[1] - offsets[0] else {
                throw fail("has tensor \(name) with shape \(shape) (\(4 * elements) bytes of F32) but data_offsets \(offsets) (\(offsets[1] - offsets[0]) bytes)")
            }
            tensors.append(Tensor(name: name, shape: shape, begin: offsets[0], end: offsets[1]))
        }

        // The byte ranges must tile the data section: no overlap, no gap,
        // nothing past the end, nothing left over.
        let dataStart = 8 + headerSize
        let dataSize = size - dataStart
        tensors.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        // Past the end first: a truncated file also leaves gaps and overlaps
        // that would be a less helpful thing to report.
        for t in tensors where t.end > dataSize {
            throw fail("has tensor \(t.name) at data bytes [\(t.begin), \(t.end)) but the data section has only \(dataSize) bytes: the file is truncated")
        }
        var covered = 0
        var previous: Tensor?
        for t in tensors {
            if t.begin < covered, let p = previous {
                throw fail("has tensors \(p.name) and \(t.name) whose data overlaps (bytes [\(p.begin), \(p.end)) and [\(t.begin), \(t.end)))")
            }
            guard t.begin == covered else {
                throw fail("has \(t.begin - covered) unused bytes before tensor \(t.name) (data bytes [\(covered), \(t.begin)))")
            }
            covered = t.end
            previous = t
        }
        guard covered == dataSize else {
            throw fail("has a data section of \(dataSize) bytes but its tensors cover only \(covered)")
        }
        return (metadata, tensors, dataStart)
    }
}
