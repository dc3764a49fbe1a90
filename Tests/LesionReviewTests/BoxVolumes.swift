import LesionKernels
import LesionLongitudinal

/// Small volumes of boxes on a 1 mm grid, labelled and measured with the reference labeller.
enum BoxVolumes {
    typealias Box = (i: ClosedRange<Int>, j: ClosedRange<Int>, k: ClosedRange<Int>)

    static func mask(_ size: GridSize, _ boxes: [Box]) -> Volume<Bool> {
        var mask = Volume(size: size, repeating: false)
        for b in boxes {
            for k in b.k { for j in b.j { for i in b.i where size.contains(i, j, k) { mask[i, j, k] = true } } }
        }
        return mask
    }

    static func geometry(_ size: GridSize, spacing: (Double, Double, Double) = (1, 1, 1)) -> VoxelGeometry {
        VoxelGeometry(size: size, affine: .spacing(spacing.0, spacing.1, spacing.2))
    }

    /// Labelled at 26-connectivity with no size floor.
    static func labelling(_ size: GridSize, _ boxes: [Box], spacing: (Double, Double, Double) = (1, 1, 1)) -> LesionLabelling {
        LesionLabelling.reference(
            mask: mask(size, boxes), geometry: geometry(size, spacing: spacing), connectivity: .twentySix, floor: .none,
            intensity: { _ in 1 })
    }
}
