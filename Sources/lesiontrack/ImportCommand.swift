import ArgumentParser
import LesionIO
import LesionStudy

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a visit's DICOM folder with dcm2niix into a de-identified, dated BIDS session.",
        discussion: """
            lesiontrack import DICOM_DIR BIDS_DIR --participant-label ID [--session LABEL] converts \
            every series of DICOM_DIR (read only) with dcm2niix, keeps those the series rules name \
            (FLAIR, T1w, post-contrast T1w, T2w, DWI; the built-in rules are `lesiontrack pipeline \
            show dicom-series`) under BIDS_DIR/sub-<ID>/ses-<LABEL>/ with their JSON sidecars, and \
            adds the visit to sub-<ID>_sessions.tsv (acq_time from the DICOM acquisition date and \
            time) and the participant to participants.tsv. The session label defaults to the \
            acquisition date (YYYYMMDD). lesiontrack import --mapping FILE BIDS_DIR imports one \
            visit per row of a TSV with the columns dicom_dir, participant_id and session_id. \
            Importing the same folder again changes nothing. Exit status 1 when some files or \
            series could not be converted (each named in an error line) and the rest was imported, or \
            when some visits of a mapping were refused; 65 when every visit was refused.
            """
    )

    @Argument(help: ArgumentHelp("DICOM_DIR BIDS_DIR, or only BIDS_DIR with --mapping.", valueName: "folder"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("The participant label (letters and digits, with or without sub-).", valueName: "ID"))
    var participantLabel: String?

    @Option(
        help: ArgumentHelp(
            "The session label (letters and digits, with or without ses-; default: the acquisition date, YYYYMMDD).",
            valueName: "LABEL"))
    var session: String?

    @Option(
        help: ArgumentHelp(
            "Derive the participant label from the patient ID: the first 12 hex digits of SHA-256(SALT:PatientID).",
            valueName: "SALT"))
    var salt: String?

    @Option(
        help: ArgumentHelp(
            "A TSV of visits to import: dicom_dir, participant_id (n/a: from --salt), session_id.", valueName: "FILE"))
    var mapping: String?

    @Option(help: ArgumentHelp("The DICOM series rules file (default: the built-in dicom-series.yaml).", valueName: "FILE"))
    var seriesRules: String?

    @Option(help: ArgumentHelp("The dcm2niix program (a name on PATH or a path).", valueName: "PROGRAM"))
    var dcm2niix = "dcm2niix"

    func validate() throws {
        if mapping != nil {
            guard paths.count == 1 else { throw ValidationError("with --mapping, give only BIDS_DIR") }
            guard participantLabel == nil, session == nil else {
                throw ValidationError("with --mapping, participants and sessions come from the table")
            }
        } else {
            guard paths.count == 2 else { throw ValidationError("give DICOM_DIR and BIDS_DIR (or --mapping FILE BIDS_DIR)") }
            guard participantLabel != nil || salt != nil else {
                throw ValidationError("give --participant-label ID, or --salt SALT to derive the label from the patient ID")
            }
        }
        for (flag, value, prefix) in [("--participant-label", participantLabel, "sub-"), ("--session", session, "ses-")] {
            if let value, !DICOMImport.isLabel(Self.bare(value, prefix)) {
                throw ValidationError("\(flag) takes a BIDS label (letters and digits, optionally after \(prefix)), not \(value)")
            }
        }
        if let salt, salt.isEmpty { throw ValidationError("--salt must not be empty") }
    }

    static func bare(_ label: String, _ prefix: String) -> String {
        label.hasPrefix(prefix) ? String(label.dropFirst(prefix.count)) : label
    }

    func run() throws {
        var problems = 0, refused = 0, total = 0
        try reportingErrors { () throws(ScanError) in
            let rules = try SeriesRulesFile.load(seriesRules)
            let converter = try DICOMImport.converter(dcm2niix)
            let importer = DICOMImport(rules: rules, converter: converter)
            var requests: [DICOMImport.Request] = []
            let study = paths.last!
            if let mapping {
                for row in try ImportMapping.read(mapping).rows {
                    requests.append(
                        DICOMImport.Request(
                            dicomFolder: row.dicomFolder, study: study, participant: row.participant, salt: salt, session: row.session))
                }
            } else {
                requests.append(
                    DICOMImport.Request(
                        dicomFolder: paths[0], study: study, participant: participantLabel.map { Self.bare($0, "sub-") }, salt: salt,
                        session: session.map { Self.bare($0, "ses-") }))
            }
            for request in requests {
                let outcome = try importer.run(request)
                for line in outcome.lines { print(line) }
                for problem in outcome.problems { printError(problem.description) }
                problems += outcome.problems.count
                if let refusal = outcome.refusal {
                    printError(refusal.description)
                    refused += 1
                    continue
                }
                print(
                    "imported sub-\(outcome.participant)/ses-\(outcome.session) (acq_time \(outcome.acquisitionTime ?? "n/a")): "
                        + "\(outcome.written.count) files written, \(outcome.unchanged.count) unchanged")
            }
            total = requests.count
        }
        // Every visit refused: invalid input; some refused or some files lost: a partial import.
        if total > 0 && refused == total { throw ExitCode(ExitStatus.invalidInput) }
        if problems > 0 || refused > 0 { throw ExitCode(ExitStatus.batchFailures) }
    }
}
