import _S2STestSupport
import Foundation
import XCTest

/// `s2s-serve` run as a binary on a free loopback port, over the toy
/// reverse model TranslateCommandTests trains: both APIs against
/// s2s-translate's own output, every bad request followed by a good one,
/// concurrent requests batched, SIGTERM finishing what is in flight.
final class ServeCommandTests: XCTestCase {
    var model: String { TranslateCommandTests.folder.appendingPathComponent("models/toy").path }
    static let lines = ["ba ce di", "fo gu", "ce ce ba di fo"]

    var arguments: [String] { ["--model", model, "--source-lang", "en", "--target-lang", "es", "--threads", "1"] }

    func start(_ extra: [String] = [], descriptorLimit: Int? = nil) throws -> ServerProcess {
        try ServerProcess("s2s-serve", arguments + extra, descriptorLimit: descriptorLimit)
    }

    /// A metric's value from GET /metrics (-1 when it is not there).
    func metric(_ name: String, _ port: Int) throws -> Double {
        let text = try HTTPTestClient.request(port: port, path: "/metrics").body
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? -1
    }

    func json(_ r: HTTPTestClient.Response) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(r.body.utf8))
    }

    func translateLocally(_ lines: [String], _ extra: [String] = []) throws -> [String] {
        let r = try Command.run("s2s-translate", ["--model", model, "--threads", "1"] + extra,
                                stdin: lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testBothAPIsGiveWhatTranslateGives() throws {
        let server = try start()
        let port = server.port
        let expected = try translateLocally(Self.lines)

        let health = try HTTPTestClient.request(port: port, path: "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.body, #"{"models":["en-es"],"status":"ready"}"#)
        let languages = try HTTPTestClient.request(port: port, path: "/languages")
        XCTAssertEqual(languages.body, #"[{"code":"en","name":"English","targets":["es"]},{"code":"es","name":"Spanish","targets":[]}]"#)

        let one = try HTTPTestClient.request(port: port, path: "/translate", json: #"{"q": "ba ce di", "source": "en", "target": "es"}"#)
        XCTAssertEqual(one.status, 200, one.body)
        XCTAssertEqual(one.headers["content-type"], "application/json")
        XCTAssertEqual(try json(one) as? [String: String], ["translatedText": expected[0]])
        XCTAssertEqual(expected[0], "di ce ba", "the toy model reverses")

        // An array, a text of several lines, the form and query encodings.
        let batch = try HTTPTestClient.request(port: port, path: "/translate",
                                               json: #"{"q": ["ba ce di", "fo gu\nce ce ba di fo"], "source": "en", "target": "es"}"#)
        XCTAssertEqual((try json(batch) as? [String: [String]])?["translatedText"], [expected[0], expected[1] + "\n" + expected[2]])
        let form = try HTTPTestClient.request(port: port, method: "POST", path: "/translate", contentType: "application/x-www-form-urlencoded",
                                              body: Array("q=fo+gu&source=en&target=es".utf8))
        XCTAssertEqual((try json(form) as? [String: String])?["translatedText"], expected[1])
        let query = try HTTPTestClient.request(port: port, method: "POST", path: "/translate?q=fo%20gu&source=auto&target=es")
        XCTAssertEqual((try json(query) as? [String: String])?["translatedText"], expected[1], query.body)

        // Alternatives: the n-best of s2s-translate.
        let nBest = try translateLocally(["ba ce di"], ["--n-best", "3"]).map { String($0.split(separator: "\t")[1]) }
        let alternatives = try HTTPTestClient.request(port: port, path: "/translate",
                                                      json: #"{"q": "ba ce di", "source": "en", "target": "es", "alternatives": 2}"#)
        let a = try json(alternatives) as? [String: Any]
        XCTAssertEqual(a?["translatedText"] as? String, nBest[0])
        XCTAssertEqual(a?["alternatives"] as? [String], Array(nBest[1...2]))

        // Native: n-best with scores, subwords, alignment and attention.
        let native = try HTTPTestClient.request(port: port, path: "/v1/translate",
                                                json: #"{"q": "ba ce di", "source": "en", "target": "es", "n_best": 2, "beam_size": 3, "attention": true}"#)
        XCTAssertEqual(native.status, 200, native.body)
        let body = try json(native) as? [String: Any]
        XCTAssertEqual(body?["source"] as? String, "en")
        let line = ((body?["translations"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])?.first
        XCTAssertEqual(line?["source_tokens"] as? [String], ["ba", "ce", "di"])
        let hypotheses = line?["nbest"] as? [[String: Any]] ?? []
        XCTAssertEqual(hypotheses.count, 2)
        XCTAssertEqual(hypotheses.first?["text"] as? String, expected[0])
        let scores = hypotheses.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores.count, 2)
        XCTAssertGreaterThanOrEqual(scores[0], scores[1])
        let attention = hypotheses[0]["attention"] as? [[Double]] ?? []
        XCTAssertEqual(attention.count, 3, "a row per target subword")
        XCTAssertTrue(attention.allSatisfy { $0.count == 3 && $0.allSatisfy { (0...1).contains($0) } })
        // A reversal attends across: "di" (target 0) to source 2, "ba" (target 2) to source 0.
        XCTAssertEqual(attention[0].firstIndex(of: attention[0].max()!), 2)
        XCTAssertEqual(attention[2].firstIndex(of: attention[2].max()!), 0)
        let alignment = hypotheses[0]["alignment"] as? [[Int]] ?? []
        XCTAssertEqual(alignment.first, [2, 0])

        // Metrics count what was done.
        let metrics = try HTTPTestClient.request(port: port, path: "/metrics").body
        XCTAssertTrue(metrics.contains(#"s2s_requests_total{api="libretranslate",status="200"} 5"#), metrics)
        XCTAssertTrue(metrics.contains(#"s2s_requests_total{api="native",status="200"} 1"#), metrics)
        XCTAssertTrue(metrics.contains("s2s_sentences_total 8"), metrics)
        XCTAssertTrue(metrics.contains("s2s_queue_sentences 0.0"), metrics)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// Each bad request gets its status and a JSON error naming the field;
    /// the server then still answers a good request.
    func testEveryBadRequestThenAGoodOne() throws {
        let server = try start(["--max-body-bytes", "400", "--max-sentences", "3", "--max-sentence-characters", "40"])
        let port = server.port
        let cases: [(String, String?, [UInt8], Int, String?)] = [
            ("/translate", "application/json", Array(#"{"q": "ba", "source": "#.utf8), 400, "body"),
            ("/translate", "application/json", Array(#"{"q": ""#.utf8) + [0xC3, 0x28] + Array(#"", "source": "en", "target": "es"}"#.utf8), 400, "body"),
            ("/translate", "application/json", Array(#"{"source": "en", "target": "es"}"#.utf8), 400, "q"),
            ("/translate", "application/json", Array(#"{"q": ["ba", 3], "source": "en", "target": "es"}"#.utf8), 400, "q"),
            ("/translate", "application/json", Array(#"{"q": "ba", "source": "en", "target": "fr"}"#.utf8), 400, "target"),
            ("/translate", "application/json", Array(#"{"q": "ba", "source": "de", "target": "es"}"#.utf8), 400, "source"),
            ("/translate", "application/json", Array(#"{"q": "ba", "source": "en", "target": "es", "alternatives": "x"}"#.utf8), 400, "alternatives"),
            ("/translate", "application/json", Array(#"{"q": "ba", "source": "en", "target": "es", "format": "html"}"#.utf8), 400, "format"),
            ("/translate", "application/x-www-form-urlencoded", Array("q=%E2%28&source=en&target=es".utf8), 400, "q"),
            ("/v1/translate", "application/json", Array(#"{"q": "ba", "source": "en", "target": "es", "beam_size": 99}"#.utf8), 400, "beam_size"),
            ("/translate", "application/json", Array(#"{"q": "\#(String(repeating: "ba ", count: 200))", "source": "en", "target": "es"}"#.utf8), 413, "body"),
            ("/translate", "application/json", Array(#"{"q": ["ba", "ce", "di", "fo"], "source": "en", "target": "es"}"#.utf8), 413, "q"),
            ("/translate", "application/json", Array(#"{"q": "\#(String(repeating: "ba ", count: 20))", "source": "en", "target": "es"}"#.utf8), 413, "q"),
        ]
        for (path, type, body, status, field) in cases {
            let r = try HTTPTestClient.request(port: port, method: "POST", path: path, contentType: type, body: body)
            let text = String(decoding: body, as: UTF8.self)
            XCTAssertEqual(r.status, status, "\(text) → \(r.body)")
            let error = try? json(r) as? [String: String]
            XCTAssertEqual(error?["field"], field, "\(text) → \(r.body)")
            XCTAssertFalse(error?["error"]?.isEmpty ?? true, r.body)
        }
        XCTAssertEqual(try HTTPTestClient.request(port: port, path: "/nowhere").status, 404)
        // A connection that sends half a request and goes away.
        let fd = try HTTPTestClient.connect(port: port)
        HTTPTestClient.send(fd, Array("POST /translate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"q\":".utf8))
        close(fd)
        let good = try HTTPTestClient.request(port: port, path: "/translate", json: #"{"q": "ba ce di", "source": "en", "target": "es"}"#)
        XCTAssertEqual(good.status, 200, good.body)
        XCTAssertEqual(try json(good) as? [String: String], ["translatedText": "di ce ba"])
        let metrics = try HTTPTestClient.request(port: port, path: "/metrics").body
        XCTAssertTrue(metrics.contains(#"s2s_errors_total{kind="bad_request"} 10"#), metrics)
        XCTAssertTrue(metrics.contains(#"s2s_errors_total{kind="too_large"} 3"#), metrics)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// A client that sends a long request and goes away (a reset: a FIN
    /// alone is a half-close, and the client may still read): its lines not
    /// yet searched never are, and the server answers the next client. (The
    /// toy model searches ~8,000 lines a second a line at a time: 40,000
    /// leave seconds for the server to see the client go.)
    func testAClientThatGoesAwayCostsNoMore() throws {
        let lines = 40_000
        let server = try start(["--batch-size", "1", "--max-sentences", "\(lines)", "--max-queued-sentences", "\(lines)"])
        let port = server.port
        let body = Array(JSONValueText.request((0..<lines).map { Self.lines[$0 % 3] }).utf8)
        let fd = try HTTPTestClient.connect(port: port)
        HTTPTestClient.send(fd, Array("POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        for _ in 0..<500 where try metric("s2s_batch_sentences_count", port) == 0 { usleep(2000) }
        HTTPTestClient.reset(fd)
        var metrics = ""
        for _ in 0..<500 {
            metrics = try HTTPTestClient.request(port: port, path: "/metrics").body
            if metrics.contains(#"s2s_errors_total{kind="cancelled"} 1"#) { break }
            usleep(5000)
        }
        XCTAssertTrue(metrics.contains(#"s2s_errors_total{kind="cancelled"} 1"#), metrics)
        let good = try HTTPTestClient.request(port: port, path: "/translate", json: #"{"q": "ba ce di", "source": "en", "target": "es"}"#)
        XCTAssertEqual(good.status, 200)
        metrics = try HTTPTestClient.request(port: port, path: "/metrics").body
        let searched = try metric("s2s_batch_sentences_sum", port)
        XCTAssertLessThan(searched, Double(lines), "lines of the request whose client left were searched")
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// A client that half-closes after its request (shutdown(SHUT_WR), as
    /// some HTTP/1.0 clients and load balancers do) is still reading: it
    /// gets its translation, every time. (Lines wait 50 ms for company, so
    /// the half-close arrives while they wait.)
    func testAClientThatHalfClosesGetsItsAnswer() throws {
        let server = try start(["--batch-wait-ms", "50"])
        let sources = (0..<12).map { Self.lines[$0 % 3] }
        let expected = try translateLocally(sources)
        let body = Array(JSONValueText.request(sources).utf8)
        for attempt in 0..<5 {
            let fd = try HTTPTestClient.connect(port: server.port, seconds: 30)
            defer { close(fd) }
            HTTPTestClient.send(fd, Array("POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            XCTAssertEqual(shutdown(fd, Int32(SHUT_WR)), 0)
            let r = try HTTPTestClient.read(fd)
            XCTAssertEqual(r.status, 200, "attempt \(attempt): \(r.body)")
            XCTAssertEqual((try json(r) as? [String: [String]])?["translatedText"], expected, "attempt \(attempt)")
        }
        let metrics = try HTTPTestClient.request(port: server.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains(#"s2s_requests_total{api="libretranslate",status="200"} 5"#), metrics)
        XCTAssertFalse(metrics.contains(#"kind="cancelled""#), metrics)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// 300 connections that send half a head and stop, to a server started
    /// with a soft descriptor limit of 128: it raises the limit to the hard
    /// one, answers a normal request at once, and closes each half-sent
    /// connection at --header-timeout (2 s from its opening).
    func testHalfSentRequestsTimeOutAndHoldUpNoOne() throws {
        var own = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &own)
        try XCTSkipIf(own.rlim_max < 1024 || own.rlim_cur < 700, "the descriptor limits (\(own.rlim_cur) soft, \(own.rlim_max) hard) leave no room for 300 connections on both sides")
        let server = try start(["--header-timeout", "2"], descriptorLimit: 128)
        let port = server.port
        let limits = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/limits", encoding: .utf8)
        let files = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }?.split(separator: " ") ?? []
        XCTAssertEqual(files.count, 6, limits)
        XCTAssertEqual(files.dropFirst(3).first, files.dropFirst(4).first, "the soft descriptor limit raised to the hard one: \(limits)")

        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        let opened = Date()
        for _ in 0..<300 {
            let fd = try HTTPTestClient.connect(port: port, seconds: 10)
            idle.append(fd)
            HTTPTestClient.send(fd, Array("POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le".utf8))
        }
        let lastOpened = Date().timeIntervalSince(opened)
        let asked = Date()
        let good = try HTTPTestClient.request(port: port, path: "/translate", json: #"{"q": "ba ce di", "source": "en", "target": "es"}"#, seconds: 2)
        XCTAssertEqual(try json(good) as? [String: String], ["translatedText": "di ce ba"])
        XCTAssertLessThan(Date().timeIntervalSince(asked), 2)

        let waited = Date().timeIntervalSince(opened)
        let closed = HTTPTestClient.closeTimes(idle, within: 10).map { $0.map { $0 + waited } }
        XCTAssertEqual(closed.filter { $0 == nil }.count, 0, "half-sent connections still open 10 s later")
        let times = closed.compactMap { $0 }
        // Each at 2 s from its own opening (all opened within lastOpened s).
        XCTAssertGreaterThanOrEqual(times.min() ?? 0, 1.5)
        XCTAssertLessThan(times.max() ?? .infinity, lastOpened + 2 + 3)
        XCTAssertEqual(try metric(#"s2s_connections_dropped_total{reason="header_timeout"}"#, port), 300)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// Each phase has its timeout, counted from its start and not renewed
    /// by a trickle of bytes: a half-sent head, a head sent a byte at a
    /// time, half a body and a kept-alive connection left idle after its
    /// answer are each closed 2 s after their phase began.
    func testEachTimeoutClosesItsConnection() throws {
        let server = try start(["--header-timeout", "2", "--body-timeout", "2", "--idle-timeout", "2"])
        let port = server.port
        let request = Array(#"{"q": "ba ce di", "source": "en", "target": "es"}"#.utf8)
        let head = "POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(request.count)\r\n\r\n"
        let halfHead = try HTTPTestClient.connect(port: port, seconds: 10)
        let trickle = try HTTPTestClient.connect(port: port, seconds: 10)
        let halfBody = try HTTPTestClient.connect(port: port, seconds: 10)
        let kept = try HTTPTestClient.connect(port: port, seconds: 10)
        let fds = [halfHead, trickle, halfBody, kept]
        defer { fds.forEach { close($0) } }
        let start = Date()
        HTTPTestClient.send(halfHead, Array(head.utf8.prefix(20)))
        HTTPTestClient.send(halfBody, Array(head.utf8) + request.prefix(10))
        HTTPTestClient.send(kept, Array(head.utf8) + request)
        let answer = try HTTPTestClient.read(kept)
        XCTAssertEqual(try json(answer) as? [String: String], ["translatedText": "di ce ba"])
        let answered = Date().timeIntervalSince(start)
        // A byte of the head every 100 ms, for up to 6 s or until closed.
        var closed = [Double?](repeating: nil, count: fds.count)
        for byte in head.utf8.prefix(60) where closed[1] == nil {
            HTTPTestClient.send(trickle, [byte])
            let seen = HTTPTestClient.closeTimes(fds, within: 0.1)
            let now = Date().timeIntervalSince(start)
            for i in fds.indices where closed[i] == nil && seen[i] != nil { closed[i] = now }
        }
        let now = Date().timeIntervalSince(start)
        let rest = HTTPTestClient.closeTimes(fds.indices.filter { closed[$0] == nil }.map { fds[$0] }, within: 6)
        for (i, t) in zip(fds.indices.filter { closed[$0] == nil }, rest) { closed[i] = t.map { $0 + now } }
        for (i, name) in ["half a head", "a trickled head", "half a body"].enumerated() {
            XCTAssertGreaterThanOrEqual(closed[i] ?? 0, 1.5, name)
            XCTAssertLessThan(closed[i] ?? .infinity, 2 + 2, name)
        }
        XCTAssertGreaterThanOrEqual(closed[3] ?? 0, answered + 1.5, "the kept-alive connection")
        XCTAssertLessThan(closed[3] ?? .infinity, answered + 2 + 2, "the kept-alive connection")
        XCTAssertEqual(try metric(#"s2s_connections_dropped_total{reason="header_timeout"}"#, port), 2)
        XCTAssertEqual(try metric(#"s2s_connections_dropped_total{reason="body_timeout"}"#, port), 1)
        XCTAssertEqual(try metric(#"s2s_connections_dropped_total{reason="idle_timeout"}"#, port), 1)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// With --max-connections 3 open, a fourth connection is closed at
    /// once; once two of the three go, a request is answered.
    func testConnectionsBeyondTheMaximumAreClosed() throws {
        let server = try start(["--max-connections", "3", "--header-timeout", "60"])
        let port = server.port
        var open = try (0..<3).map { _ in try HTTPTestClient.connect(port: port, seconds: 10) }
        defer { open.forEach { close($0) } }
        for fd in open { HTTPTestClient.send(fd, Array("GET /health HTTP/1.1\r\nHo".utf8)) }
        usleep(200_000)  // the server has accepted the three
        let fourth = try HTTPTestClient.connect(port: port, seconds: 10)
        defer { close(fourth) }
        let refused = HTTPTestClient.closeTimes([fourth], within: 5)[0]
        XCTAssertLessThan(refused ?? .infinity, 1, "a connection over the maximum is closed at once")
        XCTAssertEqual(HTTPTestClient.closeTimes(open, within: 0.2).compactMap { $0 }, [], "the three are kept")
        close(open.removeLast())
        close(open.removeLast())
        // Until the server has seen them close, a new connection may still be refused.
        var health: HTTPTestClient.Response?
        var refusedAgain = 0
        for _ in 0..<50 where health == nil {
            health = try? HTTPTestClient.request(port: port, path: "/health", seconds: 5)
            if health == nil { refusedAgain += 1; usleep(100_000) }
        }
        XCTAssertEqual(health?.status, 200)
        XCTAssertEqual(try metric(#"s2s_connections_dropped_total{reason="over_limit"}"#, port), Double(1 + refusedAgain))
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// A port another process listens on: the error names it and says what
    /// to do; no NIO message, no backtrace.
    func testAPortInUseIsNamed() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        XCTAssertTrue(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let r = try ServerProcess.runToExit("s2s-serve", arguments + ["--host", "127.0.0.1", "--port", "\(port)"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("127.0.0.1:\(port) is already in use (another s2s-serve?); choose another with --port, or --port 0 for any free one"), r.stderr)
        XCTAssertFalse(r.stderr.contains("bind(descriptor"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Stack dump") || r.stderr.contains("Fatal error"), r.stderr)
    }

    /// A full queue answers 503 with Retry-After while it is full.
    func testAFullQueueAnswers503() throws {
        let server = try start(["--batch-size", "1", "--max-queued-sentences", "400", "--max-sentences", "400"])
        let port = server.port
        let many = (0..<400).map { _ in Self.lines[2] }
        let body = JSONValueText.request(many)
        let first = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var firstStatus = 0
        DispatchQueue.global().async {
            firstStatus = (try? HTTPTestClient.request(port: port, path: "/translate", json: body))?.status ?? -1
            first.signal()
        }
        // Wait until its lines wait, then ask for as many again.
        var refused: HTTPTestClient.Response?
        for _ in 0..<500 {
            if try metric("s2s_queue_sentences", port) == 0 { usleep(2000); continue }
            refused = try HTTPTestClient.request(port: port, path: "/translate", json: body)
            break
        }
        XCTAssertEqual(refused?.status, 503, refused?.body ?? "the queue never filled")
        XCTAssertEqual(refused?.headers["retry-after"], "1")
        first.wait()
        XCTAssertEqual(firstStatus, 200)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// Concurrent one-line requests share batches and each gets its own answer.
    func testConcurrentRequestsAreBatched() throws {
        let server = try start(["--batch-wait-ms", "200", "--batch-size", "16"])
        let port = server.port
        let sources = (0..<16).map { Self.lines[$0 % 3] }
        let expected = try translateLocally(sources)
        // A batch of 16 first: the queue then waits (up to 200 ms) for as much company.
        let warm = try HTTPTestClient.request(port: port, path: "/translate", json: JSONValueText.request(sources))
        XCTAssertEqual(warm.status, 200)
        XCTAssertEqual(try metric("s2s_batch_sentences_count", port), 1)
        nonisolated(unsafe) var answers = [String](repeating: "", count: 16)
        // A thread each (concurrentPerform would run only as many as there are cores).
        let group = DispatchGroup()
        let lock = NSLock()
        for i in 0..<16 {
            group.enter()
            Thread {
                let r = try? HTTPTestClient.request(port: port, path: "/translate", json: JSONValueText.request([sources[i]], batch: false))
                let text = (r.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: String] })?["translatedText"]
                lock.lock(); answers[i] = text ?? "failed"; lock.unlock()
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(answers, expected)
        let batches = try metric("s2s_batch_sentences_count", port) - 1
        XCTAssertLessThanOrEqual(batches, 4, "16 concurrent lines in a few batches")
        XCTAssertEqual(try metric("s2s_batch_sentences_sum", port), 32)
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    /// SIGTERM: what is in flight is answered, then the server exits 0.
    func testSIGTERMFinishesWhatIsInFlight() throws {
        let server = try start(["--batch-size", "4"])
        let port = server.port
        let many = (0..<120).map { Self.lines[$0 % 3] }
        nonisolated(unsafe) var answer: HTTPTestClient.Response?
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            answer = try? HTTPTestClient.request(port: port, path: "/translate", json: JSONValueText.request(many))
            done.signal()
        }
        for _ in 0..<500 where try metric("s2s_batch_sentences_count", port) == 0 { usleep(2000) }
        server.process.terminate()
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(answer?.status, 200)
        let translated = (answer.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: [String]] })?["translatedText"]
        XCTAssertEqual(translated?.count, 120)
        XCTAssertEqual(server.wait(seconds: 60), 0, server.stderr)
        XCTAssertThrowsError(try HTTPTestClient.request(port: port, path: "/health"), "nothing listens after the exit")
    }

    /// Two model folders side by side, each under the pair its prep.json
    /// names; a long line is cut and joined as s2s-translate does it.
    func testModelsSideBySideAndLongLines() throws {
        let root = TestPaths.temporaryFolder("s2s-serve-pairs")
        var folders: [String] = []
        for (name, source, target) in [("en-es", "en", "es"), ("es-en", "es", "en")] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.copyItem(atPath: model, toPath: folder.path)
            let file = folder.appendingPathComponent("prep.json")
            var prep = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            prep["source_language"] = source
            prep["target_language"] = target
            try JSONSerialization.data(withJSONObject: prep).write(to: file)
            folders.append(folder.path)
        }
        let server = try ServerProcess("s2s-serve", ["--model", folders[0], "--model", folders[1], "--threads", "1",
                                                     "--max-source-tokens", "3"])
        let port = server.port
        let languages = try HTTPTestClient.request(port: port, path: "/languages")
        XCTAssertEqual(languages.body, #"[{"code":"en","name":"English","targets":["es"]},{"code":"es","name":"Spanish","targets":["en"]}]"#)
        let long = "ba ce di. fo gu ba ce"
        let expected = try translateLocally([long], ["--max-source-tokens", "3"])
        for (source, target) in [("en", "es"), ("es", "en")] {
            let r = try HTTPTestClient.request(port: port, path: "/translate",
                                               json: #"{"q": "\#(long)", "source": "\#(source)", "target": "\#(target)"}"#)
            XCTAssertEqual(try json(r) as? [String: String], ["translatedText": expected[0]], r.body)
        }
        let auto = try HTTPTestClient.request(port: port, path: "/translate", json: #"{"q": "ba", "source": "auto", "target": "es"}"#)
        XCTAssertEqual(auto.status, 200, "one model translates into es: auto is en")
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }

    func testAModelWithoutLanguagesNeedsThem() throws {
        let r = try Command.run("s2s-serve", ["--model", model, "--port", "0"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(model)/prep.json: names no source language. Give s2s-serve --source-lang"), r.stderr)
        let bad = try Command.run("s2s-serve", ["--model", model, "--source-lang", "english"])
        XCTAssertTrue(bad.stderr.contains("--source-lang: 'english' is not an ISO 639-1 language code"), bad.stderr)
    }

    func testTimeoutsAndConnectionsAreValidated() throws {
        for (flag, value) in [("--header-timeout", "0"), ("--body-timeout", "-1"), ("--idle-timeout", "nan"), ("--idle-timeout", "100000")] {
            let r = try Command.run("s2s-serve", arguments + [flag, value])
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(flag) must be a number of seconds above 0 and at most 86400 (a day), not "), r.stderr)
        }
        let r = try Command.run("s2s-serve", arguments + ["--max-connections", "0"])
        XCTAssertTrue(r.stderr.contains("--max-connections must be at least 1, not 0."), r.stderr)
    }

    func testServesThePage() throws {
        let server = try start()
        let page = try HTTPTestClient.request(port: server.port, path: "/")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(page.body.contains(#"<table id="heatmap">"#))
        let script = try HTTPTestClient.request(port: server.port, path: "/page.js")
        XCTAssertTrue(script.body.contains("/v1/translate"))
        XCTAssertEqual(server.terminate(), 0, server.stderr)
    }
}

/// Request bodies for the tests.
enum JSONValueText {
    static func request(_ lines: [String], batch: Bool = true) -> String {
        let q = batch ? "[" + lines.map { "\"\($0)\"" }.joined(separator: ",") + "]" : "\"\(lines[0])\""
        return #"{"q": \#(q), "source": "en", "target": "es"}"#
    }
}
