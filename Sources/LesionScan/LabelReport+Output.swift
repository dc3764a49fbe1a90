import LesionIO

extension LabelReport {
    /// The forms `label` prints its lesions in.
    public enum Format: String, Sendable, CaseIterable {
        case json, csv, tsv
    }

    /// Writes the report in `format` to standard output, or to `file` (written atomically) with a
    /// BIDS sidecar beside a table: `lesions.tsv` → `lesions.json`.
    public func write(_ format: Format, to file: String?) throws(ScanError) {
        let body = { (out: TextOutput) throws(ScanError) in
            switch format {
            case .json: try writeJSON(out)
            case .csv: try writeTable(out, format: .csv)
            case .tsv: try writeTable(out, format: .tsv)
            }
        }
        guard let file else { return try TextOutput.standardOutput(body) }
        try TextOutput.file(file, body)
        if format != .json {
            try TextOutput.file(Self.sidecarPath(for: file)) { (out: TextOutput) throws(ScanError) in
                try writeSidecar(out, table: file)
            }
        }
    }

    /// `lesions.tsv` → `lesions.json`, as BIDS pairs a table with its sidecar; else `NAME.json`.
    public static func sidecarPath(for table: String) -> String {
        for suffix in [".tsv", ".csv"] where table.lowercased().hasSuffix(suffix) {
            return String(table.dropLast(suffix.count)) + ".json"
        }
        return table + ".json"
    }
}
