/// A growable array of `Int32` without `Array`'s per-element checks, for the labelling hot loop.
///
/// The owner reserves room before a burst of unchecked appends. Freed when the owning object dies.
final class Int32Buffer {
    private(set) var base: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity)
        base = Self.allocate(self.capacity)
    }

    deinit { GrowableMemory.free(base) }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Int32> {
        GrowableMemory.allocate(byteCount: capacity * 4).bindMemory(to: Int32.self, capacity: capacity)
    }

    /// Makes room for `extra` more elements.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        // Growing by half keeps the unused tail small for volumes with millions of runs.
        let newCapacity = max(needed, capacity + capacity / 2)
        base = GrowableMemory.reallocate(base, byteCount: newCapacity * 4).bindMemory(to: Int32.self, capacity: newCapacity)
        capacity = newCapacity
    }

    func append(contentsOf other: Int32Buffer, adding offset: Int32 = 0) {
        reserve(other.count)
        for n in 0..<other.count { base[count + n] = other.base[n] + offset }
        count += other.count
    }

    /// Moves the contents into an array and releases this buffer's storage, so the two never
    /// coexist at full size.
    func takeArray() -> [Int32] {
        let n = count
        let result = [Int32](uninitializedCapacity: n) { target, initialized in
            target.baseAddress!.moveInitialize(from: base, count: n)
            initialized = n
        }
        GrowableMemory.free(base)
        capacity = 16
        base = Self.allocate(capacity)
        count = 0
        return result
    }
}
