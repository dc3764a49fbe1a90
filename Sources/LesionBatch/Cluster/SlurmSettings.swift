import LesionIO

/// What `lesiontrack slurm` asks of the cluster: the study, the output folder, the shards and the
/// resources of each task. Paths are absolute (the scripts run on other nodes, from another
/// folder).
public struct SlurmSettings: Sendable, Equatable {
    /// The `lesiontrack` program every task runs.
    public var executable: String
    public var bidsDirectory: String
    public var outputDirectory: String
    /// N: the study's participants are split into N shards, one array task each.
    public var shards: Int
    /// `--cpus-per-task`, and so each task's `--jobs`.
    public var cpusPerTask: Int
    /// `--mem` of each task and of the merge job, in MiB.
    public var memoryMB: Int
    public var partition: String?
    /// `--time` of each task (Slurm's forms: `minutes`, `HH:MM:SS`, `D-HH`…).
    public var time: String?
    public var account: String?
    /// Further sbatch options, one `#SBATCH` line each in both scripts.
    public var sbatchArguments: [String]
    /// `--pipeline` of the runs, when not the built-in one.
    public var pipeline: String?
    /// `--rules` of the runs, when not the built-in ones.
    public var rules: String?

    public init(
        executable: String, bidsDirectory: String, outputDirectory: String, shards: Int, cpusPerTask: Int, memoryMB: Int,
        partition: String? = nil, time: String? = nil, account: String? = nil, sbatchArguments: [String] = [], pipeline: String? = nil,
        rules: String? = nil
    ) {
        self.executable = executable
        self.bidsDirectory = bidsDirectory
        self.outputDirectory = outputDirectory
        self.shards = shards
        self.cpusPerTask = cpusPerTask
        self.memoryMB = memoryMB
        self.partition = partition
        self.time = time
        self.account = account
        self.sbatchArguments = sbatchArguments
        self.pipeline = pipeline
        self.rules = rules
    }

    /// `OUTPUT_DIR/slurm`: the scripts, the logs and the shard folders.
    public var slurmFolder: String { FileSystem.join(outputDirectory, "slurm") }

    /// `OUTPUT_DIR/slurm/logs`.
    public var logFolder: String { FileSystem.join(slurmFolder, "logs") }

    /// The output folder of shard `index` (1-based): `OUTPUT_DIR/slurm/shard-I-of-N`.
    public func shardFolder(_ index: Int) -> String { FileSystem.join(slurmFolder, Self.shardFolderName(index, of: shards)) }

    /// `shard-I-of-N`.
    public static func shardFolderName(_ index: Int, of count: Int) -> String { "shard-\(index)-of-\(count)" }

    /// The first problem of a value that goes on an `#SBATCH` line, which sbatch splits at white
    /// space and does not unquote as bash would; nil when it is fine.
    public static func sbatchValueProblem(_ value: String) -> String? {
        if value.isEmpty { return "is empty" }
        if value.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" || $0 == "#" }) {
            return "holds white space, a quote, a backslash or #, which an #SBATCH line cannot carry"
        }
        return nil
    }
}

extension SlurmSettings {
    /// `path` made absolute: resolved (symbolic links, `..`) when it exists, else joined to the
    /// current folder.
    public static func absolutePath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasPrefix("/") { return trimmed }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return trimmed }
        let current = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return FileSystem.join(current, trimmed.hasPrefix("./") ? String(trimmed.dropFirst(2)) : trimmed)
    }
}
