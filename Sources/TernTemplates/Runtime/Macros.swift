/// `{% macro %}` definitions and calls, and `{% call %}` blocks.
extension Interpreter {
    /// A macro as a callable value. Like a jinja2 macro it is a closure over the scope it is
    /// defined in (seeing that scope's current values, not the caller's), and returns its body's
    /// output. The scope is held weakly, so a macro stored in its own scope makes no cycle; a macro
    /// that outlives its scope falls back to the template level.
    func macroFunction(_ definition: MacroDefinition) -> Value {
        let defining = WeakFrame(frame)
        return .function(
            Function(name: definition.name) { interpreter, arguments throws(TemplateError) in
                try interpreter.callMacro(definition, arguments, in: defining.frame ?? interpreter.root)
            })
    }

    private func callMacro(_ definition: MacroDefinition, _ arguments: Arguments, in defining: Frame)
        throws(TemplateError) -> Value
    {
        try nestedCall { () throws(TemplateError) in
            let scope = scopeFrame(definition.shadowed, parent: defining)
            var extraPositional: [Value] = []
            for (index, value) in arguments.positional.enumerated() {
                if index < definition.parameters.count {
                    scope.variables[definition.parameters[index].name] = value
                } else {
                    extraPositional.append(value)
                }
            }
            var extraKeywords = ValueDict()
            for (name, value) in arguments.keywords {
                if definition.parameters.contains(where: { $0.name == name }) {
                    guard scope.variables[name] == nil else {
                        throw .runtime("macro '\(definition.name)' got multiple values for argument '\(name)'")
                    }
                    scope.variables[name] = value
                } else if name == "caller", definition.catches.contains("caller") {
                    scope.variables[name] = value
                } else {
                    guard definition.catches.contains("kwargs") else {
                        throw .runtime("macro '\(definition.name)' takes no keyword argument '\(name)'")
                    }
                    extraKeywords[name] = value
                }
            }
            if !extraPositional.isEmpty, !definition.catches.contains("varargs") {
                throw .runtime(
                    "macro '\(definition.name)' takes not more than \(definition.parameters.count) argument(s)")
            }
            scope.variables["varargs"] = .tuple(extraPositional)
            scope.variables["kwargs"] = .dict(extraKeywords)
            let text = try withFrame(scope) { () throws(TemplateError) -> String in
                // Defaults are evaluated in the macro's scope, so they can refer to earlier parameters.
                for parameter in definition.parameters where scope.variables[parameter.name] == nil {
                    scope.variables[parameter.name] =
                        try parameter.defaultValue.map(evaluate)
                        ?? .undefined(Undefined(message: "parameter '\(parameter.name)' was not provided"))
                }
                return try capture { () throws(TemplateError) in _ = try execute(definition.body) }
            }
            return .string(text)
        }
    }

    /// Calls the block's macro with a `caller` that renders the block body in the current scope.
    func executeCallBlock(_ block: CallBlock) throws(TemplateError) -> Value {
        guard case .call(let callee, let argumentList) = block.call else {
            throw .runtime("a call block needs a call expression")
        }
        let site = frame
        let caller = Function(name: "caller") { interpreter, arguments throws(TemplateError) in
            try interpreter.nestedCall { () throws(TemplateError) in
                let scope = interpreter.scopeFrame(block.shadowed, parent: site)
                for (index, parameter) in block.callerParameters.enumerated() {
                    let given =
                        index < arguments.positional.count
                        ? arguments.positional[index] : arguments.keyword(parameter.name)
                    scope.variables[parameter.name] = given
                }
                let text = try interpreter.withFrame(scope) { () throws(TemplateError) -> String in
                    for parameter in block.callerParameters where scope.variables[parameter.name] == nil {
                        scope.variables[parameter.name] =
                            try parameter.defaultValue.map(interpreter.evaluate) ?? .undefined(.name(parameter.name))
                    }
                    return try interpreter.capture { () throws(TemplateError) in _ = try interpreter.execute(block.body)
                    }
                }
                return .string(text)
            }
        }
        var arguments = try evaluateArguments(argumentList)
        arguments.keywords.append(("caller", .function(caller)))
        return try call(try evaluate(callee), arguments)
    }
}

/// A frame reference that does not keep the frame alive.
private final class WeakFrame {
    weak var frame: Frame?

    init(_ frame: Frame) {
        self.frame = frame
    }
}
