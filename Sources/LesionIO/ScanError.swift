/// A problem with one file, named in a single line: `path: problem`.
public struct ScanError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file is missing, unreadable or malformed, or refused by a check.
        case invalidInput
        /// An output could not be written.
        case output
        /// LesionTrack itself failed.
        case `internal`
    }

    public let path: String
    public let problem: String
    public let kind: Kind

    public init(_ path: String, _ problem: String, kind: Kind = .invalidInput) {
        self.path = path
        self.problem = problem
        self.kind = kind
    }

    public var description: String { "\(path): \(problem)" }
}
