import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a loopback TCP socket, for the server's
/// end-to-end tests: exact bytes out (malformed requests included), the
/// status, headers and body back. Every call is bounded in time.
public enum HTTPTestClient {
    public struct Response {
        public var status: Int
        public var headers: [String: String]  // names lowercased
        public var body: String
    }

    public enum Failure: Error, CustomStringConvertible {
        case connect(Int32), timeout, malformed(String)
        public var description: String {
            switch self {
            case .connect(let e): "cannot connect: \(String(cString: strerror(e)))"
            case .timeout: "no complete answer in time"
            case .malformed(let s): "not an HTTP answer: \(s.prefix(200))"
            }
        }
    }

    /// Connects to 127.0.0.1:`port` (bounded by `seconds` for every read and write).
    public static func connect(port: Int, seconds: Int = 60) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 { let e = errno; close(fd); throw Failure.connect(e) }
        return fd
    }

    /// Sends `bytes` whole.
    public static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Closes with a reset (RST) rather than a FIN: SO_LINGER {1, 0}, then close.
    public static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
    }

    /// When the server closed each of `fds` (it read the end or a reset),
    /// in seconds from the call; nil for those still open after `seconds`.
    /// What the server sends before closing is read and dropped.
    public static func closeTimes(_ fds: [Int32], within seconds: Double) -> [Double?] {
        let start = Date()
        var times = [Double?](repeating: nil, count: fds.count)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while times.contains(where: { $0 == nil }) && Date().timeIntervalSince(start) < seconds {
            var polled = fds.indices.filter { times[$0] == nil }.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), 50) > 0 else { continue }
            for p in polled where p.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { recv(p.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                    times[fds.firstIndex(of: p.fd)!] = Date().timeIntervalSince(start)
                }
            }
        }
        return times
    }

    /// A request with `Connection: close`; the answer read to the end.
    public static func request(port: Int, method: String = "GET", path: String, contentType: String? = nil,
                               body: [UInt8] = [], seconds: Int = 60) throws -> Response {
        let fd = try connect(port: port, seconds: seconds)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        send(fd, Array(head.utf8) + body)
        return try read(fd)
    }

    public static func request(port: Int, method: String = "POST", path: String, json: String, seconds: Int = 60) throws -> Response {
        try request(port: port, method: method, path: path, contentType: "application/json", body: Array(json.utf8), seconds: seconds)
    }

    /// Reads one answer (to the connection's end, or Content-Length).
    public static func read(_ fd: Int32) throws -> Response {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw Failure.timeout }
            if n == 0 { break }
            data += buffer[0..<n]
            if let r = parse(data), r.complete { return r.response }
        }
        guard let r = parse(data) else { throw Failure.malformed(String(decoding: data, as: UTF8.self)) }
        return r.response
    }

    static func parse(_ data: [UInt8]) -> (response: Response, complete: Bool)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = head[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        var complete = false
        if let length = headers["content-length"].flatMap(Int.init) {
            complete = body.count >= length
            body = Array(body.prefix(length))
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            guard let (decoded, done) = dechunk(body) else { return nil }
            body = decoded; complete = done
        }
        return (Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)), complete)
    }

    /// A chunked body's bytes and whether its last chunk arrived.
    static func dechunk(_ data: [UInt8]) -> ([UInt8], Bool)? {
        var out: [UInt8] = [], i = 0
        while true {
            guard let lineEnd = (i..<max(i, data.count - 1)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { return (out, false) }
            guard let size = Int(String(decoding: data[i..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            if size == 0 { return (out, true) }
            let start = lineEnd + 2
            guard start + size + 2 <= data.count else { return (out, false) }
            out += data[start..<start + size]
            i = start + size + 2
        }
    }
}
