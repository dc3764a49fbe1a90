import LesionEngines
import LesionIO

extension ChildProcess {
    /// Runs `arguments` with standard output into the file `standardOutput` and standard error
    /// discarded; returns the exit status and the child's peak resident set size in KiB.
    public static func run(_ arguments: [String], standardOutput: String) throws(ScanError) -> (status: Int32, peakKiB: Int) {
        do {
            let outcome = try run(arguments, standardOutput: .file(standardOutput))
            return (outcome.status, outcome.peakKiB)
        } catch {
            throw ScanError(error.program, error.problem, kind: .internal)
        }
    }
}
