import _S2STestSupport
import Foundation
import S2SCore
import S2SKernels
import S2SSearch
import S2STranslation
import XCTest

/// `s2s-translate` run as a binary, on a toy reverse model trained once.
final class TranslateCommandTests: XCTestCase {
    static let folder = ToyModel.reverse(label: "s2s-translate", steps: 900, extra: ["--hidden-size", "128"])

    var model: String { Self.folder.appendingPathComponent("models/toy").path }

    func testLinesInLinesOutInOrder() throws {
        let sources = try String(contentsOf: TestPaths.fixture("toy-reverse/test.src"), encoding: .utf8)
            .split(separator: "\n").prefix(40).map(String.init)
        let input = ([sources[0], ""] + sources.dropFirst() + [""]).joined(separator: "\n") + "\n"
        let r = try Command.run("s2s-translate", ["--model", model, "--batch-size", "7"], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        var out = r.stdout.components(separatedBy: "\n")
        XCTAssertEqual(out.removeLast(), "")
        XCTAssertEqual(out.count, sources.count + 2)
        XCTAssertEqual(out[1], "", "an empty line gives an empty line")
        XCTAssertEqual(out.last, "")
        let translations = [out[0]] + out[2..<(out.count - 1)]
        let correct = zip(sources, translations).filter { s, t in
            s.split(separator: " ").reversed().joined(separator: " ") == t
        }.count
        XCTAssertGreaterThanOrEqual(correct, 34, "exact reversals out of 40:\n\(r.stdout)")
    }

    /// s2s-prep writes a lexical shortlist, s2s-train copies it, and
    /// --shortlist translates the toy task as well as the whole vocabulary
    /// does; without the file, --shortlist names it.
    func testShortlist() throws {
        let file = Self.folder.appendingPathComponent("models/toy/shortlist.tsv").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        let input = try String(contentsOf: TestPaths.fixture("toy-reverse/test.src"), encoding: .utf8)
            .split(separator: "\n").prefix(40).joined(separator: "\n") + "\n"
        let whole = try Command.run("s2s-translate", ["--model", model], stdin: input)
        let short = try Command.run("s2s-translate", ["--model", model, "--shortlist", "3", "--shortlist-frequent", "2"],
                                    stdin: input)
        XCTAssertEqual(short.status, 0, short.stderr)
        let same = zip(whole.stdout.split(separator: "\n"), short.stdout.split(separator: "\n")).filter { $0 == $1 }.count
        XCTAssertEqual(short.stdout.split(separator: "\n").count, 40)
        XCTAssertGreaterThanOrEqual(same, 36, "a reversal only moves the source's own symbols")
        let bare = TestPaths.temporaryFolder().appendingPathComponent("bare")
        try FileManager.default.copyItem(atPath: model, toPath: bare.path)
        try FileManager.default.removeItem(at: bare.appendingPathComponent("shortlist.tsv"))
        let missing = try Command.run("s2s-translate", ["--model", bare.path, "--shortlist", "10"], stdin: "ba ce\n")
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("\(bare.path)/shortlist.tsv: missing: this model folder has no lexical shortlist for --shortlist"),
                      missing.stderr)
    }

    func testBadUTF8IsAnErrorOrAnEmptyLine() throws {
        let input = Data("ba ce\n".utf8) + Data([0x62, 0xFF, 0x0A]) + Data("di fo\n".utf8)
        let strict = try run(["--model", model], input: input)
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertTrue(strict.stderr.contains("stdin:2: invalid UTF-8 (byte 0xFF at byte 2 of the line). Convert the input to UTF-8, or pass --skip-bad-lines"), strict.stderr)
        let lenient = try run(["--model", model, "--skip-bad-lines"], input: input)
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertEqual(lenient.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 4)  // 3 lines + final ""
        XCTAssertEqual(lenient.stdout.components(separatedBy: "\n")[1], "")
        XCTAssertTrue(lenient.stderr.contains("warning: stdin:2: invalid UTF-8 (byte 0xFF at byte 2 of the line); wrote an empty line"), lenient.stderr)
    }

