/// A string-keyed map that remembers insertion order, like a Python dict.
///
/// Equality ignores order (as `==` on Python dicts does); iteration, `tojson` and printing follow it.
public struct TemplateObject: Sendable, Hashable {
    /// The keys in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: TemplateValue] = [:]

    /// An empty object.
    public init() {}

    /// An object with `entries` in order; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, TemplateValue) {
        for (key, value) in entries {
            self[key] = value
        }
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// True when the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The members in insertion order.
    public var entries: [(key: String, value: TemplateValue)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }

    /// The value stored under `key`. Setting a new key appends it; setting nil removes it.
    public subscript(key: String) -> TemplateValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Same members with equal values, in any order (as Python compares dicts).
    public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
        lhs.storage == rhs.storage
    }

    /// Hashes the members without their order, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage)
    }
}

extension TemplateObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(elements)
    }
}
