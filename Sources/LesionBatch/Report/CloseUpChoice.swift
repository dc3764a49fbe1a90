import LesionKernels

/// A lesion the review page shows close-ups of, why, and the world point they are centred on.
struct CloseUpChoice {
    /// The lesion's ID in the participant's ledger.
    let lesionID: Int
    /// Why it was chosen, for example `largest at ses-04 (81.0 mm³)`.
    let reason: String
    /// Its centroid (RAS+, mm) at the visit that chose it: the last visit for the largest, the
    /// visit of its largest growth for the fastest-growing.
    let centre: WorldPoint

    /// Up to `limit` lesions, alternating between the largest present at the last visit (by
    /// volume, then ID) and the fastest-growing (by the largest volume ratio to the previous
    /// visit above 1 at any visit, then ID), each lesion once: the largest first, then the
    /// fastest-growing, then the second largest, and so on (a lesion in both lists gives both
    /// reasons and is centred as first chosen). Lesions without a centroid are skipped.
    static func choose(_ data: PatientReportData, limit: Int) -> [CloseUpChoice] {
        guard let last = data.visits.map(\.visit).max(), limit > 0 else { return [] }
        let session = Dictionary(data.visits.map { ($0.visit, $0.sessionID) }, uniquingKeysWith: { a, _ in a })
        func point(_ row: PatientReportData.LedgerRow) -> WorldPoint? {
            row.centroidMM.map { WorldPoint($0.x, $0.y, $0.z) }
        }
        let largest = data.ledger
            .filter { $0.visit == last && $0.voxels > 0 && $0.centroidMM != nil }
            .sorted { ($0.volumeMM3, -$0.lesionID) > ($1.volumeMM3, -$1.lesionID) }
            .enumerated().map { rank, row in
                CloseUpChoice(
                    lesionID: row.lesionID,
                    reason: "\(Self.ordinal(rank))largest at \(session[last] ?? "the last visit") (\(HTML.fixed(row.volumeMM3, 1)) mm³)",
                    centre: point(row)!)
            }
        var fastest: [Int: PatientReportData.LedgerRow] = [:]
        for row in data.ledger where (row.volumeRatio ?? 0) > 1 && row.centroidMM != nil {
            if let best = fastest[row.lesionID], best.volumeRatio! >= row.volumeRatio! { continue }
            fastest[row.lesionID] = row
        }
        let growing = fastest.values
            .sorted { ($0.volumeRatio!, -$0.lesionID) > ($1.volumeRatio!, -$1.lesionID) }
            .enumerated().map { rank, row in
                CloseUpChoice(
                    lesionID: row.lesionID,
                    reason:
                        "\(Self.ordinal(rank))fastest-growing: ×\(HTML.fixed(row.volumeRatio!, 2)) by \(row.sessionID) (\(row.previousVolumeMM3.map { HTML.fixed($0, 1) } ?? "?") → \(HTML.fixed(row.volumeMM3, 1)) mm³)",
                    centre: point(row)!)
            }
        var chosen: [CloseUpChoice] = []
        var n = 0
        while chosen.count < limit && (n < largest.count || n < growing.count) {
            for list in [largest, growing] where n < list.count && chosen.count < limit {
                if let same = chosen.firstIndex(where: { $0.lesionID == list[n].lesionID }) {
                    let first = chosen[same]
                    chosen[same] = CloseUpChoice(
                        lesionID: first.lesionID, reason: first.reason + "; " + list[n].reason, centre: first.centre)
                } else {
                    chosen.append(list[n])
                }
            }
            n += 1
        }
        return chosen
    }

    /// "" for the first, then "2nd ", "3rd ", "4th ", …
    static func ordinal(_ rank: Int) -> String {
        let n = rank + 1
        guard n > 1 else { return "" }
        let suffix = (n % 100) / 10 == 1 ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix) "
    }
}
