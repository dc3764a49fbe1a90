import LesionKernels
import LesionStudy

/// The HTML review page of one participant: class and scores, the decision-support statement,
/// the timeline, a lesion mosaic per session, close-ups of a few lesions, the lesion table, the rules that fired, the
/// missing data and the provenance. No script and no network: images are PNGs in the folder
/// `sub-<id>/` beside the page.
struct PatientPage {
    /// The mosaic of one session, as written (or why there is none).
    struct Mosaic {
        let sessionID: String
        /// Relative to the page, for example `sub-01/ses-02_mosaic.png`; nil when not drawn.
        let file: String?
        /// The three-plane projection beside it, for example `sub-01/ses-02_mip.png`.
        let projection: String?
        /// Axial voxel slices shown, in tile order.
        let slices: [Int]
        /// What the grey background is: the anatomical image and how it reached the label map's
        /// grid (`FLAIR (…), registered to ses-01 and resampled …`), or the T2 input or label map
        /// and why no anatomy is drawn.
        let background: String
        /// The length of the white scale bar in the first tile, in mm; nil when none is drawn.
        let scaleBarMM: Double?
        let note: String?
        /// Why the session's Gd+ map is not drawn (its Gd+ voxels with no T2 lesion), when it exists.
        var gdNote: String? = nil
    }

    /// The close-up strip of one lesion.
    struct CloseUp {
        let choice: CloseUpChoice
        /// Relative to the page, for example `sub-01/lesion-3_closeup.png`.
        let file: String
    }

    let data: PatientReportData
    let mosaics: [Mosaic]
    var closeUps: [CloseUp] = []
    /// The side of each close-up tile, mm.
    var closeUpFieldMM: Double = 40

    /// The statement shown when the database holds none (an unclassified participant).
    static var statement: String { RulesFile.statement }

