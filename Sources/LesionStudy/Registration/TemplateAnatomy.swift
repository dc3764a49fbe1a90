#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LesionIO
import LesionKernels

/// Anatomy maps for a patient from the template kit: the kit's T1w head registered to the
/// patient's baseline reference image, and each of the kit's masks carried through that transform
/// onto the patient's grid, nearest neighbour.
///
/// The registration is affine (`Pipelines/elastix/affine.txt`), then by default a cubic B-spline
/// deformation from it (`Pipelines/elastix/bspline.txt`, `registration_qc.template_transform`).
/// An affine transform's maps are resampled by LesionTrack's own kernel; a deformation's by
/// transformix, all masks at once as the bits of one label image, onto the reference image's grid,
/// and from there onto the patient's grid by the kernel (nothing moves when the two are one grid).
///
/// The kit (`.ci/install-template`, docs/template.md) holds `tpl_desc-head_T1w.nii.gz` and the
/// masks `tpl_desc-brain_mask`, `tpl_label-{CGM,DGM,WM,ventricles,infratentorial}_mask`
/// (`.nii.gz`) on one grid. `CGM` is the cortical ribbon only (the `cortex` role).
struct TemplateAnatomy {
    /// The structures, by role name, and the kit file each comes from.
    static let structures: [(role: String, file: String)] = [
        ("brain", "tpl_desc-brain_mask.nii.gz"), ("cortex", "tpl_label-CGM_mask.nii.gz"),
        ("deep_grey_matter", "tpl_label-DGM_mask.nii.gz"), ("white_matter", "tpl_label-WM_mask.nii.gz"),
        ("ventricles", "tpl_label-ventricles_mask.nii.gz"), ("infratentorial", "tpl_label-infratentorial_mask.nii.gz"),
    ]

    /// The kit's image registered to the patient.
    static let headImage = "tpl_desc-head_T1w.nii.gz"

    /// Where `.ci/install-template` puts the kit: `/usr/local/share/lesiontrack/template` for root,
    /// else `${XDG_DATA_HOME:-$HOME/.local/share}/lesiontrack/template`.
    static var standardFolders: [String] {
        let home = getenv("HOME").map { String(cString: $0) } ?? ""
        let data = getenv("XDG_DATA_HOME").map { String(cString: $0) } ?? home + "/.local/share"
        return ["/usr/local/share/lesiontrack/template", data + "/lesiontrack/template"]
    }

    /// The kit folder: `given` when set, else the first standard folder holding the kit's head image.
    static func locate(_ given: String?) throws(ScanError) -> String {
        let candidates = given.map { [$0] } ?? standardFolders
        for folder in candidates where FileSystem.kind(folder + "/" + headImage) == .file { return folder }
        throw ScanError(
            given ?? candidates[0],
            "no template kit (\(headImage) and its masks) here: build it with .ci/install-template (docs/template.md)")
    }

    /// How outputs name a brain mask that came from the template.
    static let brainFile = "template:brain"

    /// The template's maps on the run's grid, by role (`structures`), when the pipeline names a
    /// kit (`registration_qc.template`) and a visit needs them: an `image` source in a visit
    /// without its own brain mask, or a `lesion-growth` or `subtraction` source (which need white
    /// matter, cortex and ventricles); else nil. The kit is registered to the baseline's reference
    /// image, so the maps follow the baseline's head.
    static func maps(
        for visits: [VisitInputs], grid: ReferenceGrid, pipeline: Pipeline, context: RegistrationContext, reader: NIfTIReader
    ) throws(ScanError) -> [String: Volume<Bool>]? {
        let needed = visits.contains { visit in
            [visit.t2Source, visit.gdSource].contains { source in
                guard let kind = source?.kind else { return false }
                return kind.needsAnatomy || (kind == .image && visit.brainMaskFile == nil)
            }
        }
        guard let template = pipeline.registration.template, needed else { return nil }
        let baseline = visits[0]
        guard let reference = baseline.registrationImages.reference ?? (baseline.t2Source.kind.readsImage ? baseline.t2File : nil) else {
            throw ScanError(
                baseline.t2File,
                "registration_qc.template needs the baseline's reference image (\(pipeline.registration.referenceImage)) to place the template's anatomy, and this visit has none"
            )
        }
        let kit = try locate(template == "auto" ? nil : template)
        let anatomy = TemplateAnatomy(
            kit: kit, threads: context.threads, reader: reader, transformKind: pipeline.registration.templateTransform)
        let (maps, _) = try anatomy.derive(reference: reference, onto: grid.geometry, through: grid.alignments[reference])
        return maps
    }

