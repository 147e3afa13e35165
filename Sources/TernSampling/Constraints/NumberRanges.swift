/// Numbers with bounds as grammars over their decimal text: integers in any range, and
/// decimals between integral bounds (no exponent), both within the digit limits of
/// `JSONGrammar`.
extension JSONGrammar {
    /// The largest magnitude the grammar writes (16 digits).
    static let maxMagnitude: UInt64 = 9_999_999_999_999_999

    /// Decimal text of every integer in `low...high` (magnitudes without sign, no leading zeros).
    mutating func digits(from low: UInt64, to high: UInt64) throws(GrammarError) -> GrammarIR.NodeID? {
        guard low <= high else { return nil }
        var options: [GrammarIR.NodeID] = []
        let lowText = Array(String(low).utf8)
        let highText = Array(String(high).utf8)
        for length in lowText.count...highText.count {
            let from = length == lowText.count ? lowText : [0x31] + [UInt8](repeating: 0x30, count: length - 1)
            let to = length == highText.count ? highText : [UInt8](repeating: 0x39, count: length)
            options.append(try sameLength(from[...], to[...]))
        }
        return try ir.choice(options)
    }

    /// Digit strings of equal length between `from` and `to` inclusive.
    private mutating func sameLength(_ from: ArraySlice<UInt8>, _ to: ArraySlice<UInt8>) throws(GrammarError)
        -> GrammarIR.NodeID
    {
        guard let first = from.first, let last = to.first else { return try ir.empty() }
        let rest = from.count - 1
        if first == last {
            return try ir.sequence([try ir.byte(first), try sameLength(from.dropFirst(), to.dropFirst())])
        }
        let anyDigits = try ir.repeated(try ir.set(ByteSet(0x30...0x39)), min: rest, max: rest)
        if from.dropFirst().allSatisfy({ $0 == 0x30 }), to.dropFirst().allSatisfy({ $0 == 0x39 }) {
            return try ir.sequence([try ir.set(ByteSet(first...last)), anyDigits])
        }
        var options = [
            try ir.sequence([
                try ir.byte(first),
                try sameLength(from.dropFirst(), ArraySlice(repeating: 0x39, count: rest)),
            ])
        ]
        if first + 1 <= last - 1 {
            options.append(try ir.sequence([try ir.set(ByteSet((first + 1)...(last - 1))), anyDigits]))
        }
        options.append(
            try ir.sequence([
                try ir.byte(last), try sameLength(ArraySlice(repeating: 0x30, count: rest), to.dropFirst()),
            ]))
        return try ir.choice(options)
    }

    /// Every integer in `low...high` (nil bounds: as far as the digit limit allows).
    mutating func integer(from low: Int64?, to high: Int64?) throws(GrammarError) -> GrammarIR.NodeID? {
        let limit = Int64(Self.maxMagnitude)
        let lo = max(low ?? -limit, -limit)
        let hi = min(high ?? limit, limit)
        guard lo <= hi else { return nil }
        var options: [GrammarIR.NodeID] = []
        if lo < 0, let negative = try digits(from: UInt64(max(1, hi < 0 ? -hi : 1)), to: UInt64(-lo)) {
            options.append(try ir.sequence([try ir.byte(0x2D), negative]))
        }
        if hi >= 0, let positive = try digits(from: UInt64(max(0, lo)), to: UInt64(hi)) { options.append(positive) }
        return options.isEmpty ? nil : try ir.choice(options)
    }

    struct Bound {
        var value: Int64
        var inclusive: Bool
    }

    /// Decimals (optional fraction, no exponent) between integral bounds.
    mutating func decimal(from low: Bound?, to high: Bound?) throws(GrammarError) -> GrammarIR.NodeID? {
        var options: [GrammarIR.NodeID] = []
        // x >= 0
        if high.map({ $0.value > 0 || ($0.value == 0 && $0.inclusive) }) ?? true {
            let from =
                low.map { $0.value >= 0 ? $0 : Bound(value: 0, inclusive: true) } ?? Bound(value: 0, inclusive: true)
            if let node = try magnitudes(from: from, to: high) { options.append(node) }
        }
        // x < 0, written as "-" and a magnitude in (max(0, -high), -low]
        if low.map({ $0.value < 0 }) ?? true {
            let from =
                high.map {
                    $0.value < 0 ? Bound(value: -$0.value, inclusive: $0.inclusive) : Bound(value: 0, inclusive: false)
                }
                ?? Bound(value: 0, inclusive: false)
            let to = low.map { Bound(value: -$0.value, inclusive: $0.inclusive) }
            if let node = try magnitudes(from: from, to: to) {
                options.append(try ir.sequence([try ir.byte(0x2D), node]))
            }
        }
        return options.isEmpty ? nil : try ir.choice(options)
    }

