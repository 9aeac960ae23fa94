import _S2STestSupport
import Foundation
import S2SCore
import XCTest

/// s2s-prep at scale: the streaming preparation writes what the in-memory
/// one wrote, and its memory does not grow with the number of pairs.
final class PrepScaleTests: XCTestCase {
    /// FNV-1a of every output on the toy reverse corpus (prepared as
    /// `--corpus toy` from the folder above it), from s2s-prep before it
    /// streamed (commit c7d1830, which held the whole corpus in memory).
    static let inMemoryOutputs: [(arguments: [String], hashes: [String: UInt64])] = [
        (["--shared", "--write-text", "--bpe-merges", "50"], [
            "vocab/toy/bpe.codes": 0x9172b9d92acce993,
            "vocab/toy/prep.json": 0x6ee6d7a435e81a83,
            "vocab/toy/shortlist.tsv": 0x351b2fbdd17174a1,
            "vocab/toy/src.vocab": 0xd0042c74c3cb2bd9,
            "vocab/toy/tgt.vocab": 0xd0042c74c3cb2bd9,
            "data/toy/test.bpe.src": 0x2868fa10c07b82d4,
            "data/toy/test.bpe.tgt": 0xfb6a1eb80be29cd8,
            "data/toy/test.s2sb": 0xc44cfd11f6a73c98,
            "data/toy/train.bpe.src": 0x6d62276b936f9d17,
            "data/toy/train.bpe.tgt": 0xce0ae32def33056f,
            "data/toy/train.s2sb": 0x127cf0ba6d75b2b1,
            "data/toy/valid.bpe.src": 0x777c790e6915a94d,
            "data/toy/valid.bpe.tgt": 0xbde7e9d69749f3cd,
            "data/toy/valid.s2sb": 0x51dcb1126b54a630,
        ]),
        (["--bpe-merges", "0", "--max-len", "5", "--min-count", "2"], [
            "vocab/toy/bpe.codes": 0xaa35ce2bf5a87812,
            "vocab/toy/prep.json": 0x31a7b1cf41b55043,
            "vocab/toy/shortlist.tsv": 0xcdeb12340dea1939,
            "vocab/toy/src.vocab": 0x727b654caf346793,
            "vocab/toy/tgt.vocab": 0x727b654caf346793,
            "data/toy/test.s2sb": 0x1b462220246781c8,
            "data/toy/train.s2sb": 0x544e67b84d89726b,
            "data/toy/valid.s2sb": 0xf1387c2dfe7eb830,
        ]),
    ]

