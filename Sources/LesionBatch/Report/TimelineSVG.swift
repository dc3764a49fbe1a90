import LesionReview

/// The inline SVG timeline of a participant: Gd+ count, new and enlarging T2 counts (left
/// axis) and total T2 lesion volume (right axis) at each session, with therapy dates marked.
///
/// Sessions are placed by their `acq_time` date when every session has one, else evenly in
/// visit order (and therapy dates, which then have no place, are listed under the plot). On a
/// date axis each review time window is a translucent band over the plot's full height, one
/// colour per hypothesis, its rule ID and dates in the band's `<title>`.
struct TimelineSVG {
    let visits: [PatientReportData.Visit]
    let therapy: [PatientReportData.TherapyMark]
    var windows: [ReviewWindowRecord] = []

    static let width = 760.0, height = 340.0
    static let left = 60.0, right = 70.0, top = 30.0, bottom = 90.0

    /// The series drawn, with their colours.
    static let series: [(name: String, colour: String)] = [
        ("Gd+ lesions", "#d6336c"), ("new T2", "#e8590c"), ("enlarging T2", "#f59f00"), ("T2 volume (mm³)", "#1c7ed6"),
    ]
    static let infusionColour = "#7048e8", plasmaColour = "#2b8a3e"
    /// The fill of each hypothesis's windows, drawn at `windowOpacity`, and its legend name.
    static let windowStyles: [String: (colour: String, name: String)] = [
        "rebound": ("#15aabf", "rebound window"), "suspected_pml_iris": ("#ae3ec9", "PML-IRIS window"),
        "reactivation": ("#82c91e", "reactivation window"), "no_new_activity": ("#868e96", "no-new-activity window"),
    ]
    static let windowOpacity = 0.2

    static func windowStyle(_ hypothesis: String) -> (colour: String, name: String) {
        windowStyles[hypothesis] ?? ("#495057", hypothesis + " window")
    }

    /// Whether the windows are shaded on the plot's date axis.
    var shadesWindows: Bool { sessionDays != nil && !windows.isEmpty }

    /// Days since 1970 of a window's first and last day.
    static func days(_ window: ReviewWindowRecord) -> (from: Double, to: Double)? {
        guard let event = ISODateTime(window.eventDate) else { return nil }
        let day = event.secondsSinceEpoch / ISODateTime.secondsPerDay
        return (day + window.fromDays, day + window.toDays)
    }

    /// Days since 1970 of each session, when every session has a readable date.
    var sessionDays: [Double]? {
        let days = visits.map { v in v.acquisitionTime.flatMap(ISODateTime.init).map { $0.secondsSinceEpoch / ISODateTime.secondsPerDay } }
        guard !days.isEmpty, days.allSatisfy({ $0 != nil }) else { return nil }
        return days.map { $0! }
    }

    /// Whether therapy dates are placed on the plot's date axis.
    var marksTherapy: Bool { sessionDays != nil && !therapy.isEmpty }

