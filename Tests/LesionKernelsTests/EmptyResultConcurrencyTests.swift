import Dispatch
import LesionKernels
import Testing

/// Lesion-free volumes labelled on many threads at once, as a batch does with patients whose
/// visits have no lesion. ThreadSanitizer's step of the test command runs this suite: an empty
/// result built through Swift's shared empty-array storage is a data race it reports.
@Suite("Empty results on concurrent threads")
struct EmptyResultConcurrencyTests {
    @Test("a capacity of 0 gives [] without calling the body; any other capacity calls it")
    func emptyArray() {
        var calls = 0
        let empty = [Int32](uninitializedCapacity: 0) { _, _ in calls += 1 }
        #expect(empty.isEmpty)
        #expect(calls == 0)
        let three = [Int32](uninitializedCapacity: 3) { buffer, initialized in
            calls += 1
            for n in 0..<3 { buffer[n] = Int32(7 * n) }
            initialized = 3
        }
        #expect(three == [0, 7, 14])
        #expect(calls == 1)
    }

    @Test("16 lesion-free volumes labelled at once: no runs, no lesions, every time")
    func lesionFreeVolumes() {
        let size = GridSize(19, 11, 7)
        // Values up to 0.4, under the 0.5 threshold: the labeller runs, and finds nothing.
        let volume = Volume(size: size, voxels: (0..<size.voxelCount).map { Float($0 % 5) / 10 })
        let geometry = VoxelGeometry(size: size, affine: .spacing(1, 1, 2))
        let jobs = 16
        nonisolated(unsafe) let found = UnsafeMutableBufferPointer<SIMD4<Int>>.allocate(capacity: jobs)
        defer { found.deallocate() }
        found.initialize(repeating: SIMD4(-1, -1, -1, -1))
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            let labelling = FastLabeller.label(
                volume, scaling: .identity, window: IntensityWindow(lower: 0.5), geometry: geometry,
                connectivity: .twentySix, floor: SizeFloor(minimumVoxels: 3))
            let (runs, count) = FastLabeller.components(BitMask(size: size), connectivity: .six)
            found[job] = SIMD4(labelling.runs.runCount, labelling.lesions.count, runs.runCount, count)
        }
        #expect(Array(found) == Array(repeating: SIMD4(0, 0, 0, 0), count: jobs))
    }
}
