#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The dcm2niix DICOM-to-NIfTI converter (Li et al., J Neurosci Methods 264:47–56, 2016), run as a
/// child process with explicit options, and what it wrote read back.
///
/// Every run names its options: `-b` sidecars (`y`, or `o` for sidecars only), `-ba` anonymised
/// sidecars, `-z` compression, `-f %s_%j` (series number and series instance UID: one file stem per
/// series, the same in every run) and `-o` an output folder the caller owns. dcm2niix never writes
/// beside its input, since `-o` is always given.
public struct Dcm2niix: Sendable {
    /// The program's absolute path.
    public let program: String

    /// The file name pattern every run uses (`-f`): series number, then series instance UID.
    public static let namePattern = "%s_%j"

    /// What to install when the program is missing.
    public static let installHint =
        "install it: apt-get install dcm2niix (Debian, Ubuntu), or see https://github.com/rordenlab/dcm2niix"

    /// Finds `dcm2niix` (or `program`, a name or path) on `PATH`, or an error with the install hint.
    public static func locate(_ program: String = "dcm2niix", path: String? = nil) throws(EngineError) -> Dcm2niix {
        guard let found = ChildProcess.locate(program, path: path) else {
            throw EngineError(program, "not found on PATH", remedy: installHint)
        }
        return Dcm2niix(program: found)
    }

    public init(program: String) {
        self.program = program
    }

    /// The version dcm2niix reports (`v1.0.20220720`), from `dcm2niix --version`.
    public func version() throws(EngineError) -> String {
        let outcome = try ChildProcess.run([program, "--version"], standardOutput: .capture, standardError: .capture)
        let text = outcome.standardOutput + "\n" + outcome.standardError
        // The last line is the bare version; earlier lines repeat the banner.
        for line in text.split(whereSeparator: \.isNewline).reversed() {
            let word = line.trimmingSpaces
            if word.hasPrefix("v"), word.dropFirst().first?.isNumber == true, !word.contains(" ") { return word }
        }
        throw EngineError(program, "printed no version for --version")
    }

    /// What one run writes.
    public enum Output: Sendable, Equatable {
        /// Compressed NIfTI images with anonymised BIDS sidecars (`-b y -ba y -z y`).
        case anonymisedImages
        /// Full sidecars only, no image (`-b o -ba n`), with every file read listed (`-v 1`): for
        /// the dates and the patient ID, read by the caller and then removed.
        case fullSidecarsOnly
    }

    /// The arguments of a run converting `input` into `folder`.
    public func arguments(input: String, into folder: String, output: Output) -> [String] {
        switch output {
        case .anonymisedImages:
            return [program, "-b", "y", "-ba", "y", "-z", "y", "-f", Self.namePattern, "-o", folder, input]
        case .fullSidecarsOnly:
            return [program, "-b", "o", "-ba", "n", "-v", "1", "-f", Self.namePattern, "-o", folder, input]
        }
    }

    /// Converts every DICOM series under `input` (searched to dcm2niix's default depth of 5) into
    /// `folder`, which must exist and should be empty, and reads back what it wrote.
    ///
    /// A non-zero exit is not an error by itself: dcm2niix exits with 8 when some files did not
    /// convert, and the rest is still usable. It is an error when dcm2niix wrote nothing and
    /// printed no reason.
    public func convert(input: String, into folder: String, output: Output) throws(EngineError) -> Conversion {
        let outcome = try ChildProcess.run(
            arguments(input: input, into: folder, output: output), standardOutput: .capture, standardError: .capture)
        if outcome.status >= 128 {
            throw EngineError(program, "stopped by signal \(outcome.status - 128) while converting \(input)")
        }
        let conversion = try Conversion.read(
            folder: folder, log: outcome.standardOutput + "\n" + outcome.standardError, status: outcome.status)
        if conversion.series.isEmpty && conversion.problems.isEmpty && outcome.status != 0 {
            throw EngineError(program, "exited with status \(outcome.status) and wrote nothing from \(input)")
        }
        return conversion
    }
}

extension Dcm2niix {
    /// What one run of dcm2niix wrote and said.
    public struct Conversion: Sendable {
        /// One entry per file stem in the output folder, in byte order of the stems.
        public var series: [Series]
        /// The DICOM files dcm2niix read (listed only in a verbose run, `.fullSidecarsOnly`).
        public var filesRead: [String]
        /// Those of `filesRead` that dcm2niix marked as holding no valid image (`valid 0` in its
        /// verbose listing): a header cut short, for example.
        public var invalidFiles: [String]
        /// Problems not tied to one written series: a file too short for its image data, and the like.
        public var problems: [Problem]
        /// dcm2niix's exit status.
        public var status: Int32

