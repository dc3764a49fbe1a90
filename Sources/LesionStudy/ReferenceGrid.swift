import LesionIO
import LesionKernels

/// The grid every visit of a comparison is placed on: the baseline T2 file's grid.
///
/// A file on the same grid (equal dimensions, every voxel centre within
/// `GridRule.sameGridToleranceMM`) is used as it is. A file on another grid that covers at least
/// `GridRule.minimumFieldCoverage` of the reference's voxel centres is resampled onto it (nearest
/// neighbour for masks, trilinear for intensities and probabilities). Anything else is refused
/// with an error naming both files.
public struct ReferenceGrid: Sendable {
    /// The file that defines the grid.
    public let header: ScanHeader
    public let rule: GridRule

    public init(header: ScanHeader, rule: GridRule) {
        self.header = header
        self.rule = rule
    }

    public var geometry: VoxelGeometry { header.geometry }

    /// How `other` fits on this grid, or the reason it cannot be compared.
    public func fit(_ other: ScanHeader, method: GridFit.ResamplingMethod) throws(ScanError) -> (fit: GridFit, placement: GridPlacement?) {
        if other.path == header.path { return (.reference, nil) }
        guard let placement = GridPlacement(source: other.geometry, onto: geometry) else {
            throw ScanError(other.path, "its affine is singular: it cannot be placed on the grid of \(header.path)")
        }
        if let displacement = placement.cornerDisplacementMM, displacement <= rule.sameGridToleranceMM {
            return (.same(displacementMM: displacement), nil)
        }
        let coverage = placement.fieldCoverage
        guard coverage > 0 else {
            throw ScanError(other.path, "does not overlap \(header.path) in world space: no voxel centre of that grid falls inside this file's field of view (compare their affines with `lesiontrack info`)")
        }
        guard coverage >= rule.minimumFieldCoverage else {
            throw ScanError(other.path, "covers only \(Self.percent(coverage)) of the field of view of \(header.path) (grid.min_field_coverage is \(Self.percent(rule.minimumFieldCoverage))): not compared")
        }
        return (.resampled(method: method, coverage: coverage), placement)
    }

    /// A scan's scaled values on this grid: as they are, or resampled. Voxels outside the scan's
    /// field are NaN, which no threshold counts as foreground, whatever its value.
    public func values(_ scan: Scan, method: GridFit.ResamplingMethod) throws(ScanError) -> (values: Volume<Double>, fit: GridFit) {
        let (fit, placement) = try fit(scan.header, method: method)
        let values = ScaledVolume.of(scan)
        guard let placement else { return (values, fit) }
        switch method {
        case .nearest: return (placement.nearest(values, outside: .nan), fit)
        case .trilinear: return (placement.trilinear { values.voxels[$0] }, fit)
        }
    }

    /// A fraction as a percentage with one decimal, for messages.
    static func percent(_ fraction: Double) -> String {
        JSON.number((fraction * 1000).rounded() / 10) + " %"
    }
}
