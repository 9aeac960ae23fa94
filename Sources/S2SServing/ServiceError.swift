import S2SCore

/// What a request gets instead of translations: an HTTP status and a JSON
/// body `{"error": message, "field": name}` (LibreTranslate's error shape,
/// plus the field at fault where there is one).
public struct ServiceError: Error, Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// 400: the request is malformed or asks for what is not served.
        case badRequest = "bad_request"
        /// 404: no such route.
        case notFound = "not_found"
        /// 413: a body, a sentence count or a sentence over the limits.
        case tooLarge = "too_large"
        /// 503: too many sentences already wait, or the server is stopping.
        case overloaded = "overloaded"
        /// 500: a translation failed inside the server.
        case internalError = "internal"
        /// 499 (nginx's "client closed request"): the client went away
        /// before its answer; nobody reads it, the metrics count it.
        case cancelled = "cancelled"
    }

    public var kind: Kind
    public var message: String
    /// The request field at fault (`q`, `source`, …), when one is.
    public var field: String?
    /// Seconds to wait before retrying (503's `Retry-After`).
    public var retryAfter: Int?

    public init(_ kind: Kind, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public var status: Int {
        switch kind {
        case .badRequest: 400
        case .notFound: 404
        case .tooLarge: 413
        case .overloaded: 503
        case .internalError: 500
        case .cancelled: 499
        }
    }

    /// The response body.
    public var json: String {
        var object: [String: JSONValue] = ["error": .string(message)]
        if let field { object["field"] = .string(field) }
        return JSONValue.object(object).serialized
    }

    static func bad(_ field: String, _ message: String) -> ServiceError {
        ServiceError(.badRequest, message, field: field)
    }
}
