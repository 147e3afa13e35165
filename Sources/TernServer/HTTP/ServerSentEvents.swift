import Hummingbird

/// Server-sent-event framing as the API uses it: one `data: <json>` line and a blank line per
/// event, `data: [DONE]` at the end, no `event:` lines.
enum ServerSentEvents {
    /// Response headers of a stream. The connection closes after a stream (Hummingbird watches it
    /// for the client going away), so clients are told not to reuse it.
    static var headers: HTTPFields {
        [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "close"]
    }

    /// One event carrying `value` as JSON.
    static func event(_ value: some Encodable) throws(APIError) -> ByteBuffer {
        let json = try WireJSON.encode(value)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(json.count + 8)
        buffer.writeString("data: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }

    /// The terminating event.
    static var done: ByteBuffer { ByteBuffer(string: "data: [DONE]\n\n") }
}
