import Foundation
import Hummingbird

/// Encodes API bodies the same way everywhere: no escaped slashes, keys sorted.
enum WireJSON {
    /// A new encoder per call: `JSONEncoder` is not documented as safe to share across tasks.
    /// Keys are sorted because Foundation's keyed containers would otherwise print them in a
    /// different order every time, which makes responses hard to read and compare.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }

    /// The JSON bytes of `value`.
    static func encode(_ value: some Encodable) throws(APIError) -> [UInt8] {
        do {
            return Array(try encoder().encode(value))
        } catch {
            throw APIError.internalError("could not encode the response: \(error)")
        }
    }

    /// A `200` (or `status`) response whose body is `value` as JSON.
    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws(APIError) -> Response {
        let bytes = try encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension APIError: HTTPResponseError {
    /// The response headers: `Retry-After` when the client should come back later.
    public var headers: HTTPFields {
        var fields = HTTPFields()
        if let retryAfterSeconds {
            fields[.retryAfter] = String(retryAfterSeconds)
        }
        return fields
    }

    /// The JSON error body with both the Friendli (`message`) and OpenAI (`error`) shapes.
    public var body: ErrorBody {
        ErrorBody(message: message, error: .init(message: message, type: type, param: param, code: code))
    }

    /// The complete HTTP response for this error.
    public func response() -> Response {
        let bytes = (try? WireJSON.encode(body)) ?? Array(#"{"message":"internal error"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }
}

/// The wire shape of an error body.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// The OpenAI-style error object.
    public struct Detail: Codable, Sendable, Equatable {
        public var message: String
        public var type: String
        public var param: String?
        public var code: String?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            // OpenAI sends these as explicit nulls; clients read them either way.
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
    }

    public var message: String
    public var error: Detail
}