    /// A line is answered before standard input is closed.
    func testStreamsLineByLine() throws {
        let process = Process()
        process.environment = Command.environment
        process.executableURL = Command.binDirectory.appendingPathComponent("s2s-translate")
        process.arguments = ["--model", model]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("ba ce di\n".utf8))
        let fd = output.fileHandleForReading.fileDescriptor
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, 20_000)
        XCTAssertEqual(ready, 1, "no translation within 20 s while stdin stayed open")
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, 256)
        XCTAssertGreaterThan(n, 0)
        XCTAssertTrue(String(decoding: buffer[0..<max(n, 0)], as: UTF8.self).hasSuffix("\n"))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testNBestWithScores() throws {
        let r = try Command.run("s2s-translate", ["--model", model, "--beam-size", "3", "--n-best", "3", "--print-scores"],
                                stdin: "ba ce di fo\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let scores = lines.map { Double($0.split(separator: "\t")[1])! }
        XCTAssertEqual(scores, scores.sorted(by: >))
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("1\t") })
    }

    /// --precision: both precisions translate the toy task alike; a bad
    /// value, or bfloat16 on a CPU without AVX512_BF16, is refused plainly.
    func testPrecision() throws {
        let input = "ba ce di fo\nfo di ce\nce ba\n"
        let exact = try Command.run("s2s-translate", ["--model", model, "--precision", "float32"], stdin: input)
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertEqual(exact.stdout, "fo di ce ba\nce di fo\nba ce\n")
        // Each reduced precision translates as float32 does, or is refused naming what the CPU lacks.
        for (precision, available, lacks) in [("bfloat16", CPUFeatures.current.contains(.bfloat16), "AVX512_BF16"),
                                              ("int8", CPUFeatures.current.contains(.vnni), "AVX512-VNNI")] {
            let r = try Command.run("s2s-translate", ["--model", model, "--precision", precision], stdin: input)
            if available {
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(r.stdout, exact.stdout, precision)
            } else {
                XCTAssertNotEqual(r.status, 0)
                XCTAssertTrue(r.stderr.contains("needs a CPU with \(lacks)"), r.stderr)
            }
        }
        let auto = try Command.run("s2s-translate", ["--model", model, "--show-plan"], stdin: input,
                                   environment: ["S2S_CACHE_DIR": TestPaths.temporaryFolder().path])
        XCTAssertEqual(auto.status, 0, auto.stderr)
        XCTAssertEqual(auto.stdout, exact.stdout)
        XCTAssertTrue(auto.stderr.contains("decoding plan (CPU: "), auto.stderr)
        XCTAssertTrue(auto.stderr.contains("output: "), auto.stderr)
        // AMX among the timed paths where the CPU has it; S2S_NO_AMX=1 leaves it out (the fallback a CPU
        // without AMX takes), translating the same.
        XCTAssertEqual(auto.stderr.contains("amx "), CPUFeatures.current.contains(.amx), auto.stderr)
        let noAMX = try Command.run("s2s-translate", ["--model", model, "--show-plan"], stdin: input,
                                    environment: ["S2S_CACHE_DIR": TestPaths.temporaryFolder().path, "S2S_NO_AMX": "1"])
        XCTAssertEqual(noAMX.status, 0, noAMX.stderr)
        XCTAssertEqual(noAMX.stdout, exact.stdout)
        XCTAssertTrue(noAMX.stderr.contains("output: "), noAMX.stderr)
        XCTAssertFalse(noAMX.stderr.contains("amx"), noAMX.stderr)
        let bad = try Command.run("s2s-translate", ["--model", model, "--precision", "half"], stdin: input)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("The value 'half' is invalid for '--precision <P>': expected float32, bfloat16, int8 or auto."), bad.stderr)
    }

    func testMissingModelFolderIsExplained() throws {
        let r = try Command.run("s2s-translate", ["--model", "/no/such/model"], stdin: "x\n")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("/no/such/model/model.safetensors"), r.stderr)
    }

    func run(_ args: [String], input: Data) throws -> Command.Result {
        let process = Process()
        process.environment = Command.environment
        process.executableURL = Command.binDirectory.appendingPathComponent("s2s-translate")
        process.arguments = args
        let i = Pipe(), o = Pipe(), e = Pipe()
        process.standardInput = i; process.standardOutput = o; process.standardError = e
        try process.run()
        i.fileHandleForWriting.write(input)
        try i.fileHandleForWriting.close()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Command.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                              stderr: String(decoding: err, as: UTF8.self))
    }

    func testPrintAlignmentAndAttentionHeatmaps() throws {
        let svgDir = TestPaths.temporaryFolder("att").path
        let r = try Command.run("s2s-translate", ["--model", model, "--print-alignment", "--attention-svg", svgDir],
                                stdin: "ba ce di\n\nfo gu\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].range(of: #"^.+ \|\|\| (\d+-\d+ ?)+$"#, options: .regularExpression) != nil, r.stdout)
        // Reversal: the first target word attends to the last source word.
        XCTAssertTrue(lines[0].hasSuffix("2-0 1-1 0-2"), r.stdout)
        for (name, word) in [("1.svg", ">ba<"), ("3.svg", ">fo<")] {
            let svg = try String(contentsOfFile: svgDir + "/" + name, encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains(word), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: svgDir + "/2.svg"), "an empty line has no heatmap")
    }

    /// <unk> is replaced by the source subword with the most attention (or
    /// its dictionary entry), source positions mapped back through reversal.
    func testUnknownReplacement() throws {
        var options = Translator.Options()
        options.replaceUnknown = true
        let translator = try Translator(modelFolder: model, options: options)
        let h = BeamSearch.Hypothesis(tokens: [1, 5, 1], logProbability: -1, score: -1,
                                      attention: [[0.1, 0.8, 0.1, 0], [1, 0, 0, 0], [0, 0, 0.9, 0.1]])
        let t = translator.translation(h, source: ["xx", "yy", "zz"])
        XCTAssertEqual(t.targetTokens[0], "yy")
        XCTAssertEqual(t.targetTokens[2], "zz")
        XCTAssertEqual(t.alignment.map { [$0.source, $0.target] }, [[1, 0], [0, 1], [2, 2]])
        translator.options.unknownDictionary = ["yy": "YY"]
        XCTAssertEqual(translator.translation(h, source: ["xx", "yy", "zz"]).targetTokens[0], "YY")
        translator.options.replaceUnknown = false
        XCTAssertEqual(translator.translation(h, source: ["xx", "yy", "zz"]).targetTokens[0], "<unk>")
    }

    func testSamplingIsSeeded() throws {
        let args = ["--model", model, "--sample", "--temperature", "1.5", "--seed", "7"]
        let a = try Command.run("s2s-translate", args, stdin: "ba ce di fo gu\nha je\n")
        let b = try Command.run("s2s-translate", args, stdin: "ba ce di fo gu\nha je\n")
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertEqual(a.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3)
    }

    /// An ensemble of a model with itself translates as the model alone;
    /// s2s-average writes a model that --weights loads.
    func testEnsembleAndAveraging() throws {
        let input = "ba ce di\nfo gu ha je\n"
        let single = try Command.run("s2s-translate", ["--model", model], stdin: input)
        let doubled = try Command.run("s2s-translate", ["--model", model, "--ensemble", model], stdin: input)
        XCTAssertEqual(doubled.status, 0, doubled.stderr)
        XCTAssertEqual(doubled.stdout, single.stdout)

        let avg = try Command.run("s2s-average", ["--model", model, "--last", "2", "--output", model + "/avg2.safetensors"])
        XCTAssertEqual(avg.status, 0, avg.stderr)
        XCTAssertTrue(avg.stderr.contains("averaged 2 checkpoints"), avg.stderr)
        let withAverage = try Command.run("s2s-translate", ["--model", model, "--weights", model + "/avg2.safetensors"],
                                          stdin: input)
        XCTAssertEqual(withAverage.status, 0, withAverage.stderr)
        XCTAssertEqual(withAverage.stdout.split(separator: "\n").count, 2)
    }

    /// A model folder whose vocabulary is not the one prep.json recorded is refused.
    func testMismatchedVocabularyIsRefused() throws {
        let copy = TestPaths.temporaryFolder("mixed").appendingPathComponent("toy")
        try FileManager.default.copyItem(atPath: model, toPath: copy.path)
        var lines = try String(contentsOf: copy.appendingPathComponent("tgt.vocab"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        lines.swapAt(4, 5)
        try AtomicFile.write(text: lines.joined(separator: "\n") + "\n", to: copy.appendingPathComponent("tgt.vocab").path)
        let r = try Command.run("s2s-translate", ["--model", copy.path], stdin: "ba\n")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("tgt.vocab: does not match prep.json"), r.stderr)
    }

    /// A line longer than the model's longest training source is cut at
    /// sentence ends, each piece translated, and the pieces joined into one
    /// output line.
    func testALongLineIsTranslatedSentenceBySentence() throws {
        // ICU ends a sentence after "!" whatever follows (after "." only
        // before a capital: "di. fo" is one sentence).
        let first = "ba ce di!", second = "fo ba ce!"
        let alone = try Command.run("s2s-translate", ["--model", model], stdin: first + "\n" + second + "\n")
        XCTAssertEqual(alone.status, 0, alone.stderr)
        let expected = alone.stdout.split(separator: "\n").joined(separator: " ")
        let split = try Command.run("s2s-translate", ["--model", model, "--max-source-tokens", "5"],
                                    stdin: "di\n" + first + " " + second + "\nfo\n")
        XCTAssertEqual(split.status, 0, split.stderr)
        let lines = split.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, split.stdout)  // three lines and the final newline
        XCTAssertEqual(String(lines[1]), expected)
        XCTAssertFalse(split.stderr.contains("warning"), "whole sentences fit: \(split.stderr)")
        // A sentence longer than the bound alone is cut into windows, with a warning naming the line.
        let windows = try Command.run("s2s-translate", ["--model", model, "--max-source-tokens", "2"], stdin: "di\nba ce di fo\n")
        XCTAssertEqual(windows.status, 0, windows.stderr)
        XCTAssertEqual(windows.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 3)
        XCTAssertTrue(windows.stderr.contains("warning: stdin:2: a sentence of more than 2 subwords was cut into windows of 2"),
                      windows.stderr)
    }

    /// --min-len above a line's length limit cannot be met (beam search
    /// stops at the limit): one warning names both numbers, not one a line.
    func testAMinimumLengthAboveTheLimitIsNamedOnce() throws {
        let r = try Command.run("s2s-translate", ["--model", model, "--min-len", "40", "--max-len-ratio", "1"],
                                stdin: "ba ce\nfo di\nba ce di fo ba ce di fo ba ce di fo ba ce di fo ba ce di fo ba ce di fo ba ce di fo ba ce di fo\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 4, r.stdout)
        XCTAssertTrue(r.stderr.contains("warning: stdin:1: --min-len 40 is above the length limit of 12 subwords for this line "
                                        + "(--max-len-ratio 1.0 × 2 source subwords + 10): translations stop at their limit (said once)"),
                      r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "--min-len").count - 1, 1, r.stderr)
        let below = try Command.run("s2s-translate", ["--model", model, "--min-len", "12", "--max-len-ratio", "1"], stdin: "ba ce\n")
        XCTAssertEqual(below.status, 0, below.stderr)
        XCTAssertFalse(below.stderr.contains("--min-len"), below.stderr)
    }

    /// A 1,000,000-character line: one output line, in time linear in its
    /// length and in memory that does not grow with it (it used to grow to
    /// 6.3 GB with no output after a minute).
    func testAMillionCharacterLineIsTranslatedInBoundedMemory() throws {
        let dir = TestPaths.temporaryFolder("s2s-long-line")
        let sentence = "And the Lord spoke unto Moses, saying: "
        var figures: [(seconds: Double, bytes: Int)] = []
        for length in [100_000, 1_000_000] {
            let long = String(String(repeating: sentence, count: length / sentence.count + 1).prefix(length))
            let input = dir.appendingPathComponent("in-\(length).txt").path
            try Data(("ba ce\n" + long + "\ndi fo\n").utf8).write(to: URL(fileURLWithPath: input))
            let out = dir.appendingPathComponent("out-\(length).txt").path, err = dir.appendingPathComponent("err-\(length).txt").path
            let start = Date()
            let r = try Command.runMeasuringMemory("s2s-translate", ["--model", model, "--input", input],
                                                   stdoutFile: out, stderrFile: err)
            figures.append((Date().timeIntervalSince(start), r.peakBytes))
            let stderr = try String(contentsOfFile: err, encoding: .utf8)
            XCTAssertEqual(r.status, 0, stderr)
            let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(lines.count, 4, "one line out per line in")
            XCTAssertEqual(lines[0], "ce ba")
            XCTAssertEqual(lines[2], "fo di")
            XCTAssertTrue(stderr.contains("warning: \(input):2: a sentence of more than 250 subwords was cut"), stderr)
        }
        let (small, large) = (figures[0], figures[1])
        XCTAssertLessThan(large.bytes, 1 << 30, "peak RSS under 1 GB")
        // What grows with the line is its text, tokens and output (~50 bytes a
        // character): 10× the line may not take much more than the smaller's peak.
        XCTAssertLessThan(Double(large.bytes), 1.5 * Double(small.bytes) + 64e6, "\(figures)")
        // Linear: 10× the text in well under 100× the time (startup included).
        XCTAssertLessThan(large.seconds, 30 * max(small.seconds, 0.05), "\(figures)")
        print("long line: 100k characters \(small), 1M characters \(large)")
    }

    /// A folder (or anything unreadable) as --input is an error, not an empty output.
    func testUnreadableInputIsAnError() throws {
        let r = try Command.run("s2s-translate", ["--model", model, "--input", NSTemporaryDirectory()])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot be read: Is a directory"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    /// A last line without a newline is translated once (and the input ends).
    func testALastLineWithoutNewline() throws {
        let r = try Command.run("s2s-translate", ["--model", model], stdin: "ba ce\r\ndi fo")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "ce ba\nfo di\n")
    }
}
