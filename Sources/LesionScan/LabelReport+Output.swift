import LesionIO

extension LabelReport {
    /// The forms `label` prints its lesions in.
    public enum Format: String, Sendable, CaseIterable {
        case json, csv, tsv
    }

    /// Writes the report in `format` to standard output, or to `file` (written atomically) with a
    /// BIDS sidecar beside a table: `lesions.tsv` → `lesions.json`.
    public func write(_ format: Format, to file: String?) throws(ScanError) {
        guard let file else {
            return try TextOutput.standardOutput { (out: TextOutput) throws(ScanError) in try emit(format, out) }
        }
        try AtomicFile.commit(stage(format, to: file))
    }

    /// The report in `format` as standard output would show it.
    public func bytes(_ format: Format) throws(ScanError) -> [UInt8] {
        try TextOutput.bytes { (out: TextOutput) throws(ScanError) in try emit(format, out) }
    }

    /// Writes the report in `format` for `file` (and a table's sidecar, after it) to temporary files,
    /// flushed to disk; `AtomicFile.commit` puts them in place. On failure none is left.
    public func stage(_ format: Format, to file: String) throws(ScanError) -> [AtomicFile.Staged] {
        let table = try TextOutput.stage(file) { (out: TextOutput) throws(ScanError) in try emit(format, out) }
        guard format != .json else { return [table] }
        do throws(ScanError) {
            let sidecar = try TextOutput.stage(Self.sidecarPath(for: file)) { (out: TextOutput) throws(ScanError) in
                try writeSidecar(out, table: file)
            }
            return [table, sidecar]
        } catch {
            table.discard()
            throw error
        }
    }

    private func emit(_ format: Format, _ out: TextOutput) throws(ScanError) {
        switch format {
        case .json: try writeJSON(out)
        case .csv: try writeTable(out, format: .csv)
        case .tsv: try writeTable(out, format: .tsv)
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
