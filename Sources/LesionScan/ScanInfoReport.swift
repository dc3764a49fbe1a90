import LesionIO
import LesionKernels

/// What `lesiontrack info` prints about a scan.
public struct ScanInfoReport {
    public let header: ScanHeader
    public let summary: IntensitySummary

    public init(header: ScanHeader, summary: IntensitySummary) {
        self.header = header
        self.summary = summary
    }

    var fields: [(key: String, json: String, text: String)] {
        let h = header
        let spacing = h.geometry.spacingMM
        let axes = AnatomicalAxes(h.affine)
        func matrixText(_ a: Affine) -> String {
            a.matrix4x4.map { row in row.map { JSON.number($0) }.joined(separator: " ") }.joined(separator: " | ")
        }
        let scalingText =
            h.scaling.isIdentity
            ? "none (scl_slope \(JSON.number(h.headerSlope)), scl_inter \(JSON.number(h.headerIntercept)))"
            : "value = \(JSON.number(h.scaling.slope)) × stored + \(JSON.number(h.scaling.intercept))"
        let range = summary.minimum.map { "\(JSON.number($0)) to \(JSON.number(summary.maximum!))" } ?? "no finite value"
        return [
            ("input", JSON.string(h.path), h.path),
            ("nifti_version", String(h.niftiVersion), "NIfTI-\(h.niftiVersion)"),
            ("gzip", String(h.isGzip), h.isGzip ? "yes" : "no"),
            ("byte_order", JSON.string(h.bigEndian ? "big" : "little"), h.bigEndian ? "big-endian" : "little-endian"),
            ("dims", JSON.array(h.dims), h.dims.map(String.init).joined(separator: " × ")),
            ("volume_index", String(h.volumeIndex), "index \(h.volumeIndex) of \(h.volumeCount) (0-based)"),
            ("datatype", JSON.string(h.datatype.name), "\(h.datatype.name) (code \(h.datatype.code))"),
            (
                "pixdim_mm", JSON.array([h.pixdimMM.0, h.pixdimMM.1, h.pixdimMM.2]),
                [h.pixdimMM.0, h.pixdimMM.1, h.pixdimMM.2].map { JSON.number($0) }.joined(separator: " × ") + " \(h.spatialUnit)"
            ),
            (
                "voxel_size_mm", JSON.array([spacing.0, spacing.1, spacing.2]),
                [spacing.0, spacing.1, spacing.2].map { JSON.number($0) }.joined(separator: " × ") + " mm (from the affine)"
            ),
            ("voxel_volume_mm3", JSON.number(h.geometry.voxelVolumeMM3), JSON.number(h.geometry.voxelVolumeMM3)),
            ("spatial_unit", JSON.string(h.spatialUnit), h.spatialUnit),
            ("scl_slope", JSON.number(h.headerSlope), JSON.number(h.headerSlope)),
            ("scl_inter", JSON.number(h.headerIntercept), JSON.number(h.headerIntercept)),
            ("scaling_applied", String(!h.scaling.isIdentity), scalingText),
            ("qform_code", String(h.qformCode), "\(h.qformCode) (\(ScanHeader.xformName(h.qformCode)))"),
            ("sform_code", String(h.sformCode), "\(h.sformCode) (\(ScanHeader.xformName(h.sformCode)))"),
            ("orientation_source", JSON.string(h.orientationSource.rawValue), h.orientationSource.rule),
            ("affine", JSON.matrix(h.affine.matrix4x4), matrixText(h.affine)),
            ("qform", JSON.matrix(h.qform.matrix4x4), matrixText(h.qform)),
            ("sform", JSON.matrix(h.sform.matrix4x4), matrixText(h.sform)),
            ("axis_codes", JSON.string(axes.code), axes.code),
            ("value_min", JSON.number(summary.minimum), range),
            ("value_max", JSON.number(summary.maximum), ""),
            ("nan_count", String(summary.nanCount), String(summary.nanCount)),
            ("posinf_count", String(summary.positiveInfinityCount), String(summary.positiveInfinityCount)),
            ("neginf_count", String(summary.negativeInfinityCount), String(summary.negativeInfinityCount)),
        ]
    }

    static let textLabels: [String: String] = [
        "input": "file", "nifti_version": "format", "gzip": "gzip", "byte_order": "byte order",
        "dims": "dimensions", "volume_index": "volume", "datatype": "datatype", "pixdim_mm": "pixdim",
        "voxel_size_mm": "voxel size", "voxel_volume_mm3": "voxel volume mm³", "spatial_unit": "unit",
        "scl_slope": "scl_slope", "scl_inter": "scl_inter", "scaling_applied": "scaling",
        "qform_code": "qform code", "sform_code": "sform code", "orientation_source": "orientation",
        "affine": "affine", "qform": "qform", "sform": "sform", "axis_codes": "axes",
        "value_min": "value range", "nan_count": "NaN voxels", "posinf_count": "+Inf voxels",
        "neginf_count": "-Inf voxels",
    ]

    public func text() -> String {
        fields.compactMap { field in
            guard let label = Self.textLabels[field.key] else { return nil }
            return label.padding(toLength: 17) + field.text
        }.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        "{\n" + fields.map { "  \(JSON.string($0.key)): \($0.json)" }.joined(separator: ",\n") + "\n}\n"
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
