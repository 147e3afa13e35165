/// One tool call of a non-streaming chat answer:
/// `{"id": "call_…", "type": "function", "function": {"name", "arguments"}}`.
struct ToolCallWire: Encodable, Equatable {
    struct Function: Encodable, Equatable {
        var name: String
        /// The arguments as JSON text.
        var arguments: String
    }

    var id: String
    var type = "function"
    var function: Function
}

/// One tool-call delta of a streaming chat answer. The first delta of a call carries its `index`,
/// `id`, `type`, `function.name` and empty `arguments`; later ones carry `index` and a fragment of
/// `function.arguments`.
struct ToolCallDeltaWire: Encodable, Equatable {
    struct Function: Encodable, Equatable {
        var name: String?
        var arguments: String
    }

    var index: Int
    var id: String?
    var type: String?
    var function: Function

    /// The first delta of call `index`.
    static func start(index: Int, id: String, name: String) -> ToolCallDeltaWire {
        ToolCallDeltaWire(index: index, id: id, type: "function", function: Function(name: name, arguments: ""))
    }

    /// A fragment of call `index`'s arguments.
    static func arguments(index: Int, _ fragment: String) -> ToolCallDeltaWire {
        ToolCallDeltaWire(index: index, id: nil, type: nil, function: Function(name: nil, arguments: fragment))
    }
}
