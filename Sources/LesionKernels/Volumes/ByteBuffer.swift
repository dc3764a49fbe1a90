/// A growable run of bytes, 16-byte aligned, for values copied out of rows while they are in cache.
final class ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 4096) {
        self.capacity = max(64, capacity)
        base = GrowableMemory.allocate(byteCount: self.capacity)
    }

    deinit { GrowableMemory.free(base) }

    func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(count + extra, capacity + capacity / 2)
        base = GrowableMemory.reallocate(base, byteCount: newCapacity)
        capacity = newCapacity
    }

    func append(contentsOf other: ByteBuffer) {
        reserve(other.count)
        (base + count).copyMemory(from: other.base, byteCount: other.count)
        count += other.count
    }
}
