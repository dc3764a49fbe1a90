/// A buffered text sink on a file descriptor: standard output, or an atomic file; or text held in
/// memory (`bytes`).
public final class TextOutput {
    /// -1 when the text is held in memory, never written out.
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ text: String) throws(ScanError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16, fd >= 0 { try flush() }
    }

    /// Appends bytes through `body` (with `NumberText`), then writes them out once 64 KiB are held.
    public func append(_ body: (inout [UInt8]) -> Void) throws(ScanError) {
        body(&buffer)
        if buffer.count >= 1 << 16, fd >= 0 { try flush() }
    }

    public func flush() throws(ScanError) {
        guard !buffer.isEmpty, fd >= 0 else { return }
        try AtomicFile.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Streams text to standard output.
    public static func standardOutput(_ body: (TextOutput) throws(ScanError) -> Void) throws(ScanError) {
        let output = TextOutput(fd: 1, path: "<stdout>")
        try body(output)
        try output.flush()
    }

    /// Streams text into `path`, which appears only when the whole text is written.
    public static func file(_ path: String, _ body: (TextOutput) throws(ScanError) -> Void) throws(ScanError) {
        try AtomicFile.commit([stage(path, body)])
    }

    /// Streams text into a temporary file beside `path` and flushes it, for `AtomicFile.commit`;
    /// `path` is untouched until then.
    public static func stage(
        _ path: String, _ body: (TextOutput) throws(ScanError) -> Void
    ) throws(ScanError) -> AtomicFile.Staged {
        try AtomicFile.stage(to: path) { (fd: Int32) throws(ScanError) in
            let output = TextOutput(fd: fd, path: path)
            try body(output)
            try output.flush()
        }
    }

    /// The text `body` writes, held in memory: output that must wait for something else.
    public static func bytes(_ body: (TextOutput) throws(ScanError) -> Void) throws(ScanError) -> [UInt8] {
        let output = TextOutput(fd: -1, path: "<memory>")
        try body(output)
        return output.buffer
    }

    /// Writes `bytes` to standard output.
    public static func standardOutput(_ bytes: [UInt8]) throws(ScanError) {
        try AtomicFile.writeAll(1, bytes, path: "<stdout>")
    }
}

/// JSON literals.
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The shortest text that reads back as the same `Double`; `null` for NaN and infinities;
    /// integral values below 10¹⁵ in magnitude without a fraction. `NumberText.appendJSON` appends
    /// the same text to bytes.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    public static func number(_ x: Double?) -> String { x.map(number) ?? "null" }

    public static func array(_ xs: [Double]) -> String { "[" + xs.map(number).joined(separator: ", ") + "]" }

    public static func array(_ xs: [Int]) -> String { "[" + xs.map(String.init).joined(separator: ", ") + "]" }

    public static func matrix(_ rows: [[Double]]) -> String { "[" + rows.map(array).joined(separator: ", ") + "]" }
}

/// Delimited tables: CSV (RFC 4180 quoting) or TSV (tabs and newlines in fields become spaces).
public enum TableFormat: String, Sendable, CaseIterable {
    case csv
    case tsv

    public var separator: String { self == .csv ? "," : "\t" }

    public func field(_ s: String) -> String {
        switch self {
        case .csv:
            let needsQuotes = s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            return needsQuotes ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        case .tsv:
            return String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
        }
    }

    public func row(_ fields: [String]) -> String { fields.map(field).joined(separator: separator) + "\n" }

    /// Numbers in tables: as in JSON, with `n/a` for a missing or non-finite value (the BIDS convention).
    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "n/a" }
        return JSON.number(x)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
