/// A UTF-8 fragment decoded to scalars, with each scalar's byte offset and Unicode class.
struct UTF8Scalars {
    var scalars: [UInt32] = []
    var flags: [CodepointFlags] = []
    /// Byte offset where each scalar starts; one extra element holds the fragment's length.
    var offsets: [Int32] = []

    /// Decodes `bytes`. A malformed byte is classified as U+FFFD, as llama.cpp's
    /// `unicode_cpts_from_utf8` reads it, but keeps its own byte for merging. Text from a Swift
    /// `String` is always well formed, so this only guards against misuse.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        scalars.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var index = 0
        let count = bytes.count
        while index < count {
            offsets.append(Int32(index))
            let lead = bytes[index]
            if lead < 0x80 {
                scalars.append(UInt32(lead))
                index += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
            var value = UInt32(lead) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
            var valid = length > 0 && index + length <= count
            if valid {
                for offset in 1..<length {
                    let byte = bytes[index + offset]
                    guard byte & 0xC0 == 0x80 else {
                        valid = false
                        break
                    }
                    value = value << 6 | UInt32(byte & 0x3F)
                }
            }
            if valid {
                scalars.append(value)
                index += length
            } else {
                scalars.append(0xFFFD)
                index += 1
            }
        }
        offsets.append(Int32(count))
        flags = scalars.map(CodepointFlags.of)
    }

    var count: Int { scalars.count }
}
