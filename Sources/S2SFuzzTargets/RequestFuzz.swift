import S2SCore
import S2SServing

/// A translation request as s2s-serve decodes it: the first byte picks where
/// the rest goes (a JSON body, a form body, the URL's query, a body without
/// content type) and which API reads it. The decoder either refuses with a
/// 400 or 413 naming what is wrong, or gives a request within the limits;
/// JSON it accepts writes back (`JSONValue.serialized`) to the same value.
public enum RequestFuzz {
    static let limits: ServingLimits = {
        var l = ServingLimits()
        l.maxSentences = 8
        l.maxSentenceCharacters = 64
        l.maxBeamSize = 4
        return l
    }()

    public static func run(_ data: UnsafeRawBufferPointer) {
        guard let mode = data.first else { return }
        let rest = Array(data.dropFirst())
        let (body, type, query): ([UInt8], String?, String?) = switch mode % 4 {
        case 0: (rest, "application/json", nil)
        case 1: (rest, "application/x-www-form-urlencoded", nil)
        case 2: ([], nil, String(decoding: rest, as: UTF8.self))
        default: (rest, nil, nil)
        }
        if mode % 4 == 0, let value = JSONValue.parse(rest), !hasNonFinite(value),
           JSONValue.parse(Array(value.serialized.utf8)) != value {
            violated("JSON does not write back to itself: \(value.serialized)")
        }
        let request: TranslateRequest
        do {
            let fields = try RequestFields.decode(body: body, contentType: type, query: query)
            request = try TranslateRequest(fields: fields, api: mode & 4 == 0 ? .libreTranslate : .native, limits: limits)
        } catch {
            guard error.status == 400 || error.status == 413, !error.message.isEmpty else {
                violated("a bad request answered \(error.status): \(error.message)")
            }
            _ = error.json
            return
        }
        let lines = request.texts.flatMap(TranslateRequest.lines(of:))
        guard lines.count <= limits.maxSentences, lines.allSatisfy({ $0.count <= limits.maxSentenceCharacters }),
              request.alternatives < limits.maxBeamSize, (request.beamSize ?? 1) <= limits.maxBeamSize,
              !request.source.isEmpty, !request.target.isEmpty else {
            violated("a request over the limits was accepted")
        }
    }

    static func hasNonFinite(_ v: JSONValue) -> Bool {
        switch v {
        case .number(let d): !d.isFinite
        case .array(let a): a.contains(where: hasNonFinite)
        case .object(let o): o.values.contains(where: hasNonFinite)
        default: false
        }
    }
}
