import _S2STestSupport
import Foundation
import XCTest

/// s2s-serve's page in a real browser: Debian's chromium, headless, loads
/// /?q=…&pair=en-es (the page translates what the URL gives on load, as if
/// typed and submitted), and the test reads the translation and the
/// attention heatmap's cells from the DOM chromium dumps. Skipped, visibly,
/// where chromium is not installed (tools/setup.sh --test installs it).
final class ServePageBrowserTests: XCTestCase {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func testThePageTranslatesAndDrawsTheAttention() throws {
        guard let chromium = Self.chromium else { throw XCTSkip("chromium is not installed (tools/setup.sh --test installs it)") }
        let model = TranslateCommandTests.folder.appendingPathComponent("models/toy").path
        let server = try ServerProcess("s2s-serve", ["--model", model, "--source-lang", "en", "--target-lang", "es", "--threads", "1"])
        let url = "http://127.0.0.1:\(server.port)/?q=ba%20ce%20di%0Afo%20gu&pair=en-es&beam=3"
        let profile = TestPaths.temporaryFolder("chromium-profile").path
        let dom = try Self.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)",
                                          "--virtual-time-budget=20000", "--dump-dom", url], seconds: 90)
        XCTAssertTrue(dom.contains(#"data-ready="true""#), "the page did not finish: \(dom.prefix(2000))")
        // The lines as s2s-translate translates them with the page's beam.
        let reference = try Command.run("s2s-translate", ["--model", model, "--threads", "1", "--beam-size", "3"],
                                        stdin: "ba ce di\nfo gu\n")
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let expected = reference.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Self.matches(#"<p class="line[^"]*" data-line="\d+">([^<]*)</p>"#, in: dom), expected, dom)
        XCTAssertTrue(dom.contains(#"<option value="en-es">English → Spanish</option>"#), "the pair from /languages")
        XCTAssertEqual(Self.matches(#"<li><span class="score">(-?[0-9.]+)</span>"#, in: dom).count, 3, "the n-best of beam 3")
        // The heatmap: source subwords across, target down, a cell each.
        XCTAssertEqual(Self.matches(#"<thead><tr><th></th>(?:<th>[^<]*</th>)*</tr></thead>"#, in: dom, group: 0).count, 1)
        let across = Self.matches(#"<th>([a-z]+)</th>"#, in: Self.matches(#"<thead>(.*?)</thead>"#, in: dom).first ?? "")
        XCTAssertEqual(across, ["ba", "ce", "di"])
        let rows = Self.matches(#"<tr><th>([^<]*)</th>((?:<td [^>]*></td>)+)</tr>"#, in: dom, group: 2)
        let down = Self.matches(#"<tr><th>([^<]*)</th><td"#, in: dom)
        XCTAssertEqual(down, expected.first?.split(separator: " ").map(String.init), "the first line's target words")
        let weights = rows.map { Self.matches(#"data-weight="([0-9.]+)""#, in: $0).compactMap(Double.init) }
        XCTAssertEqual(weights.map(\.count), [3, 3, 3])
        // A reversal: target i attends to source 2 − i.
        for (i, row) in weights.enumerated() {
            XCTAssertEqual(row.firstIndex(of: row.max()!), 2 - i, "row \(i): \(row)")
            // The weights on the source's words (not its <EOS>): at most 1, nearly all of it.
            XCTAssertLessThanOrEqual(row.reduce(0, +), 1.001)
            XCTAssertGreaterThan(row.reduce(0, +), 0.9, "row \(i): \(row)")
        }
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// The first capture group (or `group`) of every match.
    static func matches(_ pattern: String, in text: String, group: Int = 1) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    /// Runs a tool, killed after `seconds`; its standard output.
    static func run(_ path: String, _ arguments: [String], seconds: Double) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return String(decoding: data, as: UTF8.self)
    }
}
