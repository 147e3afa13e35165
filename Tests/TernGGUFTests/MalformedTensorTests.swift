import Testing
import TernGGUF

/// Files broken in their tensor infos or tensor data; each must be rejected with exactly one
/// error case naming the tensor and the offset of the field at fault.
@Suite struct MalformedTensorTests {
    private let f32 = GGMLType.f32.rawValue

    /// A file with one tensor info built by `body`, then 256 bytes of aligned data.
    private func file(_ body: (inout RawGGUF) -> Void) -> [UInt8] {
        var raw = RawGGUF(tensors: 1, keys: 0)
        body(&raw)
        raw.alignedData(count: 256)
        return raw.bytes
    }

    @Test func truncatedTensorData() throws {
        var writer = GGUFWriter()
        writer.addTensor(name: "a", type: .f32, shape: [8], data: f32Bytes(Array(repeating: 1, count: 8)))
        writer.addTensor(
            name: "blk.0.ffn_up.weight", type: .f32, shape: [8], data: f32Bytes(Array(repeating: 2, count: 8)))
        let bytes = writer.serialize()
        let complete = try GGUFFile(bytes: bytes)
        let last = try #require(complete.tensor(named: "blk.0.ffn_up.weight"))
        #expect(last.offset + last.byteCount == bytes.count)

        let cut = Array(bytes.dropLast(4))
        #expect(
            throws: GGUFError.tensorDataOutOfBounds(
                tensor: "blk.0.ffn_up.weight", offset: last.offset, byteCount: 32, fileSize: cut.count)
        ) { try GGUFFile(bytes: cut) }
    }

    @Test func tensorPastTheEnd() {
        var dataOffset = 0
        let bytes = file { raw in
            raw.tensor("output.weight", type: f32, shape: [64], offset: 4096)
            dataOffset = (raw.position + 31) / 32 * 32
        }
        #expect(
            throws: GGUFError.tensorDataOutOfBounds(
                tensor: "output.weight", offset: dataOffset + 4096, byteCount: 256, fileSize: bytes.count)
        ) { try GGUFFile(bytes: bytes) }
    }

    @Test func tensorOffsetBeyondIntRange() {
        let bytes = file { raw in raw.tensor("w", type: f32, shape: [4], offset: UInt64.max - 31) }
        #expect(
            throws: GGUFError.tensorDataOutOfBounds(tensor: "w", offset: Int.max, byteCount: 16, fileSize: bytes.count)
        ) { try GGUFFile(bytes: bytes) }
    }

    @Test func unknownTensorType() {
        var typeOffset = 0
        let bytes = file { raw in
            raw.string("blk.3.attn_q.weight")
            raw.u32(2)
            raw.i64(32)
            raw.i64(2)
            typeOffset = raw.position
            raw.u32(4)  // Q4_2, removed from ggml
            raw.u64(0)
        }
        #expect(throws: GGUFError.unknownTensorType(tensor: "blk.3.attn_q.weight", offset: typeOffset, type: 4)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func duplicateTensor() {
        var raw = RawGGUF(tensors: 2, keys: 0)
        raw.tensor("token_embd.weight", type: f32, shape: [4], offset: 0)
        let second = raw.tensor("token_embd.weight", type: f32, shape: [4], offset: 32)
        raw.alignedData(count: 64)
        #expect(throws: GGUFError.duplicateTensor("token_embd.weight", offset: second)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func misalignedTensorOffset() {
        var offsetField = 0
        let bytes = file { raw in
            raw.string("w")
            raw.u32(1)
            raw.i64(4)
            raw.u32(f32)
            offsetField = raw.position
            raw.u64(16)
        }
        #expect(
            throws: GGUFError.misalignedTensorOffset(tensor: "w", offset: offsetField, tensorOffset: 16, alignment: 32)
        ) { try GGUFFile(bytes: bytes) }
    }

    @Test func misalignedUnderCustomAlignment() {
        var raw = RawGGUF(tensors: 1, keys: 1)
        raw.keyU32("general.alignment", 64)
        raw.string("w")
        raw.u32(1)
        raw.i64(4)
        raw.u32(f32)
        let offsetField = raw.position
        raw.u64(32)
        raw.alignedData(count: 128, alignment: 64)
        #expect(
            throws: GGUFError.misalignedTensorOffset(tensor: "w", offset: offsetField, tensorOffset: 32, alignment: 64)
        ) { try GGUFFile(bytes: raw.bytes) }
    }

    @Test(arguments: [UInt32(0), 5, 1000])
    func badDimensionCount(count: UInt32) {
        var countOffset = 0
        let bytes = file { raw in
            raw.string("w")
            countOffset = raw.position
            raw.u32(count)
            for _ in 0..<min(count, 5) { raw.i64(1) }
            raw.u32(0)
            raw.u64(0)
        }
        #expect(throws: GGUFError.invalidDimensionCount(tensor: "w", offset: countOffset, count: count)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test(arguments: [[Int64(0)], [4, 0], [4, -1], [Int64.min, 1]])
    func zeroOrNegativeDimension(shape: [Int64]) {
        var shapeOffset = 0
        let bytes = file { raw in
            shapeOffset = raw.tensor("w", type: f32, shape: shape, offset: 0) + 8 + 1 + 4
        }
        #expect(throws: GGUFError.invalidDimension(tensor: "w", offset: shapeOffset, shape: shape)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test(arguments: [[Int64(1) << 40, 1 << 40], [1 << 62, 4], [Int64.max]])
    func overflowingSize(shape: [Int64]) {
        var shapeOffset = 0
        let bytes = file { raw in
            shapeOffset = raw.tensor("big", type: f32, shape: shape, offset: 0) + 8 + 3 + 4
        }
        #expect(throws: GGUFError.tensorTooLarge(tensor: "big", offset: shapeOffset, shape: shape)) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func rowNotMultipleOfBlockSize() {
        var shapeOffset = 0
        let bytes = file { raw in
            shapeOffset = raw.tensor("q", type: GGMLType.q4_0.rawValue, shape: [48, 2], offset: 0) + 8 + 1 + 4
        }
        #expect(
            throws: GGUFError.rowNotMultipleOfBlock(tensor: "q", offset: shapeOffset, rowLength: 48, type: .q4_0)
        ) { try GGUFFile(bytes: bytes) }
    }

    @Test func truncatedTensorInfo() {
        var raw = RawGGUF(tensors: 1, keys: 0)
        raw.tensor("blk.0.attn_k.weight", type: f32, shape: [4, 4, 4, 4], offset: 0)
        // Cut inside the type field, after the four dimensions.
        let typeOffset = raw.position - 12
        let cut = Array(raw.bytes.prefix(typeOffset + 1))
        #expect(throws: GGUFError.truncated(.tensorInfo(name: "blk.0.attn_k.weight"), offset: typeOffset)) {
            try GGUFFile(bytes: cut)
        }
    }

    @Test func hugeTensorNameLength() {
        var raw = RawGGUF(tensors: 1, keys: 0)
        raw.u64(1 << 50)
        raw.raw([UInt8](repeating: 0, count: 40))
        #expect(throws: GGUFError.stringTooLong(.tensorName(index: 0), offset: 24, length: 1 << 50)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }

    @Test func overlappingTensors() {
        var raw = RawGGUF(tensors: 2, keys: 0)
        raw.tensor("a", type: f32, shape: [16], offset: 0)
        raw.tensor("b", type: f32, shape: [16], offset: 32)
        raw.alignedData(count: 128)
        let dataOffset = raw.bytes.count - 128
        #expect(throws: GGUFError.overlappingTensors(tensor: "b", other: "a", offset: dataOffset + 32)) {
            try GGUFFile(bytes: raw.bytes)
        }
    }
}
