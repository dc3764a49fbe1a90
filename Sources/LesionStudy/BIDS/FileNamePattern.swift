/// A shell-style pattern for file names: `*` matches any run of characters, `?` any one.
///
/// Patterns in pipeline files name a role by the file's stem, the name without `.nii` or
/// `.nii.gz`: `*_label-T2lesion_mask` matches `sub-01_ses-02_label-T2lesion_mask.nii.gz`. Matching
/// is case-sensitive, as BIDS entities are. Equivalent to Python's `fnmatch.fnmatchcase` without
/// character classes.
public struct FileNamePattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var description: String { text }

    /// True when the whole `name` matches.
    public func matches(_ name: String) -> Bool {
        let p = Array(text.unicodeScalars), s = Array(name.unicodeScalars)
        // Greedy matching with backtracking to the last `*`: linear for patterns with one star.
        var pi = 0, si = 0
        var star: Int?
        var resume = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) {
                pi += 1
                si += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                resume = si
                pi += 1
            } else if let star {
                pi = star + 1
                resume += 1
                si = resume
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The stem of a NIfTI file name (without `.nii` or `.nii.gz`), or nil for other files.
    public static func niftiStem(_ name: String) -> String? {
        for suffix in [".nii.gz", ".nii"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return nil
    }
}
