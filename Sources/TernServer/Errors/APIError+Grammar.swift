import TernSampling

extension APIError {
    /// The 422 for a schema or regex that cannot be compiled: the message names the field, the
    /// keyword or construct, and where in the schema it is (a JSON pointer).
    init(grammar error: GrammarError, param: String) {
        let code: String
        switch error {
        case .unsupportedKeyword, .unsupportedValue, .unsupportedRegex: code = "not_supported"
        case .tooComplex: code = "too_complex"
        case .invalidRegex: code = "invalid_regex"
        case .invalidJSON, .invalidSchema, .unresolvedReference, .unsatisfiable: code = "invalid_schema"
        }
        self = .invalid("'\(param)': \(error.description)", param: param, code: code)
    }
}
