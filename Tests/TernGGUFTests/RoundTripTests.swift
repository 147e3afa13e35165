import Foundation
import Testing

import TernGGUF

/// One value of every metadata type, including nested and empty arrays, in a fixed order.
let everyValueType: [(String, GGUFValue)] = [
    ("test.uint8", .uint8(250)),
    ("test.int8", .int8(-120)),
    ("test.uint16", .uint16(65000)),
    ("test.int16", .int16(-32000)),
    ("test.uint32", .uint32(4_000_000_000)),
    ("test.int32", .int32(-2_000_000_000)),
    ("test.float32", .float32(3.5)),
    ("test.bool.true", .bool(true)),
    ("test.bool.false", .bool(false)),
    ("test.string", .string("héllo, wörld ✓")),
    ("test.string.empty", .string("")),
    ("test.uint64", .uint64(UInt64.max)),
    ("test.int64", .int64(Int64.min)),
    ("test.float64", .float64(-1.25e300)),
    ("test.array.strings", .array([.string("a"), .string(""), .string("Ġthe")])),
    ("test.array.int32", .array([.int32(1), .int32(-2), .int32(3)])),
    ("test.array.float32", .array([.float32(0.5), .float32(-1e-5)])),
    ("test.array.bools", .array([.bool(true), .bool(false)])),
    ("test.array.uint64", .array([.uint64(1), .uint64(UInt64.max)])),
    ("test.array.float64", .array([.float64(2.5)])),
    ("test.array.empty", .array([])),
    (
        "test.array.nested",
        .array([
            .array([.uint8(1), .uint8(2)]),
            .array([.string("x")]),
            .array([]),
            .array([.array([.int16(-7)])]),
        ])
    ),
]

@Suite struct RoundTripTests {
    @Test(arguments: [UInt32(2), 3])
    func everyValueTypeReadsBackAsWritten(version: UInt32) throws {
        var writer = GGUFWriter(version: version)
        for (key, value) in everyValueType { writer.set(key, value) }
        let file = try GGUFFile(bytes: writer.serialize())

        #expect(file.version == version)
        #expect(file.metadata.keys == everyValueType.map(\.0))
        for (key, value) in everyValueType {
            #expect(file.metadata[key] == value, "\(key)")
        }
        #expect(file.tensors.isEmpty)
        #expect(file.alignment == 32)
    }

    @Test func settingAKeyAgainReplacesItInPlace() throws {
        var writer = GGUFWriter()
        writer.set("a", .uint32(1))
        writer.set("b", .uint32(2))
        writer.set("a", .string("again"))
        let file = try GGUFFile(bytes: writer.serialize())
        #expect(file.metadata.keys == ["a", "b"])
        #expect(file.metadata.string("a") == "again")
    }

    @Test func tensorInfosAndDataReadBack() throws {
        let norm = f32Bytes((0..<8).map { Float($0) * 0.5 })
        let q41 = (0..<(2 * 20 * 3)).map { UInt8($0 & 0xFF) }  // [64, 3]: 2 blocks per row
        let q8 = (0..<(34 * 4)).map { UInt8(255 - $0 % 256) }  // [32, 2, 2]
        let q4k = [UInt8](repeating: 7, count: 144 * 2)  // [256, 2]
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.addTensor(name: "norm", type: .f32, shape: [8], data: norm)
        writer.addTensor(name: "q41", type: .q4_1, shape: [64, 3], data: q41)
        writer.addTensor(name: "q8", type: .q8_0, shape: [32, 2, 2], data: q8)
        writer.addTensor(name: "q4k", type: .q4_K, shape: [256, 2], data: q4k)
        let file = try GGUFFile(bytes: writer.serialize())

        #expect(file.architecture == "llama")
        #expect(file.tensors.map(\.name) == ["norm", "q41", "q8", "q4k"])
        #expect(file.dataOffset % 32 == 0)
        let q41Info = try #require(file.tensor(named: "q41"))
        #expect(q41Info.type == .q4_1)
        #expect(q41Info.shape == [64, 3])
        #expect(q41Info.elementCount == 192)
        #expect(q41Info.rowCount == 3)
        #expect(q41Info.rowBytes == 40)
        #expect(q41Info.byteCount == 120)
        let q8Info = try #require(file.tensor(named: "q8"))
        #expect(q8Info.rowCount == 4)
        #expect(q8Info.byteCount == 136)
        for tensor in file.tensors {
            #expect(tensor.offset % 32 == 0)
            #expect(tensor.offset >= file.dataOffset)
        }
        #expect(Array(file.data(of: file.tensors[0])) == norm)
        #expect(Array(file.data(of: q41Info)) == q41)
        #expect(Array(file.data(of: q8Info)) == q8)
        #expect(file.data(named: "q4k").map(Array.init) == q4k)
        #expect(file.tensor(named: "missing") == nil)
        #expect(file.data(named: "missing") == nil)
        let floats = file.data(of: file.tensors[0]).withMemoryRebound(to: Float.self) { Array($0) }
        #expect(floats == (0..<8).map { Float($0) * 0.5 })
    }

