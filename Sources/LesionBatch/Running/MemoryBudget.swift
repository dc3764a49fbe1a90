/// A bound on the bytes that participants' jobs hold in volumes at once.
///
/// A job reserves its estimate before it reads voxels and releases it when done; a reservation
/// waits while it would take the total above `capacityBytes`. A job whose estimate alone
/// exceeds the capacity runs when nothing else is reserved, so a huge scan slows the batch down
/// but never stops it. Waiters are served first come, first served.
actor MemoryBudget {
    let capacityBytes: Int
    private var reservedBytes = 0
    private var waiting: [(bytes: Int, resume: CheckedContinuation<Void, Never>)] = []

    init(capacityBytes: Int) { self.capacityBytes = max(1, capacityBytes) }

    func reserve(_ bytes: Int) async {
        if waiting.isEmpty && fits(bytes) {
            reservedBytes += bytes
            return
        }
        await withCheckedContinuation { waiting.append((bytes, $0)) }
    }

    func release(_ bytes: Int) {
        reservedBytes -= bytes
        while let first = waiting.first, fits(first.bytes) {
            waiting.removeFirst()
            reservedBytes += first.bytes
            first.resume.resume()
        }
    }

    /// The bytes reserved now.
    var reserved: Int { reservedBytes }

    /// Reservations waiting now.
    var waitingCount: Int { waiting.count }

    private func fits(_ bytes: Int) -> Bool { reservedBytes == 0 || reservedBytes + bytes <= capacityBytes }
}
