import Foundation
import Hummingbird

/// Reads and decodes JSON request bodies, turning every failure into the API's error statuses:
/// 413 over the size limit, 400 for malformed JSON or a wrong type, 422 for a missing field.
enum JSONBodyDecoder {
    /// Collects the body (keeping it in `request`, so inbound-close monitoring still works).
    static func collect(_ request: inout Request, limit: Int) async throws(APIError) -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw .bodyTooLarge(limit: limit)
        } catch {
            throw .badRequest("could not read the request body: \(error)")
        }
    }

    /// Decodes `type` from `buffer`.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws(APIError) -> T {
        guard buffer.readableBytes > 0 else {
            throw .badRequest("the request body is empty; send a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw apiError(for: error)
        } catch let error as APIError {
            throw error
        } catch {
            throw .badRequest("could not decode the request body: \(error)")
        }
    }

    /// Reads and decodes in one step.
    static func read<T: Decodable>(_ type: T.Type, from request: inout Request, limit: Int) async throws(APIError)
        -> T
    {
        let buffer = try await collect(&request, limit: limit)
        return try decode(type, from: buffer)
    }

    static func apiError(for error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let expected, let context):
            let path = fieldPath(context.codingPath)
            if path.isEmpty {
                return .badRequest("the request body must be a JSON object")
            }
            // Our own decoders explain the accepted shapes ("expected a string or ..."); Foundation's do not.
            let expectation =
                context.debugDescription.hasPrefix("expected ")
                ? context.debugDescription : "expected \(typeName(expected))"
            return .badRequest("'\(path)' has the wrong type: \(expectation)", param: path)
        case .valueNotFound(_, let context):
            let path = fieldPath(context.codingPath)
            if path.isEmpty {
                // The body is the JSON literal `null`: malformed, not a missing field.
                return .badRequest("the request body must be a JSON object, not null")
            }
            return .invalid("'\(path)' is required and must not be null", param: path, code: "missing_field")
        case .keyNotFound(let key, let context):
            let path = fieldPath(context.codingPath + [key])
            return .invalid("'\(path)' is required", param: path, code: "missing_field")
        case .dataCorrupted(let context):
            let path = fieldPath(context.codingPath)
            if path.isEmpty {
                return .badRequest("the request body is not valid JSON: \(context.debugDescription)")
            }
            return .badRequest("'\(path)' is invalid: \(context.debugDescription)", param: path)
        @unknown default:
            return .badRequest("could not decode the request body: \(error)")
        }
    }

    /// `messages[0].content` from a coding path.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            // Array positions are keys named "Index N"; object keys that look like numbers are not.
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