    @Test(arguments: [1, 8, 64, 256, 4096])
    func customAlignmentIsRecordedAndHonoured(alignment: Int) throws {
        var writer = GGUFWriter(alignment: alignment)
        writer.set("x", .string("odd-length string so the header ends unaligned"))
        writer.addTensor(name: "a", type: .f32, shape: [3], data: f32Bytes([1, 2, 3]))
        writer.addTensor(name: "b", type: .i8, shape: [5], data: [1, 2, 3, 4, 5])
        writer.addTensor(name: "c", type: .f16, shape: [2], data: [0, 60, 0, 188])
        let file = try GGUFFile(bytes: writer.serialize())

        #expect(file.alignment == alignment)
        #expect(file.metadata.int("general.alignment") == (alignment == 32 ? nil : alignment))
        #expect(file.dataOffset % alignment == 0)
        for tensor in file.tensors {
            #expect(tensor.offset % alignment == 0, "\(tensor.name)")
            // The heap copy is page-aligned like a mapping, so data pointers keep the alignment.
            #expect(Int(bitPattern: file.data(of: tensor).baseAddress) % alignment == 0)
        }
        #expect(file.data(named: "b").map(Array.init) == [1, 2, 3, 4, 5])
        #expect(file.data(named: "c").map(Array.init) == [0, 60, 0, 188])
    }

    @Test func fileOnDiskOpensByPathAndURLLikeInMemory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var writer = GGUFWriter()
        for (key, value) in everyValueType { writer.set(key, value) }
        writer.addTensor(name: "w", type: .q8_0, shape: [32, 3], data: (0..<102).map { UInt8($0) })
        let path = directory.path("model.gguf")
        try writer.write(to: path)

        let byPath = try GGUFFile(path: path)
        let byURL = try GGUFFile(contentsOf: URL(fileURLWithPath: path))
        let inMemory = try GGUFFile(bytes: writer.serialize())
        #expect(byPath.path == path)
        #expect(byPath.fileSize == inMemory.fileSize)
        for other in [byURL, inMemory] {
            #expect(byPath.metadata == other.metadata)
            #expect(byPath.tensors == other.tensors)
            #expect(byPath.dataOffset == other.dataOffset)
        }
        #expect(Array(byPath.data(of: byPath.tensors[0])) == (0..<102).map { UInt8($0) })
    }

    @Test func emptyFileHasNoKeysOrTensors() throws {
        let file = try GGUFFile(bytes: GGUFWriter().serialize())
        #expect(file.metadata.count == 0)
        #expect(file.tensors.isEmpty)
        #expect(file.architecture == nil)
        #expect(file.fileSize == 24)
    }

    @Test func tensorOffsetsNeedNotFollowFileOrder() throws {
        // Two tensors whose data is stored in the opposite order to their infos.
        var raw = RawGGUF(tensors: 2, keys: 0)
        raw.tensor("second", type: GGMLType.f32.rawValue, shape: [8], offset: 32)
        raw.tensor("first", type: GGMLType.f32.rawValue, shape: [8], offset: 0)
        raw.alignedData(count: 64)
        let file = try GGUFFile(bytes: raw.bytes)
        #expect(file.tensors.map(\.name) == ["second", "first"])
        #expect(file.data(named: "first").map(Array.init) == (0..<32).map { UInt8($0) })
        #expect(file.data(named: "second").map(Array.init) == (32..<64).map { UInt8($0) })
    }
}
