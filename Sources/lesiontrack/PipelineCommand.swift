import ArgumentParser
import LesionIO
import LesionStudy

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Print or write the pipeline and rules files built into this program, for editing.",
        discussion: """
            Without --pipeline or --rules, patient, compare, explain and run use the files built \
            into the program: the default pipeline (recorded in outputs as built-in:default.yaml) \
            and the review rules (built-in:rules.yaml), byte for byte Pipelines/default.yaml and \
            Pipelines/rules.yaml of this version, with the same SHA-256. Write them out, edit a \
            copy and pass it with --pipeline FILE or --rules FILE.
            """,
        subcommands: [Show.self, Export.self]
    )

    enum Which: String, ExpressibleByArgument, CaseIterable {
        case `default`, rules
        case dicomSeries = "dicom-series"

        var file: BuiltInFile {
            switch self {
            case .default: return .defaultPipeline
            case .rules: return .rules
            case .dicomSeries: return .dicomSeries
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print a built-in file: default (the pipeline, default.yaml), rules (rules.yaml) or dicom-series (the import's dicom-series.yaml)."
        )

        @Argument(help: "default, rules or dicom-series.")
        var which: Which = .default

        func run() throws {
            try reportingErrors { () throws(ScanError) in
                try TextOutput.standardOutput { (out: TextOutput) throws(ScanError) in
                    try out.write(String(decoding: which.file.bytes, as: UTF8.self))
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write default.yaml and rules.yaml into DIR (created if missing) and print their paths.")

        @Argument(help: "The folder to write into.")
        var directory: String

        @Flag(help: "Replace files of the same names already in DIR.")
        var force = false

        func run() throws {
            try reportingErrors { () throws(ScanError) in
                try FileSystem.makeDirectory(directory)
                let targets = BuiltInFile.all.map { (file: $0, path: FileSystem.join(directory, $0.name)) }
                if !force, let existing = targets.first(where: { FileSystem.kind($0.path) != .missing }) {
                    throw ScanError(existing.path, "already exists: pass --force to replace it", kind: .output)
                }
                for target in targets {
                    try AtomicFile.write(target.file.bytes, to: target.path)
                    print(target.path)
                }
            }
        }
    }
}
