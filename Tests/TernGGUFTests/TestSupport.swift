import Foundation
import TernTestSupport
import TernGGUF

/// Writes GGUF fields one by one, so tests can build files the `GGUFWriter` would never produce
/// and know the byte offset of every field they wrote.
struct RawGGUF {
    private(set) var bytes: [UInt8] = []

    /// Offset the next field will be written at.
    var position: Int { bytes.count }

    /// A header: magic, version, tensor count, metadata count.
    init(version: UInt32 = 3, tensors: UInt64, keys: UInt64) {
        bytes = Array("GGUF".utf8)
        u32(version)
        u64(tensors)
        u64(keys)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { append(value) }
    mutating func u64(_ value: UInt64) { append(value) }
    mutating func i64(_ value: Int64) { append(value) }
    mutating func raw(_ more: [UInt8]) { bytes.append(contentsOf: more) }

    mutating func string(_ value: String) {
        u64(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A key with a uint32 value; returns the offset of the value.
    @discardableResult
    mutating func keyU32(_ key: String, _ value: UInt32) -> Int {
        string(key)
        u32(GGUFValueType.uint32.rawValue)
        let offset = position
        u32(value)
        return offset
    }

    /// A tensor info; returns the offset of its name.
    @discardableResult
    mutating func tensor(_ name: String, type: UInt32, shape: [Int64], offset: UInt64) -> Int {
        let start = position
        string(name)
        u32(UInt32(shape.count))
        for dimension in shape { i64(dimension) }
        u32(type)
        u64(offset)
        return start
    }

    /// Zero bytes up to the next multiple of `alignment`, then `count` bytes of data.
    mutating func alignedData(count: Int, alignment: Int = 32) {
        while bytes.count % alignment != 0 { bytes.append(0) }
        bytes.append(contentsOf: (0..<count).map { UInt8(truncatingIfNeeded: $0) })
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Bytes of a float array as little-endian F32 data.
func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// A path in a fresh temporary directory; the directory is removed by `cleanUp`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tern-gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let file = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// A small deterministic generator (SplitMix64) so fuzz failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The real model file: `TERN_TEST_MODEL`, or the default download location.
var testModelPath: String {
    (try? TestResources.modelPath()) ?? "<missing test model: set TERN_TEST_MODEL>"
}
