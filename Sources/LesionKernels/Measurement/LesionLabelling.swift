/// The lesions of one scan: their runs after the size floor and each lesion's measurements.
///
/// Invariants: `lesions[n].label == n + 1`; the runs carry labels 0…`lesions.count`; every run with
/// label L belongs to lesion L, which passed `floor`.
public struct LesionLabelling: Sendable {
    public let runs: LabelRuns
    public let lesions: [Lesion]
    /// Voxels in the thresholded mask, before the size floor.
    public let foregroundVoxels: Int
    /// Components found before the size floor.
    public let componentsBeforeFloor: Int
    public let connectivity: Connectivity
    public let floor: SizeFloor

    public init(
        runs: LabelRuns, lesions: [Lesion], foregroundVoxels: Int, componentsBeforeFloor: Int,
        connectivity: Connectivity, floor: SizeFloor
    ) {
        self.runs = runs
        self.lesions = lesions
        self.foregroundVoxels = foregroundVoxels
        self.componentsBeforeFloor = componentsBeforeFloor
        self.connectivity = connectivity
        self.floor = floor
    }

    public var size: GridSize { runs.size }

    /// The dense label map, painted from the runs: O(voxels), so compute it once.
    public var map: LabelMap { runs.labelMap(count: lesions.count) }

    public var totalVolumeMM3: Double { lesions.reduce(0) { $0 + $1.volumeMM3 } }

    /// Labels and measures a mask with the reference labeller, then applies the size floor.
    public static func reference(
        mask: Volume<Bool>, geometry: VoxelGeometry, connectivity: Connectivity,
        floor: SizeFloor, intensity: (Int) -> Double
    ) -> LesionLabelling {
        let all = ReferenceLabeller.label(mask, connectivity: connectivity)
        let measured = ReferenceMeasurer.measure(all, geometry: geometry, intensity: intensity)
        let kept = measured.filter(floor.keeps)
        var remap = [Int32](repeating: 0, count: all.count + 1)
        for (n, lesion) in kept.enumerated() { remap[lesion.label] = Int32(n + 1) }
        var runs = LabelRuns(all)
        runs.labels = runs.labels.map { remap[Int($0)] }
        let lesions = kept.enumerated().map { n, lesion in
            var renumbered = lesion
            renumbered.label = n + 1
            return renumbered
        }
        let result = LesionLabelling(
            runs: runs, lesions: lesions, foregroundVoxels: mask.voxels.reduce(0) { $0 + ($1 ? 1 : 0) },
            componentsBeforeFloor: all.count, connectivity: connectivity, floor: floor
        ).keepingReaderLength(affine: geometry.affine)
        #if LESIONTRACK_CHECKS
        result.checkInvariants()
        #endif
        return result
    }

    /// Traps when an invariant is broken: labels consecutive, counts match the runs, boxes contain their runs.
    public func checkInvariants() {
        var counts = [Int](repeating: 0, count: lesions.count + 1)
        var total = 0
        for row in 0..<(size.ny * size.nz) {
            let j = row % max(size.ny, 1), k = row / max(size.ny, 1)
            var previousEnd: Int32 = -2
            for n in runs.rowBegin[row]..<runs.rowBegin[row + 1] {
                let (s, e, label) = (runs.starts[n], runs.ends[n], Int(runs.labels[n]))
                precondition(s <= e && s > previousEnd && e < size.nx, "runs of row \(row) overlap or leave the grid")
                previousEnd = e
                total += Int(e - s + 1)
                guard label != 0 else { continue }
                precondition(label <= lesions.count, "run label \(label) beyond \(lesions.count) lesions")
                counts[label] += Int(e - s + 1)
                let box = lesions[label - 1].boundingBox
                precondition(
                    box.contains(VoxelIndex(Int(s), j, k)) && box.contains(VoxelIndex(Int(e), j, k)),
                    "lesion \(label) has a voxel outside its bounding box")
            }
        }
        for (n, lesion) in lesions.enumerated() {
            precondition(lesion.label == n + 1, "labels are not consecutive at \(n + 1)")
            precondition(counts[n + 1] == lesion.voxelCount, "lesion \(n + 1) voxel count disagrees")
        }
        precondition(total == foregroundVoxels, "runs do not cover the foreground")
    }
}
