import LesionKernels

/// The voxels shared by the lesions of two label maps on one grid.
///
/// `voxels(a, b)` counts voxels labelled `a` in the first map and `b` in the second, where 0 is
/// background: `voxels(a, 0)` is the part of first-map lesion `a` outside every second-map
/// lesion. Pairs of lesions are kept sparsely, so the table costs memory in proportion to the
/// pairs that touch, not to the product of the counts. Built in one pass, time O(N).
public struct OverlapTable: Sendable {
    public let firstCount: Int
    public let secondCount: Int
    /// Voxels of each first-map lesion, indexed by label (index 0 unused).
    public let firstSizes: [Int]
    /// Voxels of each second-map lesion, indexed by label (index 0 unused).
    public let secondSizes: [Int]
    /// Every pair of lesions sharing at least one voxel, by first label then second label.
    public let pairs: [(first: Int, second: Int, voxels: Int)]
    private let shared: [Pair: Int]
    private let partnersOfFirst: [[Int]]
    private let partnersOfSecond: [[Int]]

    private struct Pair: Hashable {
        let first: Int
        let second: Int
    }

    public init(_ first: LabelMap, _ second: LabelMap) {
        precondition(first.size == second.size, "overlap needs two maps on one grid")
        var firstSizes = [Int](repeating: 0, count: first.count + 1)
        var secondSizes = [Int](repeating: 0, count: second.count + 1)
        var shared: [Pair: Int] = [:]
        let a = first.labels.voxels, b = second.labels.voxels
        for n in a.indices {
            let x = Int(a[n]), y = Int(b[n])
            firstSizes[x] += 1
            secondSizes[y] += 1
            if x != 0 && y != 0 { shared[Pair(first: x, second: y), default: 0] += 1 }
        }
        firstSizes[0] = 0
        secondSizes[0] = 0
        self.init(firstSizes: firstSizes, secondSizes: secondSizes, shared: shared)
    }

    private init(firstSizes: [Int], secondSizes: [Int], shared: [Pair: Int]) {
        self.firstCount = firstSizes.count - 1
        self.secondCount = secondSizes.count - 1
        self.firstSizes = firstSizes
        self.secondSizes = secondSizes
        self.shared = shared
        let pairs = shared.map { (first: $0.key.first, second: $0.key.second, voxels: $0.value) }
            .sorted { ($0.first, $0.second) < ($1.first, $1.second) }
        var ofFirst = [[Int]](repeating: [], count: firstSizes.count)
        var ofSecond = [[Int]](repeating: [], count: secondSizes.count)
        for pair in pairs {
            ofFirst[pair.first].append(pair.second)
            ofSecond[pair.second].append(pair.first)
        }
        self.pairs = pairs
        self.partnersOfFirst = ofFirst
        self.partnersOfSecond = ofSecond
    }

    /// Voxels labelled `a` in the first map and `b` in the second (0 = background; not both 0).
    public func voxels(_ a: Int, _ b: Int) -> Int {
        precondition(a != 0 || b != 0, "background overlap is not kept")
        if b == 0 { return firstSizes[a] - partnersOfFirst[a].reduce(0) { $0 + shared[Pair(first: a, second: $1)]! } }
        if a == 0 { return secondSizes[b] - partnersOfSecond[b].reduce(0) { $0 + shared[Pair(first: $1, second: b)]! } }
        return shared[Pair(first: a, second: b)] ?? 0
    }

    /// Second-map lesions sharing a voxel with first-map lesion `a`, ascending.
    public func partners(ofFirst a: Int) -> [Int] { partnersOfFirst[a] }

    /// First-map lesions sharing a voxel with second-map lesion `b`, ascending.
    public func partners(ofSecond b: Int) -> [Int] { partnersOfSecond[b] }

    /// The same table with the roles of the two maps swapped.
    public func transposed() -> OverlapTable {
        var swapped: [Pair: Int] = [:]
        for (pair, count) in shared { swapped[Pair(first: pair.second, second: pair.first)] = count }
        return OverlapTable(firstSizes: secondSizes, secondSizes: firstSizes, shared: swapped)
    }
}
