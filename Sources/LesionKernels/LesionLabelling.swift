/// The lesions of one scan: the label map after the size floor and each lesion's measurements.
///
/// Invariants: `lesions[n].label == n + 1`; `map.count == lesions.count`; every nonzero voxel of
/// `map` belongs to a lesion that passed `floor`.
public struct LesionLabelling: Sendable {
    public let map: LabelMap
    public let lesions: [Lesion]
    /// Voxels in the thresholded mask, before the size floor.
    public let foregroundVoxels: Int
    /// Components found before the size floor.
    public let componentsBeforeFloor: Int
    public let connectivity: Connectivity
    public let floor: SizeFloor

    public init(
        map: LabelMap, lesions: [Lesion], foregroundVoxels: Int, componentsBeforeFloor: Int,
        connectivity: Connectivity, floor: SizeFloor
    ) {
        self.map = map
        self.lesions = lesions
        self.foregroundVoxels = foregroundVoxels
        self.componentsBeforeFloor = componentsBeforeFloor
        self.connectivity = connectivity
        self.floor = floor
    }

    public var totalVolumeMM3: Double { lesions.reduce(0) { $0 + $1.volumeMM3 } }

    /// Labels and measures a mask with the reference labeller, then applies the size floor.
    public static func reference(
        mask: Volume<Bool>, geometry: VoxelGeometry, connectivity: Connectivity,
        floor: SizeFloor, intensity: (Int) -> Double
    ) -> LesionLabelling {
        let all = ReferenceLabeller.label(mask, connectivity: connectivity)
        let measured = ReferenceMeasurer.measure(all, geometry: geometry, intensity: intensity)
        let kept = measured.filter(floor.keeps)
        let map = all.keeping(kept.map(\.label))
        let lesions = kept.enumerated().map { n, lesion in
            var renumbered = lesion
            renumbered.label = n + 1
            return renumbered
        }
        let result = LesionLabelling(
            map: map, lesions: lesions, foregroundVoxels: mask.voxels.reduce(0) { $0 + ($1 ? 1 : 0) },
            componentsBeforeFloor: all.count, connectivity: connectivity, floor: floor)
        #if LESIONTRACK_CHECKS
        result.checkInvariants()
        #endif
        return result
    }

    /// Traps when an invariant is broken: labels consecutive, counts match the map, boxes contain their voxels.
    public func checkInvariants() {
        precondition(map.count == lesions.count, "label count \(map.count) ≠ lesions \(lesions.count)")
        let counts = map.voxelCounts()
        for (n, lesion) in lesions.enumerated() {
            precondition(lesion.label == n + 1, "labels are not consecutive at \(n + 1)")
            precondition(counts[n + 1] == lesion.voxelCount, "lesion \(n + 1) voxel count disagrees")
        }
        for (offset, label) in map.labels.voxels.enumerated() where label != 0 {
            precondition(
                lesions[Int(label) - 1].boundingBox.contains(map.size.index(ofOffset: offset)),
                "lesion \(label) has a voxel outside its bounding box")
        }
        if floor == .none {
            precondition(counts.dropFirst().reduce(0, +) == foregroundVoxels, "labels do not cover the foreground")
        }
    }
}
