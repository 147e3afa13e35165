/// What a generation must conform to (the API's `response_format` and forced tool calls).
///
/// Output is JSON without whitespace before or after the value; between JSON tokens at most
/// one space, or a newline and up to 24 spaces or tabs. Numbers have at most 16 integer
/// digits, 16 fraction digits and a two-digit exponent.
///
/// JSON Schema support (anything else is an error naming the keyword and its location):
/// - `type` (one or a list, `null` included), `enum`, `const`, boolean schemas;
/// - objects: `properties` (generated in schema order), `required`, `additionalProperties`
///   (`false`, `true` or a schema; when absent, no extra keys are generated if `properties`
///   is present, any keys otherwise);
/// - arrays: `items`, `prefixItems`, `minItems`/`maxItems` (up to 1000), `uniqueItems: false`;
/// - strings: `minLength`/`maxLength` (up to 10000), `pattern` (the regex subset below,
///   searching unless anchored with `^`/`$`), `format` (`date`, `time`, `date-time`, `uuid`,
///   `email`, `ipv4`); a length bound together with `pattern`/`format` only when every match
///   already satisfies it;
/// - `integer` with any `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`; `number`
///   with integral bounds;
/// - `anyOf`; `oneOf` when its branches provably exclude each other (by type, `const`/`enum`,
///   or a required property with distinct constants); `allOf` merged keyword by keyword;
/// - `$ref` to `#`, `#/$defs/…`, `#/definitions/…` or any local JSON pointer, recursion
///   included; `$ref` next to other keywords;
/// - annotations are ignored: `title`, `description`, `$comment`, `examples`, `default`,
///   `deprecated`, `readOnly`, `writeOnly`, `$schema`, root `$id`, `$anchor`, `nullable`,
///   `contentMediaType`, `contentEncoding`.
public enum ConstraintSpec: Sendable, Equatable, Hashable {
    /// Any JSON object.
    case jsonObject
    /// A JSON value valid under the given JSON Schema (the schema as JSON text).
    case jsonSchema(String)
    /// Text that fully matches the regex: Python `re` syntax without anchors (other than a
    /// leading `^` / trailing `$`), look-arounds, back-references, inline flags, atomic or
    /// possessive forms; `\d \w \s` are ASCII; `.` excludes newline.
    case regex(String)
}
