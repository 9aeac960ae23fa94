import S2SCore
import S2SServing
import XCTest

/// Request bodies of both APIs, in every form clients send them, and every
/// kind of bad request: each refused with its status and the field at fault.
final class RequestDecodingTests: XCTestCase {
    let limits: ServingLimits = {
        var l = ServingLimits()
        l.maxSentences = 3
        l.maxSentenceCharacters = 10
        l.maxBeamSize = 4
        return l
    }()

    func decode(_ body: String, type: String? = "application/json", query: String? = nil,
                api: TranslateRequest.API = .libreTranslate) throws(ServiceError) -> TranslateRequest {
        let fields = try RequestFields.decode(body: Array(body.utf8), contentType: type, query: query)
        return try TranslateRequest(fields: fields, api: api, limits: limits)
    }

    func refusal(_ body: String, type: String? = "application/json", api: TranslateRequest.API = .libreTranslate,
                 file: StaticString = #filePath, line: UInt = #line) -> ServiceError? {
        do { _ = try decode(body, type: type, api: api) } catch { return error }
        XCTFail("accepted \(body)", file: file, line: line)
        return nil
    }

    func testJSONFormAndQueryGiveTheSameRequest() throws {
        let json = try decode(#"{"q": "Hi there.", "source": "en", "target": "es", "alternatives": 2}"#)
        let form = try decode("q=Hi+there.&source=en&target=es&alternatives=2", type: "application/x-www-form-urlencoded")
        let query = try decode("", type: nil, query: "q=Hi%20there.&source=en&target=es&alternatives=2")
        let sniffed = try decode(#"{"q": "Hi there.", "source": "en", "target": "es", "alternatives": 2}"#,
                                 type: "application/x-www-form-urlencoded")
        XCTAssertEqual(json.texts, ["Hi there."])
        XCTAssertFalse(json.isBatch)
        XCTAssertEqual(json.alternatives, 2)
        XCTAssertEqual(json, form)
        XCTAssertEqual(json, query)
        XCTAssertEqual(json, sniffed, "a body that opens like JSON is JSON whatever curl -d labels it")
        // The body wins over the query.
        let both = try decode(#"{"q": "Body.", "source": "en", "target": "es"}"#, query: "q=Query&target=fr")
        XCTAssertEqual(both.texts, ["Body."])
        XCTAssertEqual(both.target, "es")
    }

    func testArraysRepeatedFieldsAndNativeOptions() throws {
        let batch = try decode(#"{"q": ["One.", "Two.\nThree."], "source": "en", "target": "es"}"#)
        XCTAssertEqual(batch.texts, ["One.", "Two.\nThree."])
        XCTAssertTrue(batch.isBatch)
        let repeated = try decode("q=One&q=Two&source=en&target=es", type: "application/x-www-form-urlencoded")
        XCTAssertEqual(repeated.texts, ["One", "Two"])
        XCTAssertTrue(repeated.isBatch)
        let native = try decode(#"{"q": "x", "source": "en", "target": "es", "beam_size": 3, "n_best": 2, "length_penalty": 0.6, "attention": true}"#,
                                api: .native)
        XCTAssertEqual(native.beamSize, 3)
        XCTAssertEqual(native.alternatives, 1)
        XCTAssertEqual(native.lengthPenalty, 0.6)
        XCTAssertTrue(native.wantsAttention)
        // The native options mean nothing to LibreTranslate's API.
        let libre = try decode(#"{"q": "x", "source": "en", "target": "es", "beam_size": 3}"#)
        XCTAssertNil(libre.beamSize)
        XCTAssertEqual(TranslateRequest.lines(of: "a\r\nb\nc"), ["a", "b", "c"])
    }

    func testBadRequestsNameTheirField() {
        let cases: [(String, String?, Int, String, String)] = [
            (#"{"q": "x", "source": "en""#, "application/json", 400, "body", "not valid JSON"),
            (#"["q"]"#, "application/json", 400, "body", "must be a JSON object"),
            (#"{"source": "en", "target": "es"}"#, "application/json", 400, "q", "missing field 'q'"),
            (#"{"q": 5, "source": "en", "target": "es"}"#, "application/json", 400, "q", "'q' must be a string or an array"),
            (#"{"q": ["a", 5], "source": "en", "target": "es"}"#, "application/json", 400, "q", "'q[1]' must be a string"),
            (#"{"q": "x", "target": "es"}"#, "application/json", 400, "source", "missing field 'source'"),
            (#"{"q": "x", "source": "en", "target": true}"#, "application/json", 400, "target", "'target' must be a string"),
            (#"{"q": "x", "source": "en", "target": "es", "format": "html"}"#, "application/json", 400, "format", "'html' is not supported"),
            (#"{"q": "x", "source": "en", "target": "es", "alternatives": "many"}"#, "application/json", 400, "alternatives", "whole number"),
            (#"{"q": "x", "source": "en", "target": "es", "alternatives": 9}"#, "application/json", 400, "alternatives", "between 0 and 3"),
            ("q=%FF&source=en&target=es", "application/x-www-form-urlencoded", 400, "q", "not percent-encoded UTF-8"),
            ("q=%G1&source=en&target=es", "application/x-www-form-urlencoded", 400, "q", "not percent-encoded UTF-8"),
            (#"{"q": "x", "source": "en", "target": "es"}"#, "multipart/form-data; boundary=x", 400, "body", "multipart"),
            (#"{"q": ["a", "b", "c\nd"], "source": "en", "target": "es"}"#, "application/json", 413, "q", "4 lines, more than this server's limit of 3"),
            (#"{"q": "far too long a line", "source": "en", "target": "es"}"#, "application/json", 413, "q", "19 characters"),
        ]
        for (body, type, status, field, message) in cases {
            guard let e = refusal(body, type: type) else { continue }
            XCTAssertEqual(e.status, status, body)
            XCTAssertEqual(e.field, field, body)
            XCTAssertTrue(e.message.contains(message), "\(body): \(e.message)")
            XCTAssertTrue(e.json.contains("\"error\":"), e.json)
        }
        // Invalid UTF-8 in a JSON body.
        XCTAssertThrowsError(try RequestFields.decode(body: Array(#"{"q": ""#.utf8) + [0xFF] + Array(#""}"#.utf8),
                                                      contentType: "application/json", query: nil)) {
            XCTAssertEqual(($0 as? ServiceError)?.field, "body")
        }
        let beam = refusal(#"{"q": "x", "source": "en", "target": "es", "beam_size": 0}"#, api: .native)
        XCTAssertEqual(beam?.field, "beam_size")
        let nBest = refusal(#"{"q": "x", "source": "en", "target": "es", "beam_size": 2, "n_best": 3}"#, api: .native)
        XCTAssertEqual(nBest?.message, "'n_best' must be between 1 and 2, not 3")
        let penalty = refusal(#"{"q": "x", "source": "en", "target": "es", "length_penalty": 1e999}"#, api: .native)
        XCTAssertNotNil(penalty)
    }

    func testJSONWritesCompactSortedAndEscaped() {
        let value = JSONValue.object(["b": .array([.number(1), .number(-2.5), .bool(true), .null]),
                                      "a": .string("say \"hi\"\n\u{01}é")])
        XCTAssertEqual(value.serialized, #"{"a":"say \"hi\"\n\u0001é","b":[1,-2.5,true,null]}"#)
        XCTAssertEqual(JSONValue.parse(Array(value.serialized.utf8)), value)
        XCTAssertEqual(JSONValue.rounded(0.123456).serialized, "0.1235")
        XCTAssertEqual(JSONValue.number(.nan).serialized, "null")
    }
}
