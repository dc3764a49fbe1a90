import LesionIO
import LesionKernels

/// One scan in, its lesions out: read, threshold, label, measure, apply the size floor.
public enum ScanLabeller {
    public static func label(_ path: String, options: LabelOptions) throws(ScanError) -> (scan: Scan, labelling: LesionLabelling) {
        let scan = try NIfTIReader(maximumVolumeBytes: options.maximumVolumeBytes).read(path, volume: options.volume)
        return (scan, label(scan, options: options))
    }

    public static func label(_ scan: Scan, options: LabelOptions) -> LesionLabelling {
        let mask = scan.voxels.visit(ThresholdVisitor(scaling: scan.scaling, window: options.window))
        return LesionLabelling.reference(
            mask: mask, geometry: scan.geometry, connectivity: options.connectivity,
            floor: options.floor, intensity: scan.intensity(at:))
    }
}

struct ThresholdVisitor: VolumeVisitor {
    let scaling: IntensityScaling
    let window: IntensityWindow

    func visit<T: VoxelValue>(_ volume: Volume<T>) -> Volume<Bool> {
        ReferenceThreshold.mask(volume, scaling: scaling, window: window)
    }
}

struct SummaryVisitor: VolumeVisitor {
    let scaling: IntensityScaling

    func visit<T: VoxelValue>(_ volume: Volume<T>) -> IntensitySummary {
        IntensitySummary(volume, scaling: scaling)
    }
}

extension Scan {
    /// The range of scaled intensities of the volume read.
    public var intensitySummary: IntensitySummary { voxels.visit(SummaryVisitor(scaling: scaling)) }
}
