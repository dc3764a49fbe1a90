import LesionKernels

/// A registered image's grid and transform, so that any other file of its session on the same
/// grid (a lesion map, a brain mask, an anatomy map made from that image) follows it.
public struct AlignedImage: Sendable {
    /// The `ses-<label>` folder the image is in, nil outside a session.
    public let session: String?
    public let geometry: VoxelGeometry
    /// Baseline world → the image's world (RAS, mm).
    public let transform: Affine

    /// The `ses-<label>` component of a path, if any.
    static func session(of path: String) -> String? {
        path.split(separator: "/").last { $0.hasPrefix("ses-") }.map(String.init)
    }

    /// The image of `path`'s session whose grid `geometry` shares (equal size, every voxel centre
    /// within `toleranceMM`), if any.
    static func host(of path: String, geometry: VoxelGeometry, among images: [AlignedImage], toleranceMM: Double) -> AlignedImage? {
        let session = session(of: path)
        return images.first { image in
            guard image.session == session, let placement = GridPlacement(source: geometry, onto: image.geometry),
                let displacement = placement.cornerDisplacementMM
            else { return false }
            return displacement <= toleranceMM
        }
    }
}
