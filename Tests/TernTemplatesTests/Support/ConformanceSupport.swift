import Foundation
import Testing

@testable import TernTemplates

/// What jinja2 (configured like transformers) did with a template, recorded by the generator.
enum Expected: Sendable {
    case output(String)
    /// `raise_exception(message)` was called.
    case raised(String)
    /// A syntax error on this line (0: jinja2 reports no usable line).
    case syntaxError(line: Int)
    /// Any other error; the text is jinja2's, for the failure message only.
    case runtimeError(String)
}

/// One small template from `.jinja2-reference/cases.py` with jinja2's result.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    enum Category: Sendable {
        case lexer, expressions, statements, filters, tests, methods, globals, errors
    }

    let category: Category
    let template: String
    /// The render context as JSON text.
    let context: String
    let expected: Expected

    var testDescription: String { template.count > 60 ? String(template.prefix(60)) + "…" : template }

    static func cases(_ category: Category) -> [ConformanceCase] {
        all.filter { $0.category == category }
    }
}

/// The instant `strftime_now` sees in tests: the generator fixes jinja2's clock to the same one.
let fixedNow: Date = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let components = DateComponents(year: 2024, month: 7, day: 26, hour: 13, minute: 5, second: 9)
    return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
}()

let testOptions = RenderOptions(now: { fixedNow }, timeZone: TimeZone(identifier: "UTC") ?? .current)

/// Renders `source` with `context` and checks the outcome against jinja2's.
func expectConformance(
    source: String, context: [String: TemplateValue], expected: Expected, options: RenderOptions = testOptions,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let result: Result<String, TemplateError>
    do throws(TemplateError) {
        result = .success(try Template(source).render(context, options: options))
    } catch {
        result = .failure(error)
    }
    switch (expected, result) {
    case (.output(let text), .success(let output)):
        #expect(output == text, sourceLocation: sourceLocation)
    case (.raised(let message), .failure(.raised(let actual))):
        #expect(actual == message, sourceLocation: sourceLocation)
    case (.syntaxError(let line), .failure(.syntax(_, let actualLine, _))):
        if line > 0 { #expect(actualLine == line, sourceLocation: sourceLocation) }
    case (.runtimeError, .failure(.runtime)), (.runtimeError, .failure(.limitExceeded)):
        break
    default:
        Issue.record("expected \(expected), got \(result)", sourceLocation: sourceLocation)
    }
}

/// Runs one generated case.
func expectConformance(_ testCase: ConformanceCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard case .object(let object) = try TemplateValue(parsingJSON: testCase.context) else {
        Issue.record("context is not an object", sourceLocation: sourceLocation)
        return
    }
    let context = Dictionary(object.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    expectConformance(
        source: testCase.template, context: context, expected: testCase.expected, sourceLocation: sourceLocation)
}

/// A randomly composed template from `.jinja2-reference/fuzz.py` with jinja2's result.
struct DifferentialCase: Sendable, CustomTestStringConvertible {
    let template: String
    let expected: Expected

    var testDescription: String { template.count > 60 ? String(template.prefix(60)) + "…" : template }
}
