#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory from the C allocator, grown with `realloc`.
///
/// The labelling buffers grow while a volume is scanned. `realloc` moves a large block by
/// remapping its pages (Linux's `mremap`) instead of copying them into fresh pages, each of which
/// the kernel would first have to fault in and clear. The C allocator aligns every block to at
/// least 16 bytes, enough for any scan scalar and SIMD load.
enum GrowableMemory {
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard let block = malloc(max(byteCount, 1)) else { fatalError("out of memory: \(byteCount) bytes") }
        return block
    }

    /// The block grown (or shrunk) to `byteCount`, its first bytes kept; `block` is no longer valid.
    static func reallocate(_ block: UnsafeMutableRawPointer, byteCount: Int) -> UnsafeMutableRawPointer {
        guard let moved = realloc(block, max(byteCount, 1)) else { fatalError("out of memory: \(byteCount) bytes") }
        return moved
    }

    static func free(_ block: UnsafeMutableRawPointer) {
        #if canImport(Glibc)
        Glibc.free(block)
        #elseif canImport(Musl)
        Musl.free(block)
        #elseif canImport(Darwin)
        Darwin.free(block)
        #endif
    }
}
