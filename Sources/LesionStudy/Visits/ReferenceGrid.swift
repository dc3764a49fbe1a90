import LesionIO
import LesionKernels

/// The grid every visit of a comparison is placed on: the baseline T2 file's grid.
///
/// A file on the same grid (equal dimensions, every voxel centre within
/// `GridRule.sameGridToleranceMM`) is used as it is. A file on another grid that covers at least
/// `GridRule.minimumFieldCoverage` of the reference's voxel centres (of its brain's, when the
/// template's brain mask is on the grid) is resampled onto it (nearest
/// neighbour for masks, trilinear for intensities and probabilities). Anything else is refused
/// with an error naming both files.
public struct ReferenceGrid: Sendable {
    /// The file that defines the grid.
    public let header: ScanHeader
    public let rule: GridRule
    /// Files registered to the baseline: each file's transform from the baseline's world to its
    /// own (`VisitAlignment`); such a file is resampled through it, never taken as on the grid.
    public var alignments: [String: Affine] = [:]
    /// The registered images: another file of their session on one of their grids follows them.
    public var alignedImages: [AlignedImage] = []
    /// A brain mask on this grid from the template (`TemplateAnatomy`), for visits without their own.
    public var templateBrain: Volume<Bool>?
    /// The template's maps on this grid by role (`TemplateAnatomy.structures`), when a source needed them.
    public var templateAnatomy: [String: Volume<Bool>]?
    /// The threads that share each resampling onto this grid: the cores the run may use
    /// (`RegistrationContext.threads`, which divides them between a batch's jobs).
    public var threads = 1

    public init(header: ScanHeader, rule: GridRule) {
        self.header = header
        self.rule = rule
    }

    public var geometry: VoxelGeometry { header.geometry }

    /// The transform from the baseline's world to the world of the file at `path` (on a grid of
    /// `geometry`) when registration placed it: the file itself was registered, or it shares a
    /// grid with an image of its session that was. Nil when the file is placed by its header.
    public func registration(of path: String, geometry: VoxelGeometry) -> Affine? {
        alignments[path]
            ?? AlignedImage.host(of: path, geometry: geometry, among: alignedImages, toleranceMM: rule.sameGridToleranceMM)?.transform
    }

    /// How `other` fits on this grid, or the reason it cannot be compared.
    public func fit(_ other: ScanHeader, method: GridFit.ResamplingMethod) throws(ScanError) -> (fit: GridFit, placement: GridPlacement?) {
        if other.path == header.path { return (.reference, nil) }
        let transform = registration(of: other.path, geometry: other.geometry)
        let aligned = transform.flatMap { GridPlacement(source: other.geometry, onto: geometry, through: $0) }
        guard let placement = aligned ?? GridPlacement(source: other.geometry, onto: geometry) else {
            throw ScanError(other.path, "its affine is singular: it cannot be placed on the grid of \(header.path)")
        }
        if aligned == nil, let displacement = placement.cornerDisplacementMM, displacement <= rule.sameGridToleranceMM {
            return (.same(displacementMM: displacement), nil)
        }
        // Over the baseline's brain when the template placed one on this grid (raw scans: each
        // visit's field of view sits elsewhere around the head, and air does not matter), else
        // over the whole field.
        let brain = templateBrain.map { mask in placement.fieldCoverage(within: { mask.voxels[$0] }) }
        let coverage = brain ?? placement.fieldCoverage
        guard placement.fieldCoverage > 0 else {
            throw ScanError(
                other.path,
                "does not overlap \(header.path) in world space: no voxel centre of that grid falls inside this file's field of view (compare their affines with `lesiontrack info`)"
            )
        }
        guard coverage >= rule.minimumFieldCoverage else {
            throw ScanError(
                other.path,
                "covers only \(Self.percent(coverage)) of the \(brain == nil ? "field of view" : "brain (the template's brain mask)") of \(header.path) (grid.min_field_coverage is \(Self.percent(rule.minimumFieldCoverage))): not compared"
            )
        }
        return (.resampled(method: method, coverage: coverage), placement)
    }

    /// A scan on this grid, measured with this grid's geometry: its own voxels when it is on the
    /// same grid, else its scaled values resampled (float64). Voxels outside the scan's field are
    /// NaN, which no threshold counts as foreground, whatever its value.
    public func place(_ scan: Scan, method: GridFit.ResamplingMethod) throws(ScanError) -> (scan: Scan, fit: GridFit) {
        let (fit, placement) = try fit(scan.header, method: method)
        guard let placement else {
            if fit == .reference { return (scan, fit) }
            let h = scan.header
            return (
                self.scan(
                    scan.voxels, path: h.path, datatype: h.datatype, slope: h.headerSlope,
                    intercept: h.headerIntercept, scaling: h.scaling), fit
            )
        }
        let resampled = scan.voxels.visit(
            Resampler(placement: placement, scaling: scan.scaling, method: method, threads: threads))
        return (self.scan(resampled, path: scan.path), fit)
    }

    /// Values computed on this grid (a z-score, say) as a scan with this grid's geometry.
    public func scan(_ values: Volume<Double>, path: String) -> Scan {
        scan(.float64(values), path: path, datatype: .float64, slope: 0, intercept: 0, scaling: .identity)
    }

    /// Voxels on this grid, with the fields that describe values given and the fields that place
    /// them (dimensions, affines, orientation codes) taken from this grid's header.
    private func scan(
        _ voxels: AnyVolume, path: String, datatype: NIfTIDatatype, slope: Double, intercept: Double,
        scaling: IntensityScaling
    ) -> Scan {
        let h = header
        return Scan(
            header: ScanHeader(
                path: path, niftiVersion: h.niftiVersion, isGzip: h.isGzip, bigEndian: h.bigEndian,
                dims: Array(h.dims.prefix(3)), datatype: datatype, pixdimMM: h.pixdimMM, headerSlope: slope,
                headerIntercept: intercept, scaling: scaling, qformCode: h.qformCode, sformCode: h.sformCode,
                qform: h.qform, sform: h.sform, quaternion: h.quaternion, xyzUnitsCode: h.xyzUnitsCode,
                volumeCount: 1, volumeIndex: 0),
            voxels: voxels)
    }

    /// A fraction as a percentage with one decimal, for messages.
    static func percent(_ fraction: Double) -> String {
        JSON.number((fraction * 1000).rounded() / 10) + " %"
    }
}

/// Resamples a volume in its stored type, scaling each value read: the source is never copied.
/// Voxels outside the source's field are NaN. `threads` share the target's slices.
struct Resampler: VolumeVisitor {
    let placement: GridPlacement
    let scaling: IntensityScaling
    let method: GridFit.ResamplingMethod
    let threads: Int

    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Volume<Double> {
        volume.voxels.withUnsafeBufferPointer { stored in
            switch method {
            case .nearest: placement.nearest(stored: stored, scaling: scaling, outside: .nan, threads: threads)
            case .trilinear: placement.trilinear(stored: stored, scaling: scaling, threads: threads)
            }
        }
    }
}
