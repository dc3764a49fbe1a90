import ArgumentParser
import CAllocator
import LesionIO
import LesionScan

@main
struct LesionTrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesiontrack",
        abstract: "Count and measure MS lesions in NIfTI scans.",
        discussion: """
            Exit status: 0 success; 1 a batch run finished but some inputs failed (error rows); \
            64 bad command-line usage; 65 invalid input (a missing, \
            unreadable or malformed scan, or a refused parameter); 70 internal error; \
            73 an output could not be written.
            """,
        version: LesionTrackVersion.current,
        subcommands: [
            InfoCommand.self, LabelCommand.self, BenchCommand.self, CompareCommand.self, PatientCommand.self,
            EvaluateCommand.self, ExplainCommand.self, RunCommand.self, ExportCommand.self, ReportCommand.self, MergeCommand.self,
            SlurmCommand.self, StatusCommand.self,
            PipelineCommand.self, ImportCommand.self, BenchBatchCommand.self, BenchProcessCommand.self,
        ]
    )

    static func main() async {
        // The process labels scan after scan: freed working memory is kept for the next one
        // rather than given back and faulted in again, page by page.
        _ = lt_allocator_keep_freed_memory()
        if let refusal = CommandSuggestion.refusal(Array(CommandLine.arguments.dropFirst()), root: Self.self) {
            printError(refusal + " (see lesiontrack --help)")
            exit(withError: ExitCode(ExitStatus.usage))
        }
        await main(nil)
    }
}

/// Exit statuses, from BSD's sysexits.
enum ExitStatus {
    static let batchFailures: Int32 = 1
    static let usage: Int32 = 64
    static let invalidInput: Int32 = 65
    static let internalError: Int32 = 70
    static let outputError: Int32 = 73
}

/// Runs `body`; a `ScanError` becomes one line on standard error and its exit status.
func reportingErrors(_ body: () throws(ScanError) -> Void) throws(ExitCode) {
    do {
        try body()
    } catch {
        printError(error.description)
        switch error.kind {
        case .invalidInput: throw ExitCode(ExitStatus.invalidInput)
        case .output: throw ExitCode(ExitStatus.outputError)
        case .internal: throw ExitCode(ExitStatus.internalError)
        }
    }
}

func printError(_ message: String) {
    printStandardError("lesiontrack: \(message)\n")
}

/// Writes text to standard error, unbuffered.
func printStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}