    var svg: String {
        let w = Self.width, h = Self.height
        let plotW = w - Self.left - Self.right, plotH = h - Self.top - Self.bottom
        let therapyDays = therapy.compactMap { mark in
            ISODateTime(mark.date).map { (mark, $0.secondsSinceEpoch / ISODateTime.secondsPerDay) }
        }
        let positions: [Double]
        var range: (Double, Double)
        if let days = sessionDays {
            positions = days
            let all = days + (therapyDays.map(\.1)) + windows.compactMap(Self.days).flatMap { [$0.from, $0.to] }
            range = (all.min()!, all.max()!)
        } else {
            positions = visits.indices.map(Double.init)
            range = (0, Double(max(0, visits.count - 1)))
        }
        if range.1 - range.0 < 1 { range = (range.0 - 1, range.1 + 1) }
        let pad = (range.1 - range.0) * 0.05
        range = (range.0 - pad, range.1 + pad)
        func x(_ t: Double) -> Double { Self.left + (t - range.0) / (range.1 - range.0) * plotW }
        let counts = visits.map { [$0.gdLesions, $0.newT2, $0.enlargingT2] }
        let maxCount = max(1, counts.flatMap { $0.compactMap { $0 } }.max() ?? 1)
        let maxVolume = max(1, visits.map(\.t2VolumeMM3).max() ?? 1)
        func yCount(_ c: Int) -> Double { Self.top + plotH - Double(c) / Double(maxCount) * plotH }
        func yVolume(_ v: Double) -> Double { Self.top + plotH - v / maxVolume * plotH }
        func f(_ v: Double) -> String { HTML.fixed(v, 1) }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="\(f(w))" height="\(f(h))" viewBox="0 0 \(f(w)) \(f(h))" role="img" aria-label="Timeline of lesion counts and T2 lesion volume">
            <rect x="0" y="0" width="\(f(w))" height="\(f(h))" fill="#ffffff"/>
            <line x1="\(f(Self.left))" y1="\(f(Self.top + plotH))" x2="\(f(Self.left + plotW))" y2="\(f(Self.top + plotH))" stroke="#333"/>
            <line x1="\(f(Self.left))" y1="\(f(Self.top))" x2="\(f(Self.left))" y2="\(f(Self.top + plotH))" stroke="#333"/>
            <line x1="\(f(Self.left + plotW))" y1="\(f(Self.top))" x2="\(f(Self.left + plotW))" y2="\(f(Self.top + plotH))" stroke="#333"/>
            <text x="\(f(Self.left - 8))" y="\(f(Self.top - 10))" font-size="11" text-anchor="start">count</text>
            <text x="\(f(Self.left + plotW + 8))" y="\(f(Self.top - 10))" font-size="11" text-anchor="end">mm³</text>

            """
        for tick in Set([0, maxCount / 2, maxCount]).sorted() {
            out += "<text x=\"\(f(Self.left - 6))\" y=\"\(f(yCount(tick) + 4))\" font-size=\"11\" text-anchor=\"end\">\(tick)</text>\n"
        }
        for tick in [0, maxVolume / 2, maxVolume] {
            out +=
                "<text x=\"\(f(Self.left + plotW + 6))\" y=\"\(f(yVolume(tick) + 4))\" font-size=\"11\" text-anchor=\"start\">\(HTML.fixed(tick, 0))</text>\n"
        }
        if shadesWindows {
            for window in windows {
                guard let (from, to) = Self.days(window) else { continue }
                let style = Self.windowStyle(window.hypothesis)
                let event = window.event == "plasma_exchange" ? "the plasma exchange" : "the last infusion"
                out +=
                    "<rect class=\"window\" data-hypothesis=\"\(HTML.escape(window.hypothesis))\" data-rule=\"\(HTML.escape(window.ruleID))\" x=\"\(f(x(from)))\" y=\"\(f(Self.top))\" width=\"\(f(max(1, x(to) - x(from))))\" height=\"\(f(plotH))\" fill=\"\(style.colour)\" fill-opacity=\"\(Self.windowOpacity)\"><title>\(HTML.escape("\(style.name): rule \(window.ruleID), \(window.startDate) to \(window.endDate) (\(HTML.fixed(window.fromDays, 0))–\(HTML.fixed(window.toDays, 0)) days after \(event) on \(window.eventDate))"))</title></rect>\n"
            }
        }
        if sessionDays != nil {
            for (mark, day) in therapyDays {
                let colour = mark.kind == .infusion ? Self.infusionColour : Self.plasmaColour
                out +=
                    "<line class=\"therapy\" x1=\"\(f(x(day)))\" y1=\"\(f(Self.top))\" x2=\"\(f(x(day)))\" y2=\"\(f(Self.top + plotH))\" stroke=\"\(colour)\" stroke-dasharray=\"4 3\"><title>\(HTML.escape(mark.kind.rawValue)) \(mark.date)</title></line>\n"
            }
        }
        for (n, v) in visits.enumerated() {
            let label = v.acquisitionTime.map { String($0.prefix(10)) } ?? "visit \(v.visit)"
            out +=
                "<text x=\"\(f(x(positions[n])))\" y=\"\(f(Self.top + plotH + 16))\" font-size=\"11\" text-anchor=\"middle\">\(HTML.escape(v.sessionID))</text>\n"
            out +=
                "<text x=\"\(f(x(positions[n])))\" y=\"\(f(Self.top + plotH + 30))\" font-size=\"10\" text-anchor=\"middle\">\(HTML.escape(label))</text>\n"
        }
        let values: [[Double?]] = [
            visits.map { $0.gdLesions.map { yCount($0) } }, visits.map { $0.newT2.map { yCount($0) } },
            visits.map { $0.enlargingT2.map { yCount($0) } }, visits.map { yVolume($0.t2VolumeMM3) },
        ]
        for (s, ys) in values.enumerated() {
            let colour = Self.series[s].colour
            let points = ys.indices.compactMap { n in ys[n].map { "\(f(x(positions[n]))),\(f($0))" } }
            if points.count > 1 {
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
            for point in points {
                let xy = point.split(separator: ",")
                out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"4\" fill=\"\(colour)\"/>\n"
            }
        }
        var legendX = Self.left
        var legendY = h - 32
        var legend = Self.series.map { ($0.name, $0.colour, false) }
        if marksTherapy {
            legend += [("last infusion", Self.infusionColour, true), ("plasma exchange", Self.plasmaColour, true)]
                .filter { item in therapy.contains { ($0.kind == .infusion) == (item.0 == "last infusion") } }
        }
        for (name, colour, dashed) in legend {
            let shape =
                dashed
                ? "<line x1=\"\(f(legendX))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(legendX + 14))\" y2=\"\(f(legendY - 4))\" stroke=\"\(colour)\" stroke-dasharray=\"4 3\"/>"
                : "<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 9))\" width=\"12\" height=\"10\" fill=\"\(colour)\"/>"
            out += shape + "<text x=\"\(f(legendX + 18))\" y=\"\(f(legendY))\" font-size=\"11\">\(HTML.escape(name))</text>\n"
            legendX += 30 + Double(name.count) * 6.5
        }
        if shadesWindows {
            legendX = Self.left
            legendY = h - 12
            var shown: [String] = []
            for window in windows where !shown.contains(window.hypothesis) {
                shown.append(window.hypothesis)
                let style = Self.windowStyle(window.hypothesis)
                let rules = windows.filter { $0.hypothesis == window.hypothesis }.map(\.ruleID)
                out +=
                    "<rect class=\"window-legend\" x=\"\(f(legendX))\" y=\"\(f(legendY - 9))\" width=\"12\" height=\"10\" fill=\"\(style.colour)\" fill-opacity=\"\(Self.windowOpacity)\" stroke=\"\(style.colour)\"><title>\(HTML.escape(rules.joined(separator: ", ")))</title></rect>"
                    + "<text x=\"\(f(legendX + 18))\" y=\"\(f(legendY))\" font-size=\"11\">\(HTML.escape(style.name))</text>\n"
                legendX += 30 + Double(style.name.count) * 6.5
            }
        }
        return out + "</svg>"
    }
}