    let kit: String
    let threads: Int
    let reader: NIfTIReader
    var transformKind: RegistrationSettings.TemplateTransform = .bspline

    /// The maps on `grid` (the baseline's), by role, and the affine transform from the patient's
    /// world (the `reference` image's) to the template's (with `bspline`, the first stage's; the
    /// deformation is not returned).
    ///
    /// `gridToReference` maps the grid's world to the reference image's world when the two differ
    /// (a registered reference); nil when the reference defines the grid's world.
    func derive(
        reference: String, onto grid: VoxelGeometry, through gridToReference: Affine? = nil
    ) throws(ScanError) -> (maps: [String: Volume<Bool>], transform: Affine) {
        let engine = try RigidRegistration(
            parameterBytes: BuiltInFile.affineRegistration.bytes, threads: threads, reader: reader)
        let result = try engine.register(fixed: reference, moving: kit + "/" + Self.headImage, mirrorCheck: false)
        var maps: [String: Volume<Bool>] = [:]
        let transform = gridToReference.map { result.transform.concatenating($0) } ?? result.transform
        let scans = try Self.structures.map { (role, file) throws(ScanError) in
            (role, file, try reader.readSingleVolume(kit + "/" + file, role: "template \(role) mask"))
        }
        guard transformKind == .bspline else {
            for (role, file, scan) in scans {
                guard let placement = GridPlacement(source: scan.header.geometry, onto: grid, through: transform) else {
                    throw ScanError(kit + "/" + file, "its affine or the template transform is singular")
                }
                // Outside the kit's field the value is NaN, which is not > 0: not in the structure.
                maps[role] = scan.voxels.visit(
                    Resampler(placement: placement, scaling: scan.scaling, method: .nearest, threads: threads)
                ).map { $0 > 0 }
            }
            return (maps, result.transform)
        }
        // One label image whose bit b is structure b, on the kit's grid, carried at once.
        let kitGeometry = scans[0].2.header.geometry
        var packed = Volume(size: kitGeometry.size, voxels: [Double](repeating: 0, count: kitGeometry.size.voxelCount))
        for (bit, (_, file, scan)) in scans.enumerated() {
            guard scan.header.geometry.size == kitGeometry.size, scan.header.geometry.affine == kitGeometry.affine else {
                throw ScanError(kit + "/" + file, "not on the grid of \(Self.structures[0].file), as the kit's maps must be")
            }
            let values = ScaledVolume.of(scan)
            for n in values.voxels.indices where values.voxels[n] > 0 { packed.voxels[n] += Double(1 << bit) }
        }
        let carried = try engine.deform(
            fixed: reference, moving: kit + "/" + Self.headImage, from: result,
            parameterBytes: BuiltInFile.deformableRegistration.bytes, carrying: packed, on: kitGeometry)
        let referenceGeometry = try engine.image(reference).geometry
        let onGrid: Volume<Double>
        if gridToReference == nil, referenceGeometry.size == grid.size, referenceGeometry.affine == grid.affine {
            onGrid = carried
        } else {
            guard
                let placement = GridPlacement(
                    source: referenceGeometry, onto: grid, through: gridToReference ?? .spacing(1, 1, 1))
            else { throw ScanError(reference, "its affine or its transform to the grid is singular") }
            onGrid = placement.nearest({ carried.voxels[$0] }, outside: 0)
        }
        for (bit, (role, _, _)) in scans.enumerated() {
            // transformix's value outside the kit's field is 0: in no structure.
            maps[role] = onGrid.map { $0.isFinite && $0 >= 0 && (Int($0) >> bit) & 1 == 1 }
        }
        return (maps, result.transform)
    }
}
