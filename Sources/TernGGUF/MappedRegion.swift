#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Read-only bytes of a GGUF file: a private read-only memory mapping of the file, or a heap
/// copy for files built in memory. Releases them when the last reference goes away.
///
/// `@unchecked Sendable`: the bytes are never written after init and the pointer is only freed in
/// deinit, when no other reference can exist.
final class MappedRegion: @unchecked Sendable {
    private enum Owner {
        case mapping
        case heap
    }

    /// The region's bytes; valid for the region's lifetime.
    let bytes: UnsafeRawBufferPointer
    private let owner: Owner

    /// Maps `path` read-only. Files are never read into memory: pages come in on first touch.
    init(mapping path: String) throws(GGUFError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        // The mapping stays valid after the descriptor is closed.
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotOpen(path: path, errno: errno) }
        let size = Int(status.st_size)
        guard size > 0 else {
            // mmap rejects empty lengths; an empty region is simply a truncated header.
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            owner = .heap
            return
        }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw .cannotMap(path: path, errno: errno) }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        owner = .mapping
    }

    /// Copies `source` into page-aligned heap memory, so tensor data is as aligned as in a mapping.
    init(copying source: [UInt8]) {
        guard !source.isEmpty else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            owner = .heap
            return
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 4096)
        storage.copyBytes(from: source)
        bytes = UnsafeRawBufferPointer(storage)
        owner = .heap
    }

    deinit {
        guard let address = bytes.baseAddress else { return }
        switch owner {
        case .mapping: munmap(UnsafeMutableRawPointer(mutating: address), bytes.count)
        case .heap: address.deallocate()
        }
    }
}