    func testOutputsAreTheBytesThatTheInMemoryPreparationWrote() throws {
        for (arguments, hashes) in Self.inMemoryOutputs {
            for threads in ["1", "3"] {
                let dir = TestPaths.temporaryFolder("s2s-prep-scale")
                try FileManager.default.copyItem(at: TestPaths.fixture("toy-reverse"), to: dir.appendingPathComponent("toy"))
                let r = try Command.run("s2s-prep", ["--corpus", "toy", "-q", "--threads", threads] + arguments, in: dir)
                XCTAssertEqual(r.status, 0, r.stderr)
                var written: [String] = []
                for folder in ["vocab/toy", "data/toy"] {
                    written += try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(folder).path)
                        .filter { !$0.hasPrefix(".") }.map { folder + "/" + $0 }
                }
                XCTAssertEqual(written.sorted(), hashes.keys.sorted(), "\(arguments)")
                for (name, hash) in hashes {
                    var data = try Data(contentsOf: dir.appendingPathComponent(name))
                    if name.hasSuffix("prep.json") { data = Self.withoutLaterFields(data) }
                    XCTAssertEqual(String(FNV1a64.hash(data), radix: 16), String(hash, radix: 16),
                                   "\(name) with \(arguments), --threads \(threads)")
                }
            }
        }
    }

    /// prep.json without the lines of the fields added after the pinned
    /// files were made (subwords per sentence, unknown rates), whose values
    /// the other outputs already hold.
    static func withoutLaterFields(_ data: Data) -> Data {
        let later = ["_subwords_per_sentence\"", "_unknown_rate\""]
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var kept = lines.filter { line in !later.contains { line.contains($0) } }.map(String.init)
        // The field before the removed ones ends the object now: no comma.
        for k in kept.indices.dropLast() where kept[k + 1].trimmingCharacters(in: .whitespaces).hasPrefix("}")
            && kept[k].hasSuffix(",") {
            kept[k].removeLast()
        }
        return Data(kept.joined(separator: "\n").utf8)
    }

    /// Peak memory with the toy training text 10 and 60 times over (20,000
    /// and 120,000 pairs, so 2 and 8 batches of 16,384): the in-memory
    /// preparation grew by about 126 MB between the two (50 MB to 176 MB);
    /// the streaming one holds one batch and the counts of distinct words,
    /// which the repetition does not change (it measured 41.9 and 42.5 MB).
    func testPeakMemoryDoesNotGrowWithThePairs() throws {
        var peaks: [Int] = []
        for copies in [10, 60] {
            let dir = TestPaths.temporaryFolder("s2s-prep-memory")
            let corpus = dir.appendingPathComponent("c")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            for side in ["src", "tgt"] {
                let text = try String(contentsOf: TestPaths.fixture("toy-reverse").appendingPathComponent("train.\(side)"), encoding: .utf8)
                try String(repeating: text, count: copies).write(to: corpus.appendingPathComponent("train.\(side)"),
                                                                 atomically: true, encoding: .utf8)
            }
            let r = try Command.runMeasuringMemory(
                "s2s-prep", ["--corpus", corpus.path, "--vocab-dir", dir.appendingPathComponent("vocab").path,
                             "--data-dir", dir.appendingPathComponent("data").path, "-q"],
                stdoutFile: dir.appendingPathComponent("out").path, stderrFile: dir.appendingPathComponent("err").path)
            XCTAssertEqual(r.status, 0, (try? String(contentsOf: dir.appendingPathComponent("err"), encoding: .utf8)) ?? "")
            peaks.append(r.peakBytes)
        }
        // 16 MB: a tenth of what 100,000 more pairs took in memory, and room
        // for the allocator's noise.
        XCTAssertLessThan(peaks[1] - peaks[0], 16 << 20, "peak RSS \(peaks[0] >> 20) MB at 20,000 pairs, \(peaks[1] >> 20) MB at 120,000")
    }

    /// The tokens spilled for the later passes live beside the outputs under
    /// temporary names: a run removes them, and those of a killed run.
    func testSpilledTokensAreRemovedWithAKilledRunsTemporaries() throws {
        let dir = TestPaths.temporaryFolder("s2s-prep-spill")
        try FileManager.default.copyItem(at: TestPaths.fixture("toy-reverse"), to: dir.appendingPathComponent("toy"))
        let data = dir.appendingPathComponent("data/toy")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for leftover in [".train.tokens.tmp-999999", ".train.s2sb.tmp-999999"] {
            try Data("left by a killed run".utf8).write(to: data.appendingPathComponent(leftover))
        }
        let r = try Command.run("s2s-prep", ["--corpus", "toy", "-q"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path).sorted(),
                       [FolderLock.fileName, "test.s2sb", "train.s2sb", "valid.s2sb"].sorted())
    }

    /// A corpus larger than the memory the process may have: the toy
    /// training text 200 times over (400,000 pairs) prepared under
    /// `prlimit --as` of 384 MB (RLIMIT_AS: all the address space, thread
    /// stacks and allocator arenas included). The in-memory preparation
    /// held about 1.3 KB a pair (176 MB at 120,000 pairs): over 500 MB here.
    func testACorpusLargerThanTheMemoryLimitIsPrepared() throws {
        let prlimit = "/usr/bin/prlimit"
        guard FileManager.default.isExecutableFile(atPath: prlimit) else {
            throw XCTSkip("no \(prlimit) on this machine (util-linux) to limit the memory with")
        }
        let dir = TestPaths.temporaryFolder("s2s-prep-limit")
        let corpus = dir.appendingPathComponent("c")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for side in ["src", "tgt"] {
            let text = try String(contentsOf: TestPaths.fixture("toy-reverse").appendingPathComponent("train.\(side)"), encoding: .utf8)
            try String(repeating: text, count: 200).write(to: corpus.appendingPathComponent("train.\(side)"),
                                                          atomically: true, encoding: .utf8)
        }
        let r = try Command.runTool(prlimit, [
            "--as=\(384 << 20)", Command.binDirectory.appendingPathComponent("s2s-prep").path,
            "--corpus", corpus.path, "--vocab-dir", dir.appendingPathComponent("vocab").path,
            "--data-dir", dir.appendingPathComponent("data").path, "--threads", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let manifest = try StableJSON.decoder().decode(
            PrepManifestFields.self, from: Data(contentsOf: dir.appendingPathComponent("vocab/c/prep.json")))
        XCTAssertEqual(manifest.splits["train"]?.pairs, 400_000)
    }
}

/// The part of prep.json this test reads.
private struct PrepManifestFields: Decodable {
    struct Split: Decodable { var pairs: Int }
    var splits: [String: Split]
}
