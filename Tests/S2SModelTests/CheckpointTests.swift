import _S2STestSupport
import Foundation
import S2SCore
import S2SKernels
import S2SModel
import XCTest

final class CheckpointTests: XCTestCase {
    /// V 7/8, E 3, H 4, 2 layers, bidirectional, concat attention: every kind
    /// of tensor the layout has, in a few hundred values.
    static let config: ModelConfig = {
        var c = ModelConfig(sourceVocabularySize: 7, targetVocabularySize: 8)
        c.embeddingSize = 3
        c.hiddenSize = 4
        c.layers = 2
        c.bidirectional = true
        c.attention = .concat
        return c
    }()

    /// A parameter buffer laid out by `layout`, each value distinct, with
    /// −0, ∞ and a NaN with a payload first: a round trip must keep bits.
    static func parameters(_ layout: ParameterLayout) -> Arena<Float> {
        let arena = Arena<Float>(capacity: layout.count)
        for k in 0..<layout.count {
            arena.base[k] = Float(bitPattern: 0x3C00_0000 &+ UInt32(k) &* 7919)
        }
        arena.base[0] = -0.0
        arena.base[1] = .infinity
        arena.base[2] = Float(bitPattern: 0x7FC0_1234)
        return arena
    }

    /// Bit patterns of every tensor of `layout` in `buffer` (padding between
    /// tensors left out). Takes the arena, not its pointer, to keep it alive.
    static func bits(_ buffer: Arena<Float>, _ layout: ParameterLayout) -> [String: [UInt32]] {
        var out: [String: [UInt32]] = [:]
        for e in layout.entries {
            out[e.name] = (0..<e.count).map { buffer.base[e.offset + $0].bitPattern }
        }
        return out
    }

    /// A valid checkpoint of `config` (parameters, Adam moments, metadata).
    func writeCheckpoint(_ config: ModelConfig = CheckpointTests.config, to path: String) throws {
        let layout = ParameterLayout(config: config)
        let params = Self.parameters(layout)
        let m = Arena<Float>(capacity: layout.count)
        for k in 0..<layout.count { m.base[k] = -Float(k) }
        try Checkpoint.save(path: path, config: config, layout: layout, parameters: params.base,
                            extra: Checkpoint.tensors(of: layout, in: m.base, prefix: "adam.m."),
                            metadata: ["step": "12"])
        withExtendedLifetime((params, m)) {}
    }

    func temporaryFile(_ name: String = "model.safetensors") -> String {
        TestPaths.temporaryFolder().appendingPathComponent(name).path
    }

    func assertLoadFails(_ path: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Checkpoint.load(path: path), file: file, line: line) { error in
            XCTAssertTrue(error is InputError, "\(type(of: error))", file: file, line: line)
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    /// Rewrites a file's JSON header (unpadded) and keeps its data section.
    func editHeader(_ path: String, _ edit: (inout [String: Any]) -> Void) throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        edit(&header)
        let json = try Array(JSONSerialization.data(withJSONObject: header))
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        try AtomicFile.write(out + json + bytes[(8 + n)...], to: path)
    }

    func setField(_ tensor: String, _ key: String, _ value: Any?) -> (inout [String: Any]) -> Void {
        { header in
            var entry = header[tensor] as! [String: Any]
            entry[key] = value
            header[tensor] = entry
        }
    }

    // MARK: Round trip

