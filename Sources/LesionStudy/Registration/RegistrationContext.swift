import LesionIO

/// Where a run keeps its transforms and how many threads elastix and the resampling onto the
/// baseline grid may use.
public struct RegistrationContext: Sendable {
    /// The output folder under which transforms are stored (`sub-<id>/ses-<label>/anat/…_xfm.txt`)
    /// and reused by the next run; nil: transforms are computed and not kept.
    public var transformsFolder: String?
    /// elastix's `-threads`, and the threads that share each resampling onto the baseline grid
    /// (`ReferenceGrid.threads`): at most the cores this run may use.
    public var threads: Int
    /// The folders searched for `elastix`, as in `PATH`; nil: the `PATH` of the process.
    public var enginePath: String?

    public init(transformsFolder: String?, threads: Int, enginePath: String? = nil) {
        self.transformsFolder = transformsFolder
        self.threads = max(1, threads)
        self.enginePath = enginePath
    }

    /// A single run on this machine: every CPU it may run on, nothing stored.
    public static var standalone: RegistrationContext {
        RegistrationContext(transformsFolder: nil, threads: Processors.usable)
    }

    /// `jobs` runs side by side storing under `transformsFolder`: each elastix gets an equal share
    /// of the CPUs the process may run on, so jobs × threads never exceeds them.
    public static func sharing(jobs: Int, transformsFolder: String?) -> RegistrationContext {
        RegistrationContext(transformsFolder: transformsFolder, threads: max(1, Processors.usable / max(1, jobs)))
    }

    /// What the batch's input key records of registration: the parameter file's SHA-256, so a
    /// changed parameter file redoes the participant.
    public static var keyLine: String { "registration \(SHA256.hex(BuiltInFile.rigidRegistration.bytes))" }
}
