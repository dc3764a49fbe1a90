extension Array {
    /// `Array(unsafeUninitializedCapacity:initializingWith:)`, except that a capacity of 0 gives
    /// `[]` without calling `body`.
    ///
    /// For a capacity of 0 the standard initializer stores the count, 0, into Swift's one shared
    /// empty-array storage. Two threads doing so at once (two patients' jobs, each labelling a
    /// visit with no lesion) write the same address unsynchronised: a data race, harmless in
    /// effect but a race all the same, and ThreadSanitizer stops the process on it. Use this
    /// wherever the capacity can be 0.
    @inlinable
    public init(
        uninitializedCapacity capacity: Int,
        initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) throws -> Void
    ) rethrows {
        if capacity == 0 {
            self = []
        } else {
            try self.init(unsafeUninitializedCapacity: capacity, initializingWith: body)
        }
    }
}
