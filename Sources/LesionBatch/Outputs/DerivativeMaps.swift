import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionScan
import LesionStudy

/// Writes one visit's lesion label maps into the BIDS-derivatives tree, each on the grid of the
/// input it was measured from, with a JSON sidecar naming that input.
///
/// - `sub-<id>_ses-<label>_desc-T2lesions_dseg.nii.gz`: every T2 lesion painted with its lesion
///   ID from the participant's ledger (the same value at every visit while the lesion continues),
///   on the grid of the visit's T2 file.
/// - `sub-<id>_ses-<label>_desc-Gdlesions_dseg.nii.gz`: the visit's Gd+ lesions labelled 1…N in
///   label order, on the grid of its Gd file.
///
/// Lesions are found on the baseline grid. When the input shares that grid the map is the
/// labelling itself; when the input was resampled onto it, each voxel of the input's grid takes
/// the label of the baseline voxel whose cell holds its centre (nearest neighbour) — through the
/// registration when one aligned the input with the baseline, else through the two headers — and
/// the sidecar says so. The maps carry no `space-` entity: as BIDS reads a derivative without one,
/// each lies in the space, and here on the very grid, of its source, which the sidecar's
/// `Sources` and `SpatialReference` name.
struct DerivativeMaps {
    let paths: StudyPaths
    /// `sub-<id>`.
    let participantID: String
    /// Headers of the inputs, by path as discovered.
    let headers: [String: ScanHeader]

    /// Writes the visit's maps and sidecars; returns their paths relative to the output folder.
    func write(visit n: Int, lesions: VisitLesions, record: VisitRecord, ledger: LesionLedger) throws(ScanError) -> [String] {
        guard let session = record.inputs.session else { return [] }
        var written: [String] = []
        var ids = [Int32](repeating: 0, count: lesions.t2.lesions.count + 1)
        for entry in ledger.rows where entry.visit == n {
            if let label = entry.label { ids[label] = Int32(entry.id.value) }
        }
        let t2 = lesions.t2Map
        let t2IDs = Volume(size: t2.size, voxels: t2.labels.voxels.map { ids[Int($0)] })
        written += try writeMap(
            t2IDs, count: Int(ids.max() ?? 0), session: session, desc: "T2lesions", source: record.inputs.t2File,
            fit: record.t2Fit, registration: record.registrations[record.inputs.t2File], baseline: ledger.geometry,
            description:
                "T2 lesions of \(session), each voxel holding its lesion's ID in the participant's ledger (0: background); the ID of a lesion is the same at every visit while it continues"
        )
        if let gd = lesions.gd, let file = record.inputs.gdFile, let fit = record.gdFit {
            let map = gd.map
            written += try writeMap(
                map.labels, count: map.count, session: session, desc: "Gdlesions", source: file, fit: fit,
                registration: record.registrations[file], baseline: ledger.geometry,
                description:
                    "Gadolinium-enhancing lesions of \(session), labelled 1 to N in the order of their first voxel on the baseline grid (0: background)"
            )
        }
        return written
    }

    private func writeMap(
        _ labels: Volume<Int32>, count: Int, session: String, desc: String, source: String, fit: GridFit,
        registration: Affine?, baseline: VoxelGeometry, description: String
    ) throws(ScanError) -> [String] {
        guard let header = headers[source] else {
            throw ScanError(source, "its header was not read before its map was written", kind: .internal)
        }
        let folder = "\(participantID)/\(session)/anat"
        let stem = "\(participantID)_\(session)_desc-\(desc)_dseg"
        try makeFolders(folder)
        let native: Volume<Int32>
        var resampling = "none: the lesions were labelled on this grid"
        switch fit {
        case .reference, .same:
            native = labels
        case .resampled:
            // A registered file's voxel reaches the baseline grid through the registration (its
            // world → the baseline's world, the inverse of the stored baseline → file transform);
            // any other file's through the two headers.
            let placement =
                if let registration {
                    registration.inverse.flatMap { GridPlacement(source: baseline, onto: header.geometry, through: $0) }
                } else {
                    GridPlacement(source: baseline, onto: header.geometry)
                }
            guard let placement else {
                throw ScanError(source, "its affine or its registration is singular", kind: .internal)
            }
            let values = placement.nearest({ Double(labels.voxels[$0]) }, outside: 0)
            native = Volume(size: values.size, voxels: values.voxels.map { Int32($0) })
            resampling =
                "nearest neighbour from the baseline grid, where the lesions were labelled: each voxel takes the label of the baseline voxel whose cell holds its centre"
                + (registration == nil ? "" : ", placed through the registration that aligned this file with the baseline")
        }
        let image = folder + "/" + stem + ".nii.gz"
        try NIfTIWriter.writeLabels(
            LabelMap(labels: native, count: count), like: header, to: paths.outputPath(image),
            description: "lesiontrack \(LesionTrackVersion.current) \(desc)")
        let reference = "bids:raw:" + paths.relative(source)
        let sidecar = folder + "/" + stem + ".json"
        let fields: [(String, String)] = [
            ("Description", JSON.string(description)),
            ("Sources", "[" + JSON.string(reference) + "]"),
            ("SpatialReference", JSON.string(reference)),
            ("Resampling", JSON.string(resampling)),
            ("GeneratedBy", JSON.string("lesiontrack \(LesionTrackVersion.current)")),
        ]
        try TextOutput.file(paths.outputPath(sidecar)) { (out: TextOutput) throws(ScanError) in
            try out.write("{\n" + fields.map { "  \(JSON.string($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n")
        }
        return [image, sidecar]
    }

    private func makeFolders(_ relative: String) throws(ScanError) {
        var path = paths.output
        for part in relative.split(separator: "/") {
            path = FileSystem.join(path, String(part))
            try FileSystem.makeDirectory(path)
        }
    }
}
