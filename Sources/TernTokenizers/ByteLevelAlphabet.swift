/// GPT-2's reversible byte ↔ character mapping. Byte-level BPE vocabularies spell every byte as a
/// printable character: the printable Latin-1 bytes stand for themselves and the other 68 bytes
/// (controls, space, DEL, NBSP, soft hyphen, …) are moved, in byte order, to U+0100 onwards.
/// So a space is `Ġ` (U+0120) and a newline `Ċ` (U+010A) in token texts.
enum ByteLevelAlphabet {
    /// The scalar value standing for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var shifted: UInt32 = 256
        for byte in 0..<256 {
            if standsForItself(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = shifted
                shifted += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of each byte's character (one or two bytes), used to build token texts.
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { value in
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return Array(String(Character(scalar)).utf8)
    }

    /// The byte each alphabet scalar stands for, indexed by scalar value; -1 outside the alphabet.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, value) in scalarForByte.enumerated() {
            table[Int(value)] = Int16(byte)
        }
        return table
    }()

    /// The byte a scalar stands for, or nil when the scalar is not part of the alphabet.
    @inline(__always)
    static func byte(for value: UInt32) -> UInt8? {
        guard value < 0x144 else { return nil }
        let byte = byteForScalar[Int(value)]
        return byte < 0 ? nil : UInt8(byte)
    }

    private static func standsForItself(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }
}
