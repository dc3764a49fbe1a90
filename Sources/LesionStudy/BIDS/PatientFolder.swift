import LesionIO
import LesionReview

/// One patient's BIDS folder: the participant, its sessions in time order, and their files.
///
/// `open` accepts the study root holding exactly one `sub-<id>` folder, or the `sub-<id>` folder
/// itself (the study root is then its parent). Sessions are the `ses-<label>` folders of the
/// participant, in the raw folder and, when the pipeline asks, under
/// `derivatives/<pipeline>/sub-<id>/` (where segmenters write lesion maps); each session's files
/// are the `.nii` and `.nii.gz` files of its `anat/` folders.
///
/// **Order.** When `sub-<id>_sessions.tsv` has an `acq_time` column, sessions sort by it (ISO 8601
/// dates or date-times; ties by label) and every session must have one. Otherwise they sort by
/// label in natural order (`ses-2` before `ses-10`).
public struct PatientFolder: Sendable {
    public let studyRoot: String
    public let subjectFolder: String
    /// `sub-<id>`.
    public let participantID: String
    public let sessions: [Session]
    /// How the sessions were ordered, for the outputs.
    public let sessionOrder: String
    /// `sub-<id>_sessions.tsv` when present.
    public let sessionsTable: BIDSTable?

    public static func open(_ directory: String, searchDerivatives: Bool) throws(ScanError) -> PatientFolder {
        var path = directory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard FileSystem.kind(path) == .directory else {
            throw ScanError(directory, FileSystem.kind(path) == .missing ? "no such folder" : "not a folder")
        }
        if let refusal = StudyFolder.outputFolderRefusal(path) { throw ScanError(directory, refusal) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let subjectFolder: String, studyRoot: String
        if name.hasPrefix("sub-") {
            subjectFolder = path
            studyRoot = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        } else {
            let subjects = try FileSystem.list(path).filter {
                $0.hasPrefix("sub-") && FileSystem.kind(FileSystem.join(path, $0)) == .directory
            }
            guard subjects.count == 1 else {
                throw ScanError(
                    directory,
                    subjects.isEmpty
                        ? "no sub-<id> folder: give a BIDS study root holding one participant, or the sub-<id> folder itself (expected \(StudyFolder.expectedLayout))"
                        : "holds \(subjects.count) participants (\(subjects.prefix(3).joined(separator: ", "))\(subjects.count > 3 ? ", …" : "")): name one, for example \(FileSystem.join(path, subjects[0]))"
                )
            }
            subjectFolder = FileSystem.join(path, subjects[0])
            studyRoot = path
        }
        let participant = subjectFolder.split(separator: "/").last.map(String.init)!
        let prefix = studyRoot.isEmpty || studyRoot == "/" ? studyRoot : studyRoot + "/"

        // Session folders: raw, then every derivatives pipeline that has this participant.
        // The first folder seen for a session names it in messages: the raw one when it exists.
        var anatFolders: [String: [String]] = [:]
        var sessionFolders: [String: String] = [:]
        func addSessions(in subject: String) throws(ScanError) {
            guard FileSystem.kind(subject) == .directory else { return }
            for entry in try FileSystem.list(subject) where entry.hasPrefix("ses-") {
                let folder = FileSystem.join(subject, entry)
                // An unreadable session folder is an error, not a session quietly left out.
                guard try FileSystem.existingKind(folder) == .directory else { continue }
                if sessionFolders[entry] == nil { sessionFolders[entry] = folder }
                anatFolders[entry, default: []].append(FileSystem.join(folder, "anat"))
            }
        }
        try addSessions(in: subjectFolder)
        let derivatives = prefix + "derivatives"
        if searchDerivatives && FileSystem.kind(derivatives) == .directory {
            for pipeline in try FileSystem.list(derivatives) {
                try addSessions(in: FileSystem.join(FileSystem.join(derivatives, pipeline), participant))
            }
        }
        guard !anatFolders.isEmpty else {
            throw ScanError(
                subjectFolder, "no ses-<label> folder: a longitudinal run needs the participant's sessions (sub-<id>/ses-<label>/anat/)")
        }

        let tablePath = FileSystem.join(subjectFolder, participant + "_sessions.tsv")
        let table = FileSystem.kind(tablePath) == .file ? try BIDSTable.read(tablePath) : nil
        var times: [String: String] = [:]
        let ordered: Bool = table?.columns.contains("acq_time") ?? false
        if let table, ordered {
            guard table.columns.contains("session_id") else {
                throw ScanError(tablePath, "has acq_time but no session_id column")
            }
            for label in anatFolders.keys {
                guard let row = table.rowIndex(where: "session_id", is: label), let time = table.value("acq_time", row: row) else {
                    throw ScanError(
                        tablePath,
                        "no acq_time for \(label): give every session a time, or drop the acq_time column to order sessions by label")
                }
                guard let key = Self.sortKey(time) else {
                    throw ScanError(
                        tablePath,
                        "line \(table.lines[row]): acq_time \"\(time)\" of \(label) is not an ISO 8601 date or date-time that exists (2024-03-05 or 2024-03-05T10:30:00)"
                    )
                }
                times[label] = key
            }
        }

        var sessions: [Session] = []
        for (label, folders) in anatFolders {
            var files: [String] = []
            for anat in folders where try FileSystem.existingKind(anat) == .directory {
                for entry in try FileSystem.list(anat) where FileNamePattern.niftiStem(entry) != nil {
                    let file = FileSystem.join(anat, entry)
                    if FileSystem.kind(file) == .file { files.append(file) }
                }
            }
            let time = table.flatMap { t in t.rowIndex(where: "session_id", is: label).flatMap { t.value("acq_time", row: $0) } }
            sessions.append(Session(label: label, acquisitionTime: ordered ? time : nil, folder: sessionFolders[label]!, files: files))
        }
        sessions.sort { a, b in
            if ordered, times[a.label]! != times[b.label]! { return times[a.label]! < times[b.label]! }
            return NaturalOrder.precedes(a.label, b.label)
        }
        return PatientFolder(
            studyRoot: studyRoot, subjectFolder: subjectFolder, participantID: participant, sessions: sessions,
            sessionOrder: ordered ? "acq_time in \(tablePath)" : "session label, natural order",
            sessionsTable: table)
    }

    /// A sortable form of an ISO 8601 date (`YYYY-MM-DD`) or date-time (`YYYY-MM-DDThh:mm[:ss[.f]]`,
    /// optionally ending in `Z`): the date and time padded to one width. Nil when malformed.
    static func sortKey(_ text: String) -> String? {
        // Digits alone are not enough: 2020-13-45 would sort as a date. ISODateTime checks the
        // calendar (month, day of that month, leap years) and the clock.
        guard ISODateTime(text) != nil else { return nil }
        let chars = Array(text)
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func digits(_ s: some Collection<Character>, _ count: Int) -> Bool { s.count == count && s.allSatisfy(isDigit) }
        guard chars.count >= 10, digits(chars[0..<4], 4), chars[4] == "-", digits(chars[5..<7], 2), chars[7] == "-",
            digits(chars[8..<10], 2)
        else { return nil }
        let date = String(chars[0..<10])
        if chars.count == 10 { return date + "T00:00:00.000000" }
        var rest = Array(chars[10...])
        if rest.last == "Z" { rest.removeLast() }
        guard rest.first == "T" else { return nil }
        let parts = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, digits(parts[0], 2), digits(parts[1], 2) else { return nil }
        var seconds = "00.000000"
        if parts.count == 3 {
            let s = parts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard s.count <= 2, digits(s[0], 2) else { return nil }
            let fraction = s.count == 2 ? s[1] : []
            guard fraction.count <= 6, fraction.allSatisfy(isDigit), s.count == 1 || !fraction.isEmpty else { return nil }
            seconds = String(s[0]) + "." + String(fraction) + String(repeating: "0", count: 6 - fraction.count)
        }
        return date + "T" + String(parts[0]) + ":" + String(parts[1]) + ":" + seconds
    }
}
