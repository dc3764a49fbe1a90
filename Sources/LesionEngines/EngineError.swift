/// A failure to run an external engine (elastix, dcm2niix, Slurm): the program, what went wrong,
/// and what the user can do about it.
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The program (or file) the error is about.
    public let program: String
    /// What went wrong, in one sentence.
    public let problem: String
    /// What to do about it, when there is a known remedy (for example the package to install).
    public let remedy: String?

    public init(_ program: String, _ problem: String, remedy: String? = nil) {
        self.program = program
        self.problem = problem
        self.remedy = remedy
    }

    public var description: String {
        "\(program): \(problem)" + (remedy.map { " (\($0))" } ?? "")
    }
}
