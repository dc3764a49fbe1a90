#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program as a child process (posix_spawn, no shell) and reports its exit status, its
/// captured output and its peak memory. Every external engine goes through here.
public enum ChildProcess {
    /// Where a stream of the child goes.
    public enum Destination: Sendable, Equatable {
        /// `/dev/null`.
        case discard
        /// A file, created or truncated.
        case file(String)
        /// Captured and returned in ``Outcome`` (through a private temporary file, so a chatty child
        /// never blocks on a full pipe).
        case capture
    }

    /// What a finished child left behind.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
        public let status: Int32
        /// The captured standard output (empty unless captured).
        public let standardOutput: String
        /// The captured standard error (empty unless captured).
        public let standardError: String
        /// The child's maximum resident set size in KiB.
        public let peakKiB: Int
    }

    /// The absolute path of `name` on `PATH` (or `name` itself when it contains a slash and is
    /// executable); nil when it is not found.
    public static func locate(_ name: String, path: String? = nil) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in search.split(separator: ":") where !folder.isEmpty {
            let candidate = folder.hasSuffix("/") ? "\(folder)\(name)" : "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `arguments[0]` (an absolute path, or a name looked up on `PATH`) with `arguments`.
    ///
    /// The child runs in the parent's current directory (engines take their folders as
    /// arguments); `environment` adds or replaces variables on top of the parent's environment.
    public static func run(
        _ arguments: [String], standardOutput: Destination = .discard, standardError: Destination = .discard,
        environment: [String: String] = [:]
    ) throws(EngineError) -> Outcome {
        precondition(!arguments.isEmpty, "a child process needs a program")
        guard let program = locate(arguments[0]) else {
            throw EngineError(arguments[0], "not found on PATH")
        }
        var captures: [Int32: String] = [:]
        defer { for path in captures.values { unlink(path) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, destination) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
            switch destination {
            case .discard:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .capture:
                let path = try temporaryFile()
                captures[descriptor] = path
                posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_TRUNC, 0)
            }
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environmentLines: [UnsafeMutablePointer<CChar>?] = []
        defer { for pointer in environmentLines { free(pointer) } }
        var index = 0
        while let entry = environ[index] {
            let line = String(cString: entry)
            let name = line.split(separator: "=", maxSplits: 1).first.map(String.init) ?? line
            if environment[name] == nil { environmentLines.append(strdup(entry)) }
            index += 1
        }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { environmentLines.append(strdup("\(name)=\(value)")) }
        environmentLines.append(nil)
        // The child starts with no blocked signals and default handlers, whatever the parent set up
        // for its own interruption handling, so it can be stopped like any program.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, &argv, &environmentLines)
        guard spawned == 0 else {
            throw EngineError(program, "cannot start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw EngineError(program, "cannot wait for the child process") }
        }
        let exited = (status & 0x7f) == 0
        return Outcome(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            standardOutput: captures[1].map(readText) ?? "",
            standardError: captures[2].map(readText) ?? "",
            peakKiB: Int(usage.ru_maxrss))
    }

    private static func temporaryFile() throws(EngineError) -> String {
        let folder = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(folder)/lesiontrack-child-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw EngineError(folder, "cannot create a temporary file for a child's output") }
        close(descriptor)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readText(_ path: String) -> String {
        guard let file = fopen(path, "rb") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
