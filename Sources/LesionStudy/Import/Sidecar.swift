import LesionIO

/// A JSON sidecar as dcm2niix writes it: one object whose members are read as values and kept as
/// their original text, so members can be left out without rewriting the others.
///
/// The reader accepts standard JSON (RFC 8259) with one object at the top; anything else is an
/// error naming the file. Rewriting keeps dcm2niix's layout: one member per line, tab-indented.
public struct Sidecar: Sendable {
    /// A JSON value.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([Value])
        case object([(String, Value)])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.string(let x), .string(let y)): return x == y
            case (.number(let x), .number(let y)): return x == y
            case (.bool(let x), .bool(let y)): return x == y
            case (.null, .null): return true
            case (.array(let x), .array(let y)): return x == y
            case (.object(let x), .object(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }

        /// The texts a pattern is matched against: a string, a number's JSON text, or the
        /// elements of an array of those.
        public var texts: [String] {
            switch self {
            case .string(let s): return [s]
            case .number(let x): return [JSON.number(x)]
            case .bool(let b): return [b ? "true" : "false"]
            case .null, .object: return []
            case .array(let items): return items.flatMap(\.texts)
            }
        }
    }

    /// One member: its key, its value and its original text (the value only, without the key).
    public struct Member: Sendable {
        public let key: String
        public let value: Value
        public let text: String
    }

    public let path: String
    public let members: [Member]

    /// The value of `key`, if present.
    public subscript(key: String) -> Value? { members.first { $0.key == key }?.value }

    /// The string value of `key`, if it is a string.
    public func string(_ key: String) -> String? {
        if case .string(let s) = self[key] { return s }
        return nil
    }

    /// The number value of `key`, if it is a number.
    public func number(_ key: String) -> Double? {
        if case .number(let x) = self[key] { return x }
        return nil
    }

    public init(path: String, members: [Member]) {
        self.path = path
        self.members = members
    }

    /// Reads a sidecar file.
    public static func read(_ path: String) throws(ScanError) -> Sidecar {
        try Sidecar(path: path, bytes: try FileSystem.read(path))
    }

    public init(path: String, bytes: [UInt8]) throws(ScanError) {
        var reader = Reader(bytes: bytes, path: path)
        self.path = path
        self.members = try reader.topLevel()
    }

    /// The sidecar without the members whose keys `drop` refuses, in dcm2niix's layout.
    public func text(dropping drop: (String) -> Bool) -> String {
        let kept = members.filter { !drop($0.key) }
        if kept.isEmpty { return "{\n}\n" }
        return "{\n" + kept.map { "\t\(JSON.string($0.key)): \($0.text)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// A recursive-descent JSON reader over bytes.
    struct Reader {
        let bytes: [UInt8]
        let path: String
        var at = 0

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            self.path = path
        }

        mutating func topLevel() throws(ScanError) -> [Member] {
            skipSpace()
            guard peek == UInt8(ascii: "{") else { throw fail("a JSON sidecar must hold one object") }
            at += 1
            var members: [Member] = []
            skipSpace()
            if peek == UInt8(ascii: "}") {
                at += 1
            } else {
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    let start = at
                    let value = try self.value(depth: 1)
                    let text = String(decoding: bytes[start..<at], as: UTF8.self)
                    members.append(Member(key: key, value: value, text: text))
                    skipSpace()
                    if peek == UInt8(ascii: ",") {
                        at += 1
                        continue
                    }
                    try expect("}")
                    break
                }
            }
            skipSpace()
            guard at == bytes.count else { throw fail("text after the JSON object") }
            return members
        }

        private var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        private func fail(_ message: String) -> ScanError {
            ScanError(path, "not a valid JSON sidecar at byte \(at): \(message)")
        }

        private mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { at += 1 }
        }

        private mutating func expect(_ c: Unicode.Scalar) throws(ScanError) {
            guard peek == UInt8(ascii: c) else { throw fail("expected '\(c)'") }
            at += 1
        }

        private mutating func value(depth: Int) throws(ScanError) -> Value {
            guard depth < 64 else { throw fail("nested too deeply") }
            guard let c = peek else { throw fail("unexpected end") }
            switch c {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"):
                at += 1
                var members: [(String, Value)] = []
                skipSpace()
                if peek == UInt8(ascii: "}") {
                    at += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    if peek == UInt8(ascii: ",") {
                        at += 1
                        continue
                    }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                at += 1
                var items: [Value] = []
                skipSpace()
                if peek == UInt8(ascii: "]") {
                    at += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if peek == UInt8(ascii: ",") {
                        at += 1
                        continue
                    }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        private mutating func literal(_ word: String, _ value: Value) throws(ScanError) -> Value {
            let w = Array(word.utf8)
            guard at + w.count <= bytes.count, Array(bytes[at..<at + w.count]) == w else { throw fail("unknown literal") }
            at += w.count
            return value
        }

        private mutating func number() throws(ScanError) -> Value {
            let start = at
            while let c = peek,
                (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
            {
                at += 1
            }
            guard at > start, let x = Double(String(decoding: bytes[start..<at], as: UTF8.self)) else {
                throw fail("expected a value")
            }
            return .number(x)
        }

        private mutating func string() throws(ScanError) -> String {
            try expect("\"")
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                at += 1
                if c == UInt8(ascii: "\"") { break }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    continue
                }
                guard let e = peek else { throw fail("unterminated escape") }
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), peek == UInt8(ascii: "\\") {
                        at += 1
                        try expect("u")
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "?").utf8))
                default: throw fail("unknown escape")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        private mutating func hex4() throws(ScanError) -> UInt32 {
            guard at + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else {
                throw fail("bad \\u escape")
            }
            at += 4
            return code
        }
    }
}
