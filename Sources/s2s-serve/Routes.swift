import Foundation
import Hummingbird
import Logging
import NIOCore
import S2SServing

/// The HTTP binding: each route hands its request to the service and
/// writes back the service's answer. Nothing here decides anything.
enum Routes {
    /// Serves until SIGTERM or SIGINT. `timeouts` close clients too slow to
    /// send their requests; at most `maxConnections` are open at once.
    static func serve(_ service: TranslationService, host: String, port: Int, page: Page?,
                      timeouts: ConnectionTimeouts, maxConnections: Int,
                      log: @escaping @Sendable (String) -> Void) async throws {
        let router = Router(context: ServeContext.self)
        let limit = service.limits.maxBodyBytes
        let connections = Connections()
        router.post("/translate") { request, context in
            await answer(service, .libreTranslate, request, limit: limit, connection: connections.of(context.channel))
        }
        router.post("/v1/translate") { request, context in
            await answer(service, .native, request, limit: limit, connection: connections.of(context.channel))
        }
        for path in ["/languages", "/health", "/metrics"] {
            let route: TranslationService.Route = path == "/languages" ? .languages : path == "/health" ? .health : .metrics
            router.get(RouterPath(path)) { request, _ in await answer(service, route, request, limit: limit) }
        }
        if let page {
            for (name, file) in page.files {
                router.get(RouterPath(name == "index.html" ? "/" : "/" + name)) { _, _ in
                    response(TranslationService.Answer(status: 200, contentType: file.contentType, body: file.text))
                }
            }
        }
        var logger = Logger(label: "s2s-serve")
        logger.logLevel = .warning
        let open = OpenConnections(max: maxConnections)
        let metrics = service.metrics
        let app = Application(
            router: router,
            // A list per connection (the argument is evaluated for each).
            server: .http1(configuration: .init(additionalChannelHandlers: [
                ConnectionLimit(open) { metrics.connectionDropped(reason: "over_limit") },
                SlowClientTimeouts(timeouts) { metrics.connectionDropped(reason: $0.rawValue) },
            ])),
            configuration: .init(address: .hostname(host, port: port), serverName: "s2s-serve"),
            onServerRunning: { channel in
                log("listening on http://\(CannotListen.address(host, channel.localAddress?.port ?? port))")
            },
            logger: logger)
        do {
            try await app.runService()
        } catch let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw CannotListen(host: host, port: port, errno: error.errnoCode)
        }
    }

    /// The request's body (nil when over `limit`), query and content type to the service.
    static func answer(_ service: TranslationService, _ route: TranslationService.Route, _ request: Request,
                       limit: Int, connection: ClientConnection? = nil) async -> Response {
        var bytes: [UInt8]? = []
        do {
            for try await buffer in request.body {
                if bytes!.count + buffer.readableBytes > limit { bytes = nil; break }
                bytes!.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            // The client went away mid-body: nobody reads this answer.
            return Response(status: .badRequest)
        }
        let answer = await service.respond(route, body: bytes, contentType: request.headers[.contentType],
                                           query: request.uri.query, connection: connection)
        return response(answer)
    }

    static func response(_ answer: TranslationService.Answer) -> Response {
        var headers: HTTPFields = [.contentType: answer.contentType]
        if let retryAfter = answer.headers["Retry-After"] { headers[.retryAfter] = retryAfter }
        return Response(status: .init(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }
}

/// Each request's context: Hummingbird's, plus the connection's channel
/// (to see the client go away).
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The open connections' `ClientConnection`s, one per channel, each told
/// `closed` when its channel closes and then forgotten. A channel closes on
/// a reset or a failed write; a client that only half-closes (shuts down its
/// sending side after its request, as some HTTP/1.0 clients and load
/// balancers do) is still reading, and gets its answer.
final class Connections: @unchecked Sendable {
    private let lock = NSLock()
    private var byChannel: [ObjectIdentifier: ClientConnection] = [:]

    func of(_ channel: any Channel) -> ClientConnection {
        let key = ObjectIdentifier(channel)
        lock.lock()
        if let known = byChannel[key] { lock.unlock(); return known }
        let connection = ClientConnection()
        byChannel[key] = connection
        lock.unlock()
        channel.closeFuture.whenComplete { [self] _ in
            lock.lock(); byChannel[key] = nil; lock.unlock()
            connection.closed()
        }
        return connection
    }
}
