import LesionKernels

/// Label maps drawn as text on a one-voxel-thick line: `x` is lesion, `.` background;
/// lesions are the runs of `x`, labelled 1…N from the left.
enum LineMaps {
    static func mask(_ text: String) -> Volume<Bool> {
        Volume(size: GridSize(text.count, 1, 1), voxels: text.map { $0 == "x" })
    }

    static func labels(_ text: String) -> LabelMap {
        ReferenceLabeller.label(mask(text), connectivity: .six)
    }

    /// Labelled and measured with 1 mm³ voxels, no size floor.
    static func labelling(_ text: String) -> LesionLabelling {
        let geometry = VoxelGeometry(size: GridSize(text.count, 1, 1), affine: .spacing(1, 1, 1))
        return LesionLabelling.reference(mask: mask(text), geometry: geometry, connectivity: .six, floor: .none, intensity: { _ in 1 })
    }
}
