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

    /// Writes the report as JSON, one lesion per line, its numbers appended as bytes (`NumberText`).
    public func writeJSON(_ out: TextOutput) throws(ScanError) {
        try out.write("{\n")
        for (key, value) in runFields { try out.write("  \(JSON.string(key)): \(value),\n") }
        try out.write("  \"lesions\": [")
        for (n, lesion) in labelling.lesions.enumerated() {
            try out.append { bytes in
                NumberText.append(n == 0 ? "\n    " : ",\n    ", to: &bytes)
                Self.appendJSON(lesion, to: &bytes)
            }
        }
        try out.write(labelling.lesions.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    /// One lesion's JSON object, on one line.
    static func appendJSON(_ l: Lesion, to out: inout [UInt8]) {
        let c = l.centroidVoxel
        let w = l.centroidMM
        let box = l.boundingBox
        NumberText.append("{\"id\": ", to: &out)
        NumberText.append(l.label, to: &out)
        NumberText.append(", \"voxels\": ", to: &out)
        NumberText.append(l.voxelCount, to: &out)
        NumberText.append(", \"volume_mm3\": ", to: &out)
        NumberText.appendJSON(l.volumeMM3, to: &out)
        NumberText.append(", \"centroid_voxel\": ", to: &out)
        appendTriple(c.i, c.j, c.k, to: &out)
        NumberText.append(", \"centroid_mm\": ", to: &out)
        appendTriple(w.x, w.y, w.z, to: &out)
        NumberText.append(", \"bbox_voxel\": [", to: &out)
        for (n, v) in [box.lower.i, box.lower.j, box.lower.k, box.upper.i, box.upper.j, box.upper.k].enumerated() {
            if n > 0 { NumberText.append(", ", to: &out) }
            NumberText.append(v, to: &out)
        }
        NumberText.append("], \"largest_extent_mm\": ", to: &out)
        NumberText.appendJSON(l.largestExtentMM, to: &out)
        NumberText.append(", \"mean_intensity\": ", to: &out)
        NumberText.appendJSON(l.meanIntensity, to: &out)
        NumberText.append(", \"max_intensity\": ", to: &out)
        NumberText.appendJSON(l.maxIntensity, to: &out)
        NumberText.append("}", to: &out)
    }

    /// `[a, b, c]`, as `JSON.array` writes it.
    private static func appendTriple(_ a: Double, _ b: Double, _ c: Double, to out: inout [UInt8]) {
        NumberText.append("[", to: &out)
        NumberText.appendJSON(a, to: &out)
        NumberText.append(", ", to: &out)
        NumberText.appendJSON(b, to: &out)
        NumberText.append(", ", to: &out)
        NumberText.appendJSON(c, to: &out)
        NumberText.append("]", to: &out)
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
