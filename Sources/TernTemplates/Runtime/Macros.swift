/// `{% macro %}` definitions and calls, and `{% call %}` blocks.
extension Interpreter {
    /// A macro as a callable value. It runs in a scope under the template level (jinja2 macros see
    /// template variables, not the caller's locals) and returns its rendered body.
    func macroFunction(_ definition: MacroDefinition) -> Value {
        .function(
            Function(name: definition.name) { interpreter, arguments throws(TemplateError) in
                try interpreter.callMacro(definition, arguments)
            })
    }

    private func callMacro(_ definition: MacroDefinition, _ arguments: Arguments) throws(TemplateError) -> Value {
        try nestedCall { () throws(TemplateError) in
            let scope = Frame(parent: root)
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
                } else if name == "caller" {
                    scope.variables[name] = value
                } else {
                    extraKeywords[name] = value
                }
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
                let scope = Frame(parent: site)
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