    /// Non-negative decimals m with from ≤ m ≤ to (strict where not inclusive).
    private mutating func magnitudes(from low: Bound, to high: Bound?) throws(GrammarError) -> GrammarIR.NodeID? {
        let limit = Int64(Self.maxMagnitude)
        let a = min(max(low.value, 0), limit)
        let anyFraction = try optionalFraction()
        let digit = try ir.set(ByteSet(0x30...0x39))
        let zeros = try ir.repeated(try ir.byte(0x30), min: 1, max: Self.maxFractionDigits)
        let zeroFraction = try ir.optional(try ir.sequence([try ir.byte(0x2E), zeros]))
        let nonZeroFraction = try ir.sequence([
            try ir.byte(0x2E), try ir.repeated(try ir.byte(0x30), min: 0, max: Self.maxFractionDigits - 1),
            try ir.set(ByteSet(0x31...0x39)), try ir.repeated(digit, min: 0, max: Self.maxFractionDigits - 1),
        ])
        var options: [GrammarIR.NodeID] = []
        let b = high.map { min($0.value, limit) }
        if let b, b < a { return nil }
        if let b, b == a {
            guard low.inclusive, high?.inclusive ?? true, let node = try digits(from: UInt64(a), to: UInt64(a)) else {
                return nil
            }
            return try ir.sequence([node, zeroFraction])
        }
        if let first = try digits(from: UInt64(a), to: UInt64(a)) {
            options.append(try ir.sequence([first, low.inclusive ? anyFraction : nonZeroFraction]))
        }
        if a + 1 <= (b.map { $0 - 1 } ?? limit),
            let middle = try digits(from: UInt64(a + 1), to: UInt64(b.map { $0 - 1 } ?? limit))
        {
            options.append(try ir.sequence([middle, anyFraction]))
        }
        if let b, let high, high.inclusive, let last = try digits(from: UInt64(b), to: UInt64(b)) {
            options.append(try ir.sequence([last, zeroFraction]))
        }
        return options.isEmpty ? nil : try ir.choice(options)
    }
}

extension JSONSchemaCompiler {
    mutating func compileNumber(_ members: Members, integer: Bool, at pointer: String) throws(GrammarError) -> Node? {
        func bound(_ key: String) throws(GrammarError) -> Double? {
            guard let value = members.first(where: { $0.key == key })?.value else { return nil }
            guard case .number(let number) = value, number.value.isFinite else {
                throw .invalidSchema(pointer: pointer + "/" + key, reason: "\(key) must be a number")
            }
            return number.value
        }
        let minimum = try bound("minimum")
        let maximum = try bound("maximum")
        let exclusiveMinimum = try bound("exclusiveMinimum")
        let exclusiveMaximum = try bound("exclusiveMaximum")
        if minimum == nil, maximum == nil, exclusiveMinimum == nil, exclusiveMaximum == nil {
            return integer ? try json.integer() : try json.number()
        }
        let limit = Double(JSONGrammar.maxMagnitude)
        func clamp(_ value: Double) -> Int64 { Int64(max(-limit - 1, min(limit + 1, value))) }
        if integer {
            var low: Double? = minimum.map { $0.rounded(.up) }
            if let e = exclusiveMinimum { low = max(low ?? -.infinity, e.rounded(.down) + 1) }
            var high: Double? = maximum.map { $0.rounded(.down) }
            if let e = exclusiveMaximum { high = min(high ?? .infinity, e.rounded(.up) - 1) }
            return try json.integer(from: low.map(clamp), to: high.map(clamp))
        }
        for (key, value) in [
            ("minimum", minimum), ("maximum", maximum), ("exclusiveMinimum", exclusiveMinimum),
            ("exclusiveMaximum", exclusiveMaximum),
        ] {
            if let value, value.rounded() != value {
                throw .unsupportedValue(
                    keyword: key, pointer: pointer + "/" + key,
                    reason: "bounds of type number must be integers (use type integer, or an integral bound)")
            }
        }
        // The tighter of the inclusive and exclusive bound on each side.
        var low = minimum.map { JSONGrammar.Bound(value: clamp($0), inclusive: true) }
        if let e = exclusiveMinimum, low.map({ Double($0.value) <= e }) ?? true {
            low = JSONGrammar.Bound(value: clamp(e), inclusive: false)
        }
        var high = maximum.map { JSONGrammar.Bound(value: clamp($0), inclusive: true) }
        if let e = exclusiveMaximum, high.map({ Double($0.value) >= e }) ?? true {
            high = JSONGrammar.Bound(value: clamp(e), inclusive: false)
        }
        return try json.decimal(from: low, to: high)
    }
}
