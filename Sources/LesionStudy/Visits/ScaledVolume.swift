import LesionIO
import LesionKernels

/// A scan's voxels as scaled values (`scl_slope`, `scl_inter` applied) in `Double`.
struct ScaledVolume: VolumeVisitor {
    let scaling: IntensityScaling

    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Volume<Double> {
        volume.map { scaling.apply($0.doubleValue) }
    }

    static func of(_ scan: Scan) -> Volume<Double> {
        scan.voxels.visit(ScaledVolume(scaling: scan.scaling))
    }
}