    func testRoundTripIsBitwise() throws {
        let path = temporaryFile()
        let layout = ParameterLayout(config: Self.config)
        let params = Self.parameters(layout)
        let m = Arena<Float>(capacity: layout.count), v = Arena<Float>(capacity: layout.count)
        for k in 0..<layout.count {
            m.base[k] = Float(k) * -0.25
            v.base[k] = Float(k) * 1e-7
        }
        var schedule: [Float] = [0.5, 1.5, -2.5]
        let metadata = ["step": "1200", "rng": "0123456789abcdef", "cursor": "{\"epoch\": 3, \"batch\": 17}",
                        "quote\"and\\backslash\nnewline": "ünï\u{1}côdé"]
        try schedule.withUnsafeBufferPointer { s in
            try Checkpoint.save(
                path: path, config: Self.config, layout: layout, parameters: params.base,
                extra: Checkpoint.tensors(of: layout, in: m.base, prefix: "adam.m.")
                    + Checkpoint.tensors(of: layout, in: v.base, prefix: "adam.v.")
                    + [NamedTensor(name: "adam.schedule", shape: [3], data: s.baseAddress!)],
                metadata: metadata)
        }

        let checkpoint = try Checkpoint.load(path: path)
        XCTAssertEqual(checkpoint.config, Self.config)
        try checkpoint.check(config: Self.config)
        for (key, value) in metadata { XCTAssertEqual(checkpoint.metadata[key], value, key) }
        XCTAssertEqual(checkpoint.metadata["format"], "s2s-checkpoint/1")
        XCTAssertEqual(checkpoint.metadata["s2s.config"], Checkpoint.configJSON(Self.config))
        XCTAssertTrue(checkpoint.metadata["s2s.config"]!.contains("\"hidden_size\":4"))
        XCTAssertEqual(checkpoint.file.tensors.count, 3 * layout.entries.count + 1)

        let loaded = Arena<Float>(capacity: layout.count)
        loaded.base.update(repeating: 42, count: layout.count)
        try checkpoint.loadParameters(into: loaded.base, layout: layout)
        XCTAssertEqual(Self.bits(loaded, layout), Self.bits(params, layout))
        XCTAssertEqual(loaded.base[2].bitPattern, 0x7FC0_1234)
        XCTAssertEqual(loaded.base[0].sign, .minus)

        XCTAssertTrue(checkpoint.hasTensors(prefix: "adam.m."))
        XCTAssertFalse(checkpoint.hasTensors(prefix: "sgd."))
        try checkpoint.loadTensors(prefix: "adam.m.", into: loaded.base, layout: layout)
        XCTAssertEqual(Self.bits(loaded, layout), Self.bits(m, layout))
        try checkpoint.loadTensors(prefix: "adam.v.", into: loaded.base, layout: layout)
        XCTAssertEqual(Self.bits(loaded, layout), Self.bits(v, layout))
        XCTAssertEqual(checkpoint.file.values("adam.schedule"), schedule)
        XCTAssertEqual(checkpoint.file.tensor("adam.schedule")?.shape, [3])
        XCTAssertNil(checkpoint.file.values("adam.nothing"))
        schedule[0] = 0  // the file holds a copy
        XCTAssertEqual(checkpoint.file.values("adam.schedule"), [0.5, 1.5, -2.5])

        // The same state gives the same bytes.
        let first = temporaryFile(), second = temporaryFile()
        for path in [first, second] {
            try Checkpoint.save(path: path, config: Self.config, layout: layout, parameters: params.base,
                                metadata: metadata)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first)),
                       try Data(contentsOf: URL(fileURLWithPath: second)))
        withExtendedLifetime((params, m, v, loaded)) {}
    }

    func testSaveIsAtomicAndLeavesNoTemporaryFile() throws {
        let folder = TestPaths.temporaryFolder()
        let path = folder.appendingPathComponent("checkpoints/step-1.safetensors").path
        try writeCheckpoint(to: path)
        try writeCheckpoint(to: path)  // over an existing one
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path)
        XCTAssertEqual(names, ["step-1.safetensors"])
        XCTAssertNoThrow(try Checkpoint.load(path: path))
    }

    /// One tensor [2] = [1, 2], worked out by hand. The header
    ///     {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
    /// is 54 bytes, padded with 2 spaces to 56 so that the data starts at
    /// 8 + 56 = 64; 1.0 is 0x3F800000 and 2.0 is 0x40000000, little-endian.
    func testByteLayoutOfATinyFile() throws {
        let values: [Float] = [1, 2]
        let bytes = values.withUnsafeBufferPointer {
            SafeTensors.encode(tensors: [NamedTensor(name: "x", shape: [2], data: $0.baseAddress!)])
        }
        XCTAssertEqual(bytes.count, 72)
        XCTAssertEqual(Array(bytes[0..<8]), [56, 0, 0, 0, 0, 0, 0, 0])
        let header = String(decoding: bytes[8..<64], as: UTF8.self)
        XCTAssertEqual(header, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<64])) as? [String: Any])
        let x = try XCTUnwrap(json["x"] as? [String: Any])
        XCTAssertEqual(x["dtype"] as? String, "F32")
        XCTAssertEqual(x["shape"] as? [Int], [2])
        XCTAssertEqual(x["data_offsets"] as? [Int], [0, 8])
        XCTAssertEqual((8 + 56) % 8, 0)
        XCTAssertEqual(Array(bytes[64...]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40])

        // Metadata comes first, keys sorted, strings escaped; still 8-aligned.
        let withMetadata = values.withUnsafeBufferPointer {
            SafeTensors.encode(tensors: [NamedTensor(name: "x", shape: [2], data: $0.baseAddress!)],
                               metadata: ["b": "2", "a": "say \"hi\""])
        }
        let n = Int(withMetadata[0])
        XCTAssertEqual((8 + n) % 8, 0)
        XCTAssertTrue(String(decoding: withMetadata[8..<(8 + n)], as: UTF8.self)
            .hasPrefix("{\"__metadata__\":{\"a\":\"say \\\"hi\\\"\",\"b\":\"2\"},\"x\":"))

        // And it reads back.
        let path = temporaryFile("x.safetensors")
        try AtomicFile.write(withMetadata, to: path)

        // SafeTensors.write streams the same bytes, tensor by tensor.
        let streamed = temporaryFile("y.safetensors")
        let more: [Float] = [3, -4, 5.5]
        try values.withUnsafeBufferPointer { x in
            try more.withUnsafeBufferPointer { y in
                let tensors = [NamedTensor(name: "x", shape: [2], data: x.baseAddress!),
                               NamedTensor(name: "y", shape: [3, 1], data: y.baseAddress!)]
                try SafeTensors.write(tensors: tensors, metadata: ["k": "v"], to: streamed)
                XCTAssertEqual(Array(try XCTUnwrap(FileManager.default.contents(atPath: streamed))),
                               SafeTensors.encode(tensors: tensors, metadata: ["k": "v"]))
            }
        }
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.values("x"), [1, 2])
        XCTAssertEqual(file.metadata, ["a": "say \"hi\"", "b": "2"])
    }

    /// Other writers need not pad the header: the data may start anywhere.
    func testReadsAnUnpaddedHeader() throws {
        let path = temporaryFile()
        try writeCheckpoint(to: path)
        try editHeader(path) { $0["__metadata__"] = ($0["__metadata__"] as! [String: Any]).merging(["x": "y"]) { a, _ in a } }
        let n = try Array(Data(contentsOf: URL(fileURLWithPath: path)).prefix(8))
        XCTAssertNotEqual((8 + Int(n[0]) + Int(n[1]) << 8) % 4, 0, "the edit should leave the data unaligned")
        let checkpoint = try Checkpoint.load(path: path)
        XCTAssertEqual(checkpoint.metadata["x"], "y")
        let layout = ParameterLayout(config: Self.config)
        let loaded = Arena<Float>(capacity: layout.count)
        try checkpoint.loadParameters(into: loaded.base, layout: layout)
        XCTAssertEqual(Self.bits(loaded, layout), Self.bits(Self.parameters(layout), layout))
    }

    // MARK: Corrupt files

    static let hint = "The file is truncated or not a safetensors checkpoint; use an earlier checkpoint or retrain"

    func testTruncatedFile() throws {
        let path = temporaryFile()
        try writeCheckpoint(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try AtomicFile.write(bytes.dropLast(6), to: path)
        let dataSize = try SafeTensorsFileProbe.dataSize(bytes) - 6
        // The last tensor in data order is the last one written.
        let layout = ParameterLayout(config: Self.config)
        let last = "adam.m." + layout.entries.last!.name
        let begin = dataSize + 6 - 4 * layout.entries.last!.count
        assertLoadFails(path, "\(path): has tensor \(last) at data bytes [\(begin), \(dataSize + 6)) but the data section has only \(dataSize) bytes: the file is truncated. \(Self.hint)")

        try AtomicFile.write(bytes.prefix(5), to: path)
        assertLoadFails(path, "\(path): is 5 bytes, too short for a safetensors file (it starts with an 8-byte header length). \(Self.hint)")
        try AtomicFile.write(bytes.prefix(100), to: path)
        let n = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        assertLoadFails(path, "\(path): declares a header of \(n) bytes but only 92 bytes follow the header length. \(Self.hint)")
        try AtomicFile.write([UInt8](), to: path)
        assertLoadFails(path, "\(path): is 0 bytes, too short for a safetensors file (it starts with an 8-byte header length). \(Self.hint)")
    }

    func testCorruptHeaderLength() throws {
        let path = temporaryFile()
        try writeCheckpoint(to: path)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // Flipping the top bit: an absurd length.
        bytes[7] ^= 0x80
        try AtomicFile.write(bytes, to: path)
        let n = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        assertLoadFails(path, "\(path): declares a header of \(n) bytes, more than the 100 MB limit. \(Self.hint)")
        // Under the limit but past the end of the file.
        bytes[7] ^= 0x80
        bytes[3] = 0x01
        try AtomicFile.write(bytes, to: path)
        XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("bytes follow the header length"), "\(error)")
        }
        // A shorter length cuts the JSON.
        bytes[3] = 0
        withUnsafeBytes(of: (n ^ (1 << 63) - 16).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        try AtomicFile.write(bytes, to: path)
        assertLoadFails(path, "\(path): has a header that is not valid JSON. \(Self.hint)")
    }

    func testHeaderThatIsNotJSONOrNotAnObject() throws {
        let path = temporaryFile()
        for (json, problem) in [
            ("{\"x\": {\"dtype\": ", "is not valid JSON"),
            ("garbage", "is not valid JSON"),
            ("[1, 2, 3]", "is not a JSON object"),
            ("\"just a string\"", "is not valid JSON"),  // not a container: rejected by the parser
        ] {
            var bytes: [UInt8] = []
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes += $0 }
            try AtomicFile.write(bytes + Array(json.utf8), to: path)
            assertLoadFails(path, "\(path): has a header that \(problem). \(Self.hint)")
        }
        var bytes: [UInt8] = [4, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0xFE, 0x7D]
        try AtomicFile.write(bytes, to: path)
        assertLoadFails(path, "\(path): has a header that is not valid UTF-8. \(Self.hint)")
        bytes = [2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]  // {} : no tensors, no metadata
        try AtomicFile.write(bytes, to: path)
        assertLoadFails(path, "\(path): is a safetensors file but not an s2s checkpoint (no \"format\" metadata). Use a checkpoint written by s2s-train")
    }

    func testTensorEntryDefects() throws {
        let path = temporaryFile()
        let name = "decoder.l0.W"
        let cases: [((inout [String: Any]) -> Void, String)] = [
            (setField(name, "dtype", "F16"),
             "has tensor decoder.l0.W with dtype F16; s2s reads only F32 tensors. Convert the checkpoint to float32 (e.g. in Python with safetensors and numpy: astype(numpy.float32))"),
            (setField(name, "dtype", nil), "has no dtype for tensor decoder.l0.W. \(Self.hint)"),
            (setField(name, "shape", nil), "has no shape for tensor decoder.l0.W. \(Self.hint)"),
            (setField(name, "data_offsets", nil), "has no data_offsets for tensor decoder.l0.W. \(Self.hint)"),
            (setField(name, "shape", [7, 4]),  // really [3 + 4, 16]
             "has tensor decoder.l0.W with shape [7, 4] (112 bytes of F32) but data_offsets [\(try offsets(name).0), \(try offsets(name).1)] (448 bytes). \(Self.hint)"),
            (setField(name, "shape", [-7, 16]),
             "has tensor decoder.l0.W with a shape that is not a list of non-negative integers. \(Self.hint)"),
            (setField(name, "shape", [7.5, 16]),
             "has tensor decoder.l0.W with a shape that is not a list of non-negative integers. \(Self.hint)"),
            (setField(name, "shape", [1 << 40, 1 << 40]),
             "has tensor decoder.l0.W with shape [\(1 << 40), \(1 << 40)], too large to be real. \(Self.hint)"),
            (setField(name, "data_offsets", [8, 4]),
             "has tensor decoder.l0.W with data_offsets that are not two rising non-negative integers [begin, end]. \(Self.hint)"),
            (setField(name, "data_offsets", "0-448"),
             "has tensor decoder.l0.W with data_offsets that are not two rising non-negative integers [begin, end]. \(Self.hint)"),
            ({ $0[name] = [1, 2] }, "has a header entry for tensor decoder.l0.W that is not a JSON object. \(Self.hint)"),
            ({ $0["__metadata__"] = ["step": 12] }, "has metadata \"step\" whose value is not a string. \(Self.hint)"),
            ({ $0["__metadata__"] = "step 12" }, "has a __metadata__ entry that is not a JSON object. \(Self.hint)"),
        ]
        for (edit, problem) in cases {
            try writeCheckpoint(to: path)
            try editHeader(path, edit)
            assertLoadFails(path, "\(path): \(problem)")
        }
    }

    /// The byte range of a tensor in a fresh checkpoint of `config`.
    func offsets(_ name: String) throws -> (Int, Int) {
        let path = temporaryFile()
        try writeCheckpoint(to: path)
        let t = try XCTUnwrap(SafeTensorsFile(path: path).tensor(name))
        return (t.begin, t.end)
    }

    func testOffsetsThatDoNotTileTheDataSection() throws {
        let path = temporaryFile()
        let (b0, e0) = try offsets("decoder.l0.W"), (b1, e1) = try offsets("decoder.l0.U")
        XCTAssertEqual(e0, b1)
        // U's range moved onto W's (shapes set to keep the sizes consistent).
        try writeCheckpoint(to: path)
        try editHeader(path, setField("decoder.l0.U", "data_offsets", [b0 + 4, b0 + 4 + (e1 - b1)]))
        assertLoadFails(path, "\(path): has tensors decoder.l0.W and decoder.l0.U whose data overlaps (bytes [\(b0), \(e0)) and [\(b0 + 4), \(b0 + 4 + e1 - b1))). \(Self.hint)")

        // A tensor dropped from the header leaves its bytes unaccounted for.
        try writeCheckpoint(to: path)
        try editHeader(path) { $0["decoder.l0.W"] = nil }
        assertLoadFails(path, "\(path): has \(e0 - b0) unused bytes before tensor decoder.l0.U (data bytes [\(b0), \(b1))). \(Self.hint)")

        // Bytes after the last tensor.
        try writeCheckpoint(to: path)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let dataSize = try SafeTensorsFileProbe.dataSize(Data(bytes))
        bytes += [0, 0, 0, 0]
        try AtomicFile.write(bytes, to: path)
        assertLoadFails(path, "\(path): has a data section of \(dataSize + 4) bytes but its tensors cover only \(dataSize). \(Self.hint)")

        // Past the end, though the file is long enough.
        try writeCheckpoint(to: path)
        try editHeader(path, setField("output.b", "data_offsets", [dataSize, dataSize + 32]))
        assertLoadFails(path, "\(path): has tensor output.b at data bytes [\(dataSize), \(dataSize + 32)) but the data section has only \(dataSize) bytes: the file is truncated. \(Self.hint)")
    }

    // MARK: Checkpoints that do not fit the model

    func testMissingAndUnexpectedAndMisshapenTensors() throws {
        let path = temporaryFile()
        let layout = ParameterLayout(config: Self.config)
        let params = Self.parameters(layout)

        // A checkpoint without attention.v.
        var fewer = ParameterLayout()
        for e in layout.entries where e.name != "attention.v" { fewer.add(e.name, e.shape) }
        try Checkpoint.save(path: path, config: Self.config, layout: fewer, parameters: params.base)
        let target = Arena<Float>(capacity: layout.count)
        target.base.update(repeating: 7, count: layout.count)
        XCTAssertThrowsError(try Checkpoint.load(path: path).loadParameters(into: target.base, layout: layout)) { error in
            XCTAssertEqual("\(error)", "\(path): has no tensor attention.v, which the model needs: it was trained with another configuration. Load it with the configuration stored in it (s2s.config), or train a new model")
        }
        XCTAssertTrue((0..<layout.count).allSatisfy { target.base[$0] == 7 }, "a failed load must not write")

        // A checkpoint with a third decoder layer.
        var more = layout
        more.add("decoder.l2.W", [4, 16])
        let big = Arena<Float>(capacity: more.count)
        try Checkpoint.save(path: path, config: Self.config, layout: more, parameters: big.base)
        XCTAssertThrowsError(try Checkpoint.load(path: path).loadParameters(into: target.base, layout: layout)) { error in
            XCTAssertEqual("\(error)", "\(path): has a tensor decoder.l2.W [4, 16] that the model does not have: it was trained with another configuration. Load it with the configuration stored in it (s2s.config), or train a new model")
        }

        // Another target vocabulary: output.W and output.b change shape.
        var other = Self.config
        other.targetVocabularySize = 9
        try writeCheckpoint(to: path)
        let otherLayout = ParameterLayout(config: other)
        let otherTarget = Arena<Float>(capacity: otherLayout.count)
        XCTAssertThrowsError(try Checkpoint.load(path: path).loadParameters(into: otherTarget.base, layout: otherLayout)) { error in
            XCTAssertEqual("\(error)", "\(path): has decoder.embedding with shape [8, 3] but the model expects [9, 3]: it was trained with another configuration. Load it with the configuration stored in it (s2s.config), or train a new model")
        }
        // Adam moments missing for a resume.
        try Checkpoint.save(path: path, config: Self.config, layout: layout, parameters: params.base)
        XCTAssertThrowsError(try Checkpoint.load(path: path).loadTensors(prefix: "adam.v.", into: target.base, layout: layout)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): has no tensor adam.v.encoder.embedding, which the model needs"), "\(error)")
        }
        withExtendedLifetime((params, big, target, otherTarget)) {}
    }

    func testWrongConfiguration() throws {
        let path = temporaryFile()
        try writeCheckpoint(to: path)
        var other = Self.config
        other.hiddenSize = 8
        other.attention = .general
        let checkpoint = try Checkpoint.load(path: path)
        XCTAssertThrowsError(try checkpoint.check(config: other)) { error in
            XCTAssertEqual("\(error)", "\(path): was trained with another configuration: hidden_size is 4 (the model expects 8), attention is concat (the model expects general). Load it with the configuration stored in it (s2s.config), or train a new model")
        }
        XCTAssertNoThrow(try checkpoint.check(config: Self.config))
    }

    func testBadFormatOrConfigMetadata() throws {
        let path = temporaryFile()
        func metadata(_ edit: @escaping (inout [String: Any]) -> Void) throws {
            try writeCheckpoint(to: path)
            try editHeader(path) { header in
                var m = header["__metadata__"] as! [String: Any]
                edit(&m)
                header["__metadata__"] = m
            }
        }
        try metadata { $0["format"] = "s2s-checkpoint/2" }
        assertLoadFails(path, "\(path): has checkpoint format s2s-checkpoint/2; this s2s reads s2s-checkpoint/1. Use the s2s version that wrote it, or retrain")
        try metadata { $0["s2s.config"] = nil }
        assertLoadFails(path, "\(path): has no s2s.config metadata (the model configuration). \(Self.hint)")
        try metadata { $0["s2s.config"] = "{\"hidden_size\": 4}" }
        XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path): has s2s.config metadata that is not a model configuration (no key "), "\(error)")
        }
        try metadata { $0["s2s.config"] = "not json" }
        assertLoadFails(path, "\(path): has s2s.config metadata that is not a model configuration (not valid JSON). \(Self.hint)")
        var invalid = Self.config
        invalid.hiddenSize = 5  // odd with a bidirectional encoder
        try metadata { $0["s2s.config"] = Checkpoint.configJSON(invalid) }
        assertLoadFails(path, "\(path): has an invalid s2s.config: hidden_size: must be even with a bidirectional encoder (each direction gets half), is 5. \(Self.hint)")
    }

    func testMissingFile() {
        assertLoadFails("/no/such/model.safetensors", "/no/such/model.safetensors: cannot open: No such file or directory. Check the path")
    }

    func testFolderIsNotACheckpoint() throws {
        let folder = TestPaths.temporaryFolder().appendingPathComponent("model.safetensors").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        assertLoadFails(folder, "\(folder): is not a regular file. Check the path")
    }

    // MARK: Python's safetensors (tools/check/safetensors-python.sh)

    /// Flat index k holds k/1000 (Adam's m: −k/1000, v: k/10⁶). With
    /// S2S_CHECKPOINT_OUT set, writes the checkpoint there and the expected
    /// bit patterns to OUT.expected.json for the Python check to compare.
    func testWritesFileForPython() throws {
        let out = ProcessInfo.processInfo.environment["S2S_CHECKPOINT_OUT"]
        let path = out ?? temporaryFile("python.safetensors")
        let layout = ParameterLayout(config: Self.config)
        let p = Arena<Float>(capacity: layout.count), m = Arena<Float>(capacity: layout.count),
            v = Arena<Float>(capacity: layout.count)
        for k in 0..<layout.count {
            p.base[k] = Float(k) / 1000
            m.base[k] = -Float(k) / 1000
            v.base[k] = Float(k) / 1_000_000
        }
        let metadata = ["step": "42", "rng": "9e3779b97f4a7c15"]
        try Checkpoint.save(path: path, config: Self.config, layout: layout, parameters: p.base,
                            extra: Checkpoint.tensors(of: layout, in: m.base, prefix: "adam.m.")
                                + Checkpoint.tensors(of: layout, in: v.base, prefix: "adam.v."),
                            metadata: metadata)

        var expected: [String: Any] = [:]
        for (prefix, buffer) in [("", p), ("adam.m.", m), ("adam.v.", v)] {
            for e in layout.entries {
                expected[prefix + e.name] = ["shape": e.shape,
                                             "bits": (0..<e.count).map { Int(buffer.base[e.offset + $0].bitPattern) }]
            }
        }
        let json = try JSONSerialization.data(
            withJSONObject: ["tensors": expected, "metadata": metadata, "config": Checkpoint.configJSON(Self.config)],
            options: [.sortedKeys])
        try AtomicFile.write(Array(json), to: path + ".expected.json")

        try checkAgainstExpected(path)
    }

    /// Loads a file that Python's safetensors wrote (its own tensor order and
    /// padding) from the one above and compares bit patterns: by default the
    /// copy in Tests/Fixtures/python-safetensors/ that
    /// tools/check/safetensors-python.sh made; with S2S_CHECKPOINT_IN set, that file.
    func testReadsFileFromPython() throws {
        let env = ProcessInfo.processInfo.environment
        let fixture = TestPaths.fixture("python-safetensors")
        let path = env["S2S_CHECKPOINT_IN"] ?? fixture.appendingPathComponent("checkpoint.safetensors").path
        let expectedPath = env["S2S_CHECKPOINT_EXPECTED"] ?? fixture.appendingPathComponent("expected.json").path
        try checkAgainstExpected(path, expected: expectedPath)
    }

    func checkAgainstExpected(_ path: String, expected expectedPath: String? = nil) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: expectedPath ?? path + ".expected.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tensors = try XCTUnwrap(expected["tensors"] as? [String: [String: Any]])
        let checkpoint = try Checkpoint.load(path: path)
        try checkpoint.check(config: Self.config)
        for (key, value) in try XCTUnwrap(expected["metadata"] as? [String: String]) {
            XCTAssertEqual(checkpoint.metadata[key], value, key)
        }
        let layout = ParameterLayout(config: checkpoint.config)
        let buffer = Arena<Float>(capacity: layout.count)
        try checkpoint.loadParameters(into: buffer.base, layout: layout)
        var values = 0
        for prefix in ["", "adam.m.", "adam.v."] {
            try checkpoint.loadTensors(prefix: prefix, into: buffer.base, layout: layout)
            for e in layout.entries {
                let want = try XCTUnwrap(tensors[prefix + e.name]?["bits"] as? [Int], prefix + e.name)
                let got = (0..<e.count).map { Int(buffer.base[e.offset + $0].bitPattern) }
                XCTAssertEqual(got, want, prefix + e.name)
                values += got.count
            }
        }
        XCTAssertEqual(checkpoint.file.tensors.count, tensors.count)
        print("checkpoint \(path): \(checkpoint.file.tensors.count) tensors, \(values) values match")
    }
}

/// Reads the data section's size straight from a file's bytes.
enum SafeTensorsFileProbe {
    static func dataSize(_ bytes: Data) throws -> Int {
        let b = Array(bytes)
        let n = Int(b[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        return b.count - 8 - n
    }
}
