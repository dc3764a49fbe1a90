import LesionIO

/// Seconds a batch run spent in each stage of its participants' work, summed over participants
/// (jobs running side by side each add their own), so the slowest stage is visible.
public struct StageSeconds: Sendable, Equatable {
    /// SHA-256 of every input file, for the input key.
    public var hashing = 0.0
    /// Headers and voxels read (`NIfTIReader`), including decompression.
    public var reading = 0.0
    /// elastix registering images (its `elastix_seconds`; nothing when a stored transform is reused).
    public var registration = 0.0
    /// The raw-image segmentation kernels (`lesion-growth` and `subtraction` sources: white-matter
    /// reference, growth, morphology), out of `labelling`.
    public var segmentation = 0.0
    /// Thresholding, labelling, measuring, placing visits on one grid, matching lesions over time
    /// and classifying: the participant's work between reading and writing, registration and
    /// segmentation aside.
    public var labelling = 0.0
    /// Label maps and per-participant reports written.
    public var writing = 0.0
    /// Committing results to the results database (by the coordinating task).
    public var database = 0.0

    public init() {}

    /// The stages with their JSON names, in the order of a run.
    public var named: [(String, Double)] {
        [
            ("hashing", hashing), ("reading", reading), ("registration", registration), ("segmentation", segmentation),
            ("labelling", labelling),
            ("writing", writing), ("database", database),
        ]
    }

    mutating func add(_ other: StageSeconds) {
        hashing += other.hashing
        reading += other.reading
        registration += other.registration
        segmentation += other.segmentation
        labelling += other.labelling
        writing += other.writing
        database += other.database
    }

    var json: String {
        "{" + named.map { "\(JSON.string($0.0)): \(JSON.number(($0.1 * 1e6).rounded() / 1e6))" }.joined(separator: ", ") + "}"
    }
}

/// Seconds spent reading during one participant's job, noted by its reader's observer.
final class ReadClock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var total = 0.0

    init() { pthread_mutex_init(lock, nil) }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    func add(_ seconds: Double) {
        pthread_mutex_lock(lock)
        total += seconds
        pthread_mutex_unlock(lock)
    }

    var seconds: Double {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return total
    }
}