    var html: String {
        let id = HTML.escape(data.participantID)
        let className = data.className ?? "not classified"
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(id) · LesionTrack review</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
            table { border-collapse: collapse; margin: 8px 0 16px; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 13px; }
            .class { font-size: 22px; font-weight: bold; padding: 6px 12px; display: inline-block; border-radius: 4px; }
            .suspected_pml_iris { background: #ffc9c9; } .rebound { background: #ffd8a8; } .reactivation { background: #fff3bf; }
            .indeterminate { background: #e9ecef; } .no_new_activity { background: #d3f9d8; }
            .statement { border-left: 4px solid #1c7ed6; padding: 6px 12px; background: #e7f5ff; }
            .swatch { display: inline-block; width: 14px; height: 14px; vertical-align: middle; margin: 0 4px 0 12px; }
            figure { margin: 12px 0 24px; } img { max-width: 100%; image-rendering: pixelated; border: 1px solid #888; }
            code { font-size: 12px; }
            </style>
            </head>
            <body>
            <p><a href="index.html">Cohort index</a></p>
            <h1>\(id)</h1>
            <p><span class="class \(HTML.escape(className))">\(HTML.escape(className))</span>\(data.urgentReview ? " <strong>urgent review</strong>" : "")</p>
            <p class="statement">\(HTML.escape(data.decisionSupport ?? Self.statement))</p>

            """
        out += "<h2>Scores</h2>\n"
        if data.scores.isEmpty {
            out += "<p>No scores: the participant was not classified (status \(HTML.escape(data.status))).</p>\n"
        } else {
            out += "<table><tr><th>hypothesis</th><th>score</th></tr>\n"
            for (hypothesis, score) in data.scores {
                out += "<tr><td>\(HTML.escape(hypothesis))</td><td>\(HTML.fixed(score, 2))</td></tr>\n"
            }
            out += "</table>\n"
        }
        out += timeline
        out += images
        out += closeUpSection
        out += lesionTable
        out += rules
        out += missing
        out += provenance
        return out + "</body>\n</html>\n"
    }

    private var timeline: String {
        let plot = TimelineSVG(visits: data.visits, therapy: data.therapy, windows: data.windows)
        var out = "<h2>Timeline</h2>\n" + plot.svg + "\n"
        out += windowNote(plot)
        if !data.therapy.isEmpty && !plot.marksTherapy {
            out +=
                "<p>Therapy dates (not placed: some sessions have no acquisition date): "
                + data.therapy.map { HTML.escape("\($0.kind.rawValue) \($0.date)") }.joined(separator: "; ") + "</p>\n"
        }
        if data.therapy.isEmpty {
            out +=
                "<p>No last-infusion or plasma-exchange dates"
                + (data.therapyNote.map { " (\(HTML.escape($0)))" } ?? " in the sessions table") + ".</p>\n"
        }
        return out
    }

    /// What the shaded bands are, or why there are none.
    private func windowNote(_ plot: TimelineSVG) -> String {
        guard !data.windows.isEmpty else {
            let reason: String
            if data.className == nil {
                reason = "the participant was not classified"
            } else if !data.therapy.contains(where: { $0.kind == .infusion }) {
                reason =
                    "no last natalizumab infusion date (ntz_last_infusion) in \(data.participantID)_sessions.tsv, so the windows have no start"
            } else {
                reason =
                    "none is stored: the rules file defines no window (a rule bounding the days or weeks since the last infusion, or the days since a plasma exchange, from both sides), or the results were written before windows were stored (run the participant again)"
            }
            return "<p class=\"windows\">No rebound or PML-IRIS time windows shaded: \(HTML.escape(reason)).</p>\n"
        }
        var out =
            plot.shadesWindows
            ? "<p class=\"windows\">Shaded: the time windows of the rules file used by the classification, from the latest last infusion and plasma exchange in the sessions table:</p>\n"
            : "<p class=\"windows\">Time windows of the rules file (not shaded: some sessions have no acquisition date):</p>\n"
        out += "<ul class=\"windows\">\n"
        for window in data.windows {
            let style = TimelineSVG.windowStyle(window.hypothesis)
            let event = window.event == "plasma_exchange" ? "plasma exchange" : "last infusion"
            out +=
                "<li><span class=\"swatch\" style=\"background: \(style.colour); opacity: 0.5\"></span>"
                + HTML.escape(
                    "\(style.name): \(window.startDate) to \(window.endDate), \(HTML.fixed(window.fromDays, 0))–\(HTML.fixed(window.toDays, 0)) days after the \(event) of \(window.eventDate) (rule \(window.ruleID), on \(window.features))"
                )
                + "</li>\n"
        }
        return out + "</ul>\n"
    }

    private var images: String {
        var out = """
            <h2>Lesions by session</h2>
            <p>Axial slices through the lesions, in voxel order from the first slice holding a lesion to the last.
            Radiological convention: the patient's right is on the image's left (R on the left, L on the right);
            anterior (A) at the top, posterior (P) at the bottom. Lesions are tinted by their state at that session:
            """
        for tint in ReviewTint.allCases {
            out += "<span class=\"swatch\" style=\"background: \(tint.hex)\"></span>\(HTML.escape(tint.name))"
        }
        out +=
            ". A lesion enhancing (Gd+) at that session is also outlined in yellow, just inside its edge:"
            + "<span class=\"swatch enhancing\" style=\"border: 3px solid \(ReviewTint.enhancingHex); width: 8px; height: 8px\"></span>enhancing (Gd+).</p>\n"
        for mosaic in mosaics {
            let session = HTML.escape(mosaic.sessionID)
            out += "<figure>\n"
            if let file = mosaic.file {
                out += "<img src=\"\(HTML.escape(file))\" alt=\"\(id) \(session) axial lesion mosaic\">\n"
                out +=
                    "<figcaption>\(session): axial slices \(mosaic.slices.map(String.init).joined(separator: ", ")); R ← image left, L → image right, A top, P bottom\(mosaic.scaleBarMM.map { "; white bar: \(HTML.fixed($0, 0)) mm" } ?? ""). <span class=\"background\">Background: \(HTML.escape(mosaic.background)).</span>\(mosaic.gdNote.map { " <span class=\"gd-note\">Gd+ lesions with no T2 lesion are not drawn: \(HTML.escape($0)).</span>" } ?? "")</figcaption>\n"
                if let projection = mosaic.projection {
                    out += "<img src=\"\(HTML.escape(projection))\" alt=\"\(id) \(session) maximum-intensity projections\">\n"
                    out +=
                        "<figcaption>\(session): maximum-intensity projections, left to right axial (R left, A top), coronal (R left, superior top), sagittal (anterior left, superior top); each lesion in its most salient state along the ray.</figcaption>\n"
                }
            } else {
                out += "<figcaption>\(session): no image (\(HTML.escape(mosaic.note ?? "no label map"))).</figcaption>\n"
            }
            out += "</figure>\n"
        }
        return out
    }

    private var id: String { HTML.escape(data.participantID) }

    private var closeUpSection: String {
        var out = "<h2>Close-ups</h2>\n"
        guard !closeUps.isEmpty else { return out + "<p>No lesion to show close up.</p>\n" }
        out +=
            "<p>\(closeUps.count == 1 ? "One lesion" : "\(closeUps.count) lesions") close up, chosen in turn as the largest at the last session and the fastest-growing (by volume ratio to the previous session), at most three. Each tile is \(HTML.fixed(closeUpFieldMM, 0)) mm square, centred on the same world point at every session (the lesion's centroid, RAS+ mm, through each session's affine), in the axial plane through it: R on the image's left, A at the top; white ticks at the edges point to the centre. Tints, the yellow outline and each session's background as in the mosaics.</p>\n"
        for closeUp in closeUps {
            let lesion = closeUp.choice.lesionID
            let c = closeUp.choice.centre
            let sessions = data.visits.map { visit -> String in
                let date = visit.acquisitionTime.map { " " + String($0.prefix(10)) } ?? ""
                let row = data.ledger.first { $0.lesionID == lesion && $0.visit == visit.visit }
                var state = row.map(\.state) ?? "not yet seen"
                if row?.enhancing == true { state += ", enhancing" }
                if data.labelMaps[visit.sessionID] == nil { state = "no image" }
                return "\(visit.sessionID)\(date) (\(state))"
            }
            out += "<figure>\n<img class=\"closeup\" src=\"\(HTML.escape(closeUp.file))\" alt=\"\(id) lesion \(lesion) close-ups\">\n"
            out +=
                "<figcaption>Lesion \(lesion), \(HTML.escape(closeUp.choice.reason)); centred on (\(HTML.fixed(c.x, 1)), \(HTML.fixed(c.y, 1)), \(HTML.fixed(c.z, 1))) mm. Left to right: \(HTML.escape(sessions.joined(separator: " · "))).</figcaption>\n</figure>\n"
        }
        return out
    }

    private var lesionTable: String {
        var out = "<h2>Counts by session</h2>\n"
        out +=
            "<p>New or enlarging counts each lesion once: new, enlarging (grown by the enlarging rule, or adding a confluent region), and merged, split or recurrent lesions that are confluent or grew. Recurrent lesions reappear where a lesion resolved lately and are not new.</p>\n"
        out +=
            "<table><tr><th>session</th><th>T2 lesions</th><th>new</th><th>enlarging</th><th>new or enlarging</th><th>confluent</th><th>recurrent</th><th>Gd+</th></tr>\n"
        for visit in data.visits {
            func count(_ n: Int?) -> String { n.map(String.init) ?? "" }
            let counts: [Int?] = [
                visit.newT2, visit.enlargingT2, visit.newOrEnlargingT2, visit.confluentT2, visit.recurrentT2, visit.gdLesions,
            ]
            let cells: [String] = [visit.sessionID, String(visit.t2Lesions)] + counts.map(count)
            out += "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n<h2>Lesions</h2>\n"
        guard !data.ledger.isEmpty else { return out + "<p>No lesions in the ledger.</p>\n" }
        out +=
            "<table><tr><th>lesion</th><th>session</th><th>state</th><th>activity</th><th>voxels</th><th>volume mm³</th><th>previous mm³</th><th>ratio</th><th>enhancing</th><th>largest extent mm</th></tr>\n"
        for row in data.ledger {
            let activity = row.active.map { ($0 ? "counted" : "no") + (row.confluent == true ? ", confluent" : "") } ?? ""
            let cells = [
                String(row.lesionID), row.sessionID, row.state, activity, String(row.voxels), HTML.fixed(row.volumeMM3, 1),
                row.previousVolumeMM3.map { HTML.fixed($0, 1) } ?? "", row.volumeRatio.map { HTML.fixed($0, 2) } ?? "",
                row.enhancing.map { $0 ? "yes" : "no" } ?? "", row.largestExtentMM.map { HTML.fixed($0, 1) } ?? "",
            ]
            out += "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    private var rules: String {
        var out = "<h2>Rules that fired</h2>\n"
        guard !data.reasons.isEmpty else { return out + "<p>None.</p>\n" }
        out += "<table><tr><th>session</th><th>rule</th><th>description</th><th>condition</th><th>weights</th><th>source</th></tr>\n"
        for reason in data.reasons {
            let weights = reason.weights.map { "\($0.hypothesis) \($0.weight >= 0 ? "+" : "")\(HTML.fixed($0.weight, 2))" }
                .joined(separator: ", ")
            let cells = [
                reason.sessionID ?? "participant", reason.rule ?? "overall", reason.description, reason.condition ?? "",
                weights, reason.source ?? "",
            ]
            out += "<tr>" + cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    private var missing: String {
        var out = "<h2>Missing data</h2>\n"
        if data.missingData.isEmpty && data.errors.isEmpty { return out + "<p>None.</p>\n" }
        out += "<ul>\n" + (data.missingData + data.errors).map { "<li>\(HTML.escape($0))</li>\n" }.joined() + "</ul>\n"
        return out
    }

    private var provenance: String {
        let rows: [(String, String)] = [
            ("tool version", data.toolVersion), ("pipeline", data.pipelineFile), ("pipeline sha256", data.pipelineSHA256),
            ("rules", data.rulesFile ?? "none"), ("rules sha256", data.rulesSHA256 ?? "none"),
        ]
        return "<h2>Provenance</h2>\n<table>\n"
            + rows.map { "<tr><th>\(HTML.escape($0.0))</th><td><code>\(HTML.escape($0.1))</code></td></tr>\n" }.joined()
            + "</table>\n"
    }
}
