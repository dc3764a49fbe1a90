import LesionReview

/// The cohort index of the review report: participants needing urgent review first, then by
/// class (suspected PML-IRIS, rebound, reactivation, indeterminate, no new activity, then those
/// not classified), each linked to its page, with the count of each class.
struct CohortIndexPage {
    /// One participant's line: ID, class (nil when not classified), and the page's file name.
    struct Entry {
        let participantID: String
        let className: String?
        let urgentReview: Bool
        let page: String
    }

    let entries: [Entry]

    /// Urgency rank of a class name; unknown or missing classes come last.
    static func rank(_ className: String?) -> Int {
        className.flatMap(ReviewClass.init(rawValue:))?.urgencyRank ?? ReviewClass.byUrgency.count
    }

    /// The entries most urgent first: urgent review, then class, then participant ID.
    var ordered: [Entry] {
        entries.sorted { a, b in
            (a.urgentReview ? 0 : 1, Self.rank(a.className), a.participantID)
                < (b.urgentReview ? 0 : 1, Self.rank(b.className), b.participantID)
        }
    }

    var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>LesionTrack review: cohort</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; }
            table { border-collapse: collapse; margin: 8px 0 16px; }
            th, td { border: 1px solid #ccc; padding: 3px 10px; text-align: left; }
            .statement { border-left: 4px solid #1c7ed6; padding: 6px 12px; background: #e7f5ff; }
            </style>
            </head>
            <body>
            <h1>Cohort review</h1>
            <p class="statement">\(HTML.escape(PatientPage.statement))</p>
            <h2>Counts</h2>
            <table><tr><th>class</th><th>participants</th></tr>

            """
        let names = ReviewClass.byUrgency.map(\.rawValue)
        for name in names {
            out += "<tr><td>\(HTML.escape(name))</td><td>\(entries.filter { $0.className == name }.count)</td></tr>\n"
        }
        let other = entries.filter { !names.contains($0.className ?? "") }.count
        if other > 0 { out += "<tr><td>not classified</td><td>\(other)</td></tr>\n" }
        out +=
            "</table>\n<h2>Participants, most urgent first</h2>\n<table><tr><th>participant</th><th>class</th><th>urgent review</th></tr>\n"
        for entry in ordered {
            out +=
                "<tr><td><a href=\"\(HTML.escape(entry.page))\">\(HTML.escape(entry.participantID))</a></td><td>\(HTML.escape(entry.className ?? "not classified"))</td><td>\(entry.urgentReview ? "urgent" : "")</td></tr>\n"
        }
        return out + "</table>\n</body>\n</html>\n"
    }
}