        /// Reads the output folder and dcm2niix's printed log.
        static func read(folder: String, log: String, status: Int32) throws(EngineError) -> Conversion {
            var filesByStem: [String: [String]] = [:]
            for name in try list(folder) {
                let stem = Series.stem(of: name)
                filesByStem[stem, default: []].append(OutputPath.joined(folder, name))
            }
            var parsed = Log.parse(log)
            var series: [Series] = []
            for stem in filesByStem.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let files = filesByStem[stem]!.sorted()
                let warnings = parsed.warningsByStem.removeValue(forKey: stem) ?? []
                series.append(Series(stem: stem, files: files, warnings: warnings))
            }
            return Conversion(
                series: series, filesRead: parsed.filesRead, invalidFiles: parsed.invalidFiles, problems: parsed.problems, status: status)
        }

        private static func list(_ folder: String) throws(EngineError) -> [String] {
            guard let handle = opendir(folder) else {
                throw EngineError(folder, "cannot list dcm2niix's output folder: \(String(cString: strerror(errno)))")
            }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        }
    }

    /// The files dcm2niix wrote for one stem: the image, its sidecar, and for diffusion series the
    /// `.bval` and `.bvec` files.
    public struct Series: Sendable, Equatable {
        /// The file name without its extension, `<series number>_<series instance UID>` with any
        /// suffix dcm2niix added (`_e2` for a second echo, `_ph` for phase, `a` for a repeat).
        public let stem: String
        /// Absolute paths, sorted.
        public let files: [String]
        /// dcm2niix's warnings printed while it converted this series.
        public let warnings: [String]

        public init(stem: String, files: [String], warnings: [String]) {
            self.stem = stem
            self.files = files
            self.warnings = warnings
        }

        /// The file with this extension (`nii.gz`, `nii`, `json`, `bval`, `bvec`), if written.
        public func file(_ ext: String) -> String? {
            files.first { $0.hasSuffix("." + ext) && Self.stem(of: String($0.split(separator: "/").last!)) == stem }
        }

        /// The image: `.nii.gz`, else `.nii`.
        public var image: String? { file("nii.gz") ?? file("nii") }

        /// The series number: the digits before the first underscore of the stem.
        public var seriesNumber: Int? { Int(stem.prefix { $0 != "_" }) }

        /// `name` without `.nii.gz`, `.nii`, `.json`, `.bval` or `.bvec`.
        public static func stem(of name: String) -> String {
            for ext in [".nii.gz", ".nii", ".json", ".bval", ".bvec"] where name.hasSuffix(ext) {
                return String(name.dropLast(ext.count))
            }
            return name
        }
    }

    /// A problem dcm2niix reported, with the file it names when it names one.
    public struct Problem: Sendable, Equatable {
        public let file: String?
        public let message: String
    }

    /// dcm2niix's printed log, taken apart: warnings belong to the series converted after them.
    struct Log {
        var warningsByStem: [String: [String]] = [:]
        var filesRead: [String] = []
        var invalidFiles: [String] = []
        var problems: [Problem] = []

        static func parse(_ text: String) -> Log {
            var log = Log()
            var pending: [String] = []
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingSpaces
                if line.hasPrefix("DICOM file: ") {
                    log.filesRead.append(String(line.dropFirst("DICOM file: ".count)))
                } else if line.hasPrefix("acq "), line.contains(" valid 0 "), let file = log.filesRead.last {
                    // "acq 1 img 5 ser 5 dim 20x24x1x1 … offset 0 loc 0 valid 0 …", after its file's name.
                    log.invalidFiles.append(file)
                } else if line.hasPrefix("Convert "), let range = line.firstRange(of: " DICOM as ") {
                    // "Convert 12 DICOM as OUT/STEM (20x24x12x1)"
                    var target = line[range.upperBound...]
                    if let paren = target.lastIndex(of: "("), paren > target.startIndex {
                        target = target[..<target.index(before: paren)]
                    }
                    let stem = String(target.split(separator: "/").last ?? target)
                    log.warningsByStem[stem, default: []].append(contentsOf: pending)
                    pending = []
                } else if let file = fileNamed(in: line, after: "File not large enough to store image data: ") {
                    log.problems.append(Problem(file: file, message: "truncated: too short to hold its image data"))
                } else if line.hasPrefix("Warning:") || line.hasPrefix("Error:") || line.hasPrefix("Unable") {
                    if line.hasPrefix("Error: Converted ") { continue }
                    pending.append(line)
                }
            }
            log.problems.append(contentsOf: pending.map { Problem(file: nil, message: $0) })
            return log
        }

        private static func fileNamed(in line: String, after marker: String) -> String? {
            guard let range = line.firstRange(of: marker) else { return nil }
            return String(line[range.upperBound...])
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Paths of the files dcm2niix wrote.
private enum OutputPath {
    static func joined(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
