import S2SCore

/// A request's named fields, from wherever the client put them: a JSON
/// object body, an `application/x-www-form-urlencoded` body, or the URL's
/// query (deep-translator's LibreTranslator posts its fields there, with an
/// empty body). Body fields win over query fields of the same name.
public struct RequestFields: Equatable, Sendable {
    public var values: [String: JSONValue]

    public init(_ values: [String: JSONValue] = [:]) { self.values = values }

    /// Reads `body` by its content type (JSON when the type says so or the
    /// body starts with `{` or `[`, form fields otherwise) over the fields of
    /// `query` (the URL's part after `?`, form-encoded).
    public static func decode(body: [UInt8], contentType: String?, query: String?) throws(ServiceError) -> RequestFields {
        var fields = RequestFields()
        if let query, !query.isEmpty { fields = try form(Array(query.utf8), part: "the URL's query") }
        let type = contentType?.lowercased() ?? ""
        let firstByte = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if type.contains("multipart") {
            throw ServiceError(.badRequest, "multipart/form-data bodies are not read: send JSON or application/x-www-form-urlencoded", field: "body")
        }
        // A body that opens like JSON is read as JSON whatever the type says
        // (curl -d labels everything a form).
        if type.contains("json") || firstByte == UInt8(ascii: "{") || firstByte == UInt8(ascii: "[") {
            guard let value = JSONValue.parse(body) else {
                throw ServiceError(.badRequest, "the body is not valid JSON (or not UTF-8)", field: "body")
            }
            guard case .object(let object) = value else {
                throw ServiceError(.badRequest, "the body must be a JSON object of fields, such as {\"q\": \"Hello\", \"source\": \"en\", \"target\": \"es\"}", field: "body")
            }
            fields.values.merge(object) { _, body in body }
        } else if firstByte != nil {
            fields.values.merge(try form(body, part: "the body").values) { _, body in body }
        }
        return fields
    }

    /// `a=1&b=x+y&q=1&q=2` → fields; a name given twice becomes an array.
    static func form(_ bytes: [UInt8], part: String) throws(ServiceError) -> RequestFields {
        var values: [String: JSONValue] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let eq = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = pair[pair.startIndex..<(eq ?? pair.endIndex)]
            let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? []
            guard let name = percentDecoded(rawName), !name.isEmpty else {
                throw ServiceError(.badRequest, "\(part) has a field name that is not percent-encoded UTF-8", field: "body")
            }
            guard let value = percentDecoded(rawValue) else {
                throw ServiceError(.badRequest, "\(part): field '\(name)' is not percent-encoded UTF-8", field: name)
            }
            switch values[name] {
            case nil: values[name] = .string(value)
            case .array(let a)?: values[name] = .array(a + [.string(value)])
            case let first?: values[name] = .array([first, .string(value)])
            }
        }
        return RequestFields(values)
    }

    /// `+` → space, `%XX` → byte; nil for a bad escape or bytes that are not UTF-8.
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let hi = hexDigit(bytes[i + 1]), let lo = hexDigit(bytes[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexDigit(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // ── Typed access: each names the field when it is wrong ──────────────

    /// A string field (nil when absent).
    public func string(_ name: String) throws(ServiceError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw ServiceError.bad(name, "'\(name)' must be a string")
        }
    }

    /// An integer field in `range` (nil when absent); form fields arrive as text.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(ServiceError) -> Int? {
        let n: Int?
        switch values[name] {
        case nil, .null?: return nil
        case .number(let d)? where d == d.rounded() && abs(d) < 1e9: n = Int(d)
        case .string(let s)?: n = Int(s.trimmingSpaces)
        default: n = nil
        }
        guard let n else { throw ServiceError.bad(name, "'\(name)' must be a whole number") }
        guard range.contains(n) else {
            throw ServiceError.bad(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), not \(n)")
        }
        return n
    }

    /// A finite number field in `range` (nil when absent).
    public func number(_ name: String, in range: ClosedRange<Double>) throws(ServiceError) -> Double? {
        let x: Double?
        switch values[name] {
        case nil, .null?: return nil
        case .number(let d)?: x = d
        case .string(let s)?: x = Double(s.trimmingSpaces)
        default: x = nil
        }
        guard let x, x.isFinite else { throw ServiceError.bad(name, "'\(name)' must be a number") }
        guard range.contains(x) else {
            throw ServiceError.bad(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), not \(x)")
        }
        return x
    }

    /// A boolean field (nil when absent); form fields as true/false/1/0.
    public func boolean(_ name: String) throws(ServiceError) -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case .string(let s)? where ["true", "1"].contains(s.lowercased()): return true
        case .string(let s)? where ["false", "0"].contains(s.lowercased()): return false
        default: throw ServiceError.bad(name, "'\(name)' must be true or false")
        }
    }
}

extension String {
    /// Without leading and trailing spaces (a form field's number).
    var trimmingSpaces: Substring {
        let s = drop { $0 == " " }
        return s[..<(s.lastIndex { $0 != " " }.map { s.index(after: $0) } ?? s.startIndex)]
    }
}
