import LesionIO
import LesionKernels

/// One scan in, its lesions out: read, threshold, label, measure, apply the size floor.
public enum ScanLabeller {
    public static func label(_ path: String, options: LabelOptions) throws(ScanError) -> (scan: Scan, labelling: LesionLabelling) {
        let scan = try NIfTIReader(maximumVolumeBytes: options.maximumVolumeBytes).read(path, volume: options.volume)
        return (scan, label(scan, options: options))
    }

    /// Labels a scan with the fast kernel (or the reference, which is slow and only for checking it).
    public static func label(_ scan: Scan, options: LabelOptions, kernel: Kernel = .fast) -> LesionLabelling {
        switch kernel {
        case .fast:
            return scan.voxels.visit(FastVisitor(scan: scan, options: options))
        case .reference:
            let mask = scan.voxels.visit(ThresholdVisitor(scaling: scan.scaling, window: options.window))
            return LesionLabelling.reference(
                mask: mask, geometry: scan.geometry, connectivity: options.connectivity,
                floor: options.floor, intensity: scan.intensity(at:))
        }
    }

    public enum Kernel: Sendable {
        /// `FastLabeller`: SIMD thresholding fused with run-based labelling and measurement.
        case fast
        /// `ReferenceThreshold`, `ReferenceLabeller` and `ReferenceMeasurer`.
        case reference
    }
}

struct FastVisitor: VolumeVisitor {
    let scan: Scan
    let options: LabelOptions

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> LesionLabelling {
        FastLabeller.label(
            volume, scaling: scan.scaling, window: options.window, geometry: scan.geometry,
            connectivity: options.connectivity, floor: options.floor, threads: options.threads)
    }
}

struct ThresholdVisitor: VolumeVisitor {
    let scaling: IntensityScaling
    let window: IntensityWindow

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Volume<Bool> {
        ReferenceThreshold.mask(volume, scaling: scaling, window: window)
    }
}

struct SummaryVisitor: VolumeVisitor {
    let scaling: IntensityScaling

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> IntensitySummary {
        IntensitySummary(volume, scaling: scaling)
    }
}

extension Scan {
    /// The range of scaled intensities of the volume read.
    public var intensitySummary: IntensitySummary { voxels.visit(SummaryVisitor(scaling: scaling)) }
}
