import LesionIO
import LesionKernels

/// The result of `lesiontrack label` as JSON, CSV or TSV.
///
/// JSON is streamed one lesion per line, so a volume with many lesions never becomes one big string.
public struct LabelReport {
    public let scan: ScanHeader
    public let labelling: LesionLabelling
    public let options: LabelOptions
    public var labelsFile: String?
    public var pngFile: String?
    public var pngSlice: Int?

    public init(scan: ScanHeader, labelling: LesionLabelling, options: LabelOptions) {
        self.scan = scan
        self.labelling = labelling
        self.options = options
    }

    public static let labelOrder = "first voxel in storage order (i fastest, then j, then k)"

    /// Provenance, parameters and counts: every key of the JSON but `lesions`.
    public var runFields: [(key: String, value: String)] {
        let geometry = scan.geometry
        let spacing = geometry.spacingMM
        let floor = labelling.floor
        var fields: [(key: String, value: String)] = [
            ("tool", JSON.string("lesiontrack")),
            ("version", JSON.string(LesionTrackVersion.current)),
            ("input", JSON.string(scan.path)),
            ("volume_index", String(scan.volumeIndex)),
            ("threshold", JSON.number(options.window.lower)),
            ("upper_threshold", JSON.number(options.window.upper)),
            ("connectivity", String(labelling.connectivity.rawValue)),
            ("min_voxels", String(floor.minimumVoxels)),
            ("min_volume_mm3", JSON.number(floor.minimumVolumeMM3)),
            ("min_extent_mm", JSON.number(floor.minimumExtentMM)),
            ("voxel_size_mm", JSON.array([spacing.0, spacing.1, spacing.2])),
            ("voxel_volume_mm3", JSON.number(geometry.voxelVolumeMM3)),
            ("orientation_source", JSON.string(scan.orientationSource.rawValue)),
            ("label_order", JSON.string(Self.labelOrder)),
            ("foreground_voxels", String(labelling.foregroundVoxels)),
            ("components_before_size_floor", String(labelling.componentsBeforeFloor)),
            ("count", String(labelling.lesions.count)),
            ("total_volume_mm3", JSON.number(labelling.totalVolumeMM3)),
            ("labels_file", labelsFile.map(JSON.string) ?? "null"),
            ("png_file", pngFile.map(JSON.string) ?? "null"),
        ]
        if let pngSlice { fields.append(("png_slice", String(pngSlice))) }
        return fields
    }

    public func writeJSON(_ out: TextOutput) throws(ScanError) {
        try out.write("{\n")
        for (key, value) in runFields { try out.write("  \(JSON.string(key)): \(value),\n") }
        try out.write("  \"lesions\": [")
        for (n, lesion) in labelling.lesions.enumerated() {
            try out.write((n == 0 ? "\n    " : ",\n    ") + Self.json(lesion))
        }
        try out.write(labelling.lesions.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    static func json(_ l: Lesion) -> String {
        let c = l.centroidVoxel
        let w = l.centroidMM
        return "{\"id\": \(l.label), \"voxels\": \(l.voxelCount), \"volume_mm3\": \(JSON.number(l.volumeMM3)), "
            + "\"centroid_voxel\": \(JSON.array([c.i, c.j, c.k])), \"centroid_mm\": \(JSON.array(w.components)), "
            + "\"bbox_voxel\": \(JSON.array(l.boundingBox.flattened)), "
            + "\"largest_extent_mm\": \(JSON.number(l.largestExtentMM)), "
            + "\"mean_intensity\": \(JSON.number(l.meanIntensity)), \"max_intensity\": \(JSON.number(l.maxIntensity))}"
    }

    public static let tableColumns = [
        "id", "voxels", "volume_mm3", "centroid_i", "centroid_j", "centroid_k",
        "centroid_x_mm", "centroid_y_mm", "centroid_z_mm",
        "bbox_i0", "bbox_j0", "bbox_k0", "bbox_i1", "bbox_j1", "bbox_k1",
        "largest_extent_mm", "mean_intensity", "max_intensity",
    ]

    public func writeTable(_ out: TextOutput, format: TableFormat) throws(ScanError) {
        try out.write(format.row(Self.tableColumns))
        for l in labelling.lesions {
            let c = l.centroidVoxel, w = l.centroidMM
            var row = [String(l.label), String(l.voxelCount), TableFormat.number(l.volumeMM3)]
            row += [c.i, c.j, c.k, w.x, w.y, w.z].map { TableFormat.number($0) }
            row += l.boundingBox.flattened.map(String.init)
            row += [l.largestExtentMM, l.meanIntensity, l.maxIntensity].map { TableFormat.number($0) }
            try out.write(format.row(row))
        }
    }

    /// The sidecar of a table: provenance and parameters, which a CSV or TSV has no place for.
    public func writeSidecar(_ out: TextOutput, table: String) throws(ScanError) {
        var fields: [(key: String, value: String)] = [
            ("table", JSON.string(table)),
            ("columns", "[" + Self.tableColumns.map(JSON.string).joined(separator: ", ") + "]"),
        ]
        fields += runFields
        try out.write("{\n" + fields.map { "  \(JSON.string($0.key)): \($0.value)" }.joined(separator: ",\n") + "\n}\n")
    }
}
