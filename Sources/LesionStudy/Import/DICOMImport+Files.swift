import LesionEngines
import LesionIO

extension DICOMImport {
    /// The path without trailing slashes (dcm2niix prints the files it read below the path as given).
    static func trimmed(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }

    /// A BIDS label: letters and digits, not empty.
    public static func isLabel(_ s: String) -> Bool { BIDSName.isAlphanumeric(Substring(s)) }

    /// Creates the study folder if missing (its parent must exist) and refuses a study inside the
    /// DICOM folder or a DICOM folder inside the study, so nothing is ever written into the input.
    static func prepareStudy(_ study: String, input: String) throws(ScanError) {
        let kind = FileSystem.kind(study)
        guard kind == .missing || kind == .directory else { throw ScanError(study, "exists and is not a folder", kind: .output) }
        // Where the study is (or would be), before anything is created.
        var resolved = realPath(study)
        if resolved == nil {
            let trimmedStudy = trimmed(study)
            let slash = trimmedStudy.lastIndex(of: "/")
            let parent = slash.map { $0 == trimmedStudy.startIndex ? "/" : String(trimmedStudy[..<$0]) } ?? "."
            let name = slash.map { String(trimmedStudy[trimmedStudy.index(after: $0)...]) } ?? trimmedStudy
            guard let realParent = realPath(parent) else {
                throw ScanError(study, "cannot be created: its parent folder \(parent) does not exist", kind: .output)
            }
            resolved = realParent == "/" ? "/" + name : realParent + "/" + name
        }
        if let realStudy = resolved, let realInput = realPath(input) {
            if realStudy == realInput || realStudy.hasPrefix(realInput + "/") {
                throw ScanError(
                    study, "lies inside the DICOM folder \(input): choose a study folder elsewhere, the input is never written to")
            }
            if realInput.hasPrefix(realStudy + "/") {
                throw ScanError(input, "lies inside the study folder \(study): keep the DICOM files outside the BIDS study")
            }
        }
        if kind == .missing { try FileSystem.makeDirectory(study) }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// dcm2niix found on `PATH` (or at `program`), or an error saying how to install it.
    public static func converter(_ program: String = "dcm2niix") throws(ScanError) -> Dcm2niix {
        do {
            return try Dcm2niix.locate(program)
        } catch {
            throw ScanError(error.program, error.problem + (error.remedy.map { " (\($0))" } ?? ""))
        }
    }

    /// Runs an engine step; its error becomes an input error naming the program.
    func engine<T>(_ body: () throws(EngineError) -> T) throws(ScanError) -> T {
        do {
            return try body()
        } catch {
            throw ScanError(error.program, error.problem + (error.remedy.map { " (\($0))" } ?? ""))
        }
    }

    /// dcm2niix's `AcquisitionDateTime` (`2024-03-05T10:17:0.000000`, seconds not always two
    /// digits) as ISO 8601 to the second, `2024-03-05T10:17:00`; nil when not a date and time.
    static func isoDateTime(_ text: String) -> String? {
        let parts = text.split(separator: "T", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-")
        let time = parts[1].split(separator: ":")
        guard date.count == 3, date[0].count == 4, let y = Int(date[0]), let mo = Int(date[1]), let d = Int(date[2]),
            (1...12).contains(mo), (1...31).contains(d), time.count >= 2, let h = Int(time[0]), let mi = Int(time[1]),
            (0...23).contains(h), (0...59).contains(mi)
        else { return nil }
        let seconds = time.count > 2 ? Int(Double(time[2])?.rounded(.down) ?? 0) : 0
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(mo))-\(two(d))T\(two(h)):\(two(mi)):\(two(min(max(seconds, 0), 59)))"
    }

    /// The session label of an acquisition time: its date, `YYYYMMDD`.
    static func dateLabel(_ iso: String) -> String {
        String(iso.prefix(10).filter { $0 != "-" })
    }

    /// `nii.gz`, `nii`, `json`, `bval`, `bvec`, or the last extension of another file.
    static func extensionOf(_ path: String) -> String {
        if path.hasSuffix(".nii.gz") { return "nii.gz" }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return String(path[path.index(after: dot)...])
    }

    /// `study/relative`, refused when it would leave the study (a symbolic link inside it).
    func contained(_ relative: String, in study: String) throws(ScanError) -> String {
        try ContainedPath.resolve(relative, in: study, source: study)
    }

    /// Creates each folder of `relative` inside the study.
    func makeFolders(_ relative: String, in study: String) throws(ScanError) {
        var path = ""
        for part in relative.split(separator: "/") {
            path = path.isEmpty ? String(part) : path + "/" + part
            try FileSystem.makeDirectory(try contained(path, in: study))
        }
    }

    /// Moves dcm2niix's file to `relative` in the study unless a file with the same bytes is
    /// there; returns whether the study changed. The move is a rename within one file system,
    /// after the file's bytes were flushed.
    func place(file: String, as relative: String, in study: String) throws(ScanError) -> Bool {
        let target = try contained(relative, in: study)
        if FileSystem.kind(target) == .file, try Self.sameBytes(file, target) { return false }
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        try AtomicFile.commit(file, to: target)
        return true
    }

    /// Writes `bytes` to `relative` in the study unless the file already holds them.
    func place(bytes: [UInt8], as relative: String, in study: String) throws(ScanError) -> Bool {
        let target = try contained(relative, in: study)
        if FileSystem.kind(target) == .file, let old = try? FileSystem.read(target), old == bytes { return false }
        try AtomicFile.write(bytes, to: target)
        return true
    }

    /// Whether two files hold the same bytes, compared in chunks.
    static func sameBytes(_ a: String, _ b: String) throws(ScanError) -> Bool {
        let fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC)
        defer {
            if fa >= 0 { close(fa) }
            if fb >= 0 { close(fb) }
        }
        guard fa >= 0 else { throw ScanError(a, "cannot open: \(String(cString: strerror(errno)))") }
        guard fb >= 0 else { throw ScanError(b, "cannot open: \(String(cString: strerror(errno)))") }
        var x = [UInt8](repeating: 0, count: 1 << 16), y = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = x.withUnsafeMutableBytes { Glibc.read(fa, $0.baseAddress, $0.count) }
            var m = 0
            while m < max(n, 0) {
                let k = y.withUnsafeMutableBytes { Glibc.read(fb, $0.baseAddress! + m, n - m) }
                if k <= 0 { break }
                m += k
            }
            if n < 0 || m != max(n, 0) { return false }
            if n == 0 {
                let extra = y.withUnsafeMutableBytes { Glibc.read(fb, $0.baseAddress, 1) }
                return extra == 0
            }
            if x[0..<n] != y[0..<n] { return false }
        }
    }
}
