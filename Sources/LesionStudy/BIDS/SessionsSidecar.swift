import LesionIO
import LesionReview

/// The BIDS sidecar of `sub-<id>_sessions.tsv`: each clinical column the review reads, with its
/// `Description`, its `Levels` (words and their meaning) or `Units`, and what `n/a` means.
///
/// `Documentation/sessions.json` holds this text; copied to a study's root as `sessions.json`, it
/// describes every participant's sessions table (BIDS inheritance).
public enum SessionsSidecar {
    public static var json: String {
        let entries = ClinicalColumn.allCases.map { column -> String in
            var fields = ["    \"Description\": " + JSON.string(column.definition + naText(column))]
            if !column.levels.isEmpty {
                let levels = column.levels.map { "      \(JSON.string($0.0)): \(JSON.string($0.1))" }
                fields.append("    \"Levels\": {\n" + levels.joined(separator: ",\n") + "\n    }")
            }
            if let units = column.units { fields.append("    \"Units\": " + JSON.string(units)) }
            return "  \(JSON.string(column.rawValue)): {\n" + fields.joined(separator: ",\n") + "\n  }"
        }
        return "{\n" + entries.joined(separator: ",\n") + "\n}\n"
    }

    private static func naText(_ column: ClinicalColumn) -> String {
        column.naMeansNone ? " n/a means none." : " n/a means unknown, never negative."
    }
}
