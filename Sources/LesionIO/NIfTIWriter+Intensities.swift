import LesionKernels

extension NIfTIWriter {
    /// Writes a float32 volume (intensities or probabilities) on the source's grid, unscaled.
    public static func writeIntensities(
        _ volume: Volume<Float>, like source: ScanHeader, to path: String, description: String
    ) throws(ScanError) {
        let finite = volume.voxels.filter(\.isFinite)
        let range = (Double(finite.min() ?? 0), Double(finite.max() ?? 0))
        try write(volume, like: source, to: path, description: description, intent: .none, displayRange: range)
    }
}
