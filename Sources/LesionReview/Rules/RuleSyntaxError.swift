/// Why a piece of a rule could not be read; the rules file reader adds the file and the line.
public struct RuleSyntaxError: Error, Sendable, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }
}
