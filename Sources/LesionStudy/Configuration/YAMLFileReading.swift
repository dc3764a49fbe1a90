import LesionIO
import Yams

/// Typed reading of a YAML file's nodes, each failure naming the file and the line.
///
/// Shared by the pipeline and rules file readers: a value of the wrong type or out of range, an
/// unknown key or a YAML syntax error becomes one `ScanError` of the form `FILE: line N: problem`.
protocol YAMLFileReading {
    /// The file, for messages.
    var path: String { get }
}

extension YAMLFileReading {
    /// The root node of the text; refused when empty or not YAML.
    func compose(_ text: String, what: String) throws(ScanError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ScanError(path, "empty \(what): no YAML mapping")
            }
            return node
        } catch let error as ScanError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw ScanError(path, "not readable as YAML: \(error)")
        }
    }

    func fail(_ node: Node?, _ message: String) -> ScanError {
        ScanError(path, "line \(node?.mark?.line ?? 1): \(message)")
    }

    func mapping(_ node: Node, _ context: String) throws(ScanError) -> Node.Mapping {
        guard case .mapping(let m) = node else { throw fail(node, "\(context) must be a mapping of keys to values") }
        return m
    }

    func allowKeys(_ m: Node.Mapping, _ allowed: [String], _ context: String) throws(ScanError) {
        for (key, _) in m {
            guard let name = key.scalar?.string, allowed.contains(name) else {
                throw fail(
                    key, "unknown key \"\(key.scalar?.string ?? "?")\" in \(context) (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
    }

    func scalar(_ node: Node, _ key: String, _ expected: String) throws(ScanError) -> Node.Scalar {
        guard case .scalar(let s) = node else { throw fail(node, "\(key) must be \(expected)") }
        return s
    }

    func string(_ node: Node, _ key: String) throws(ScanError) -> String {
        let s = try scalar(node, key, "a text value")
        guard !s.string.isEmpty, node.tag.rawValue != Tag.Name.null.rawValue else { throw fail(node, "\(key) must not be empty") }
        return s.string
    }

    func boolean(_ node: Node, _ key: String) throws(ScanError) -> Bool {
        let s = try scalar(node, key, "true or false")
        guard let value = node.bool else { throw fail(node, "\(key) must be true or false, not \"\(s.string)\"") }
        return value
    }

    func integer(_ node: Node, _ key: String, atLeast minimum: Int = .min) throws(ScanError) -> Int {
        let s = try scalar(node, key, "a whole number")
        guard let value = node.int else { throw fail(node, "\(key) must be a whole number, not \"\(s.string)\"") }
        guard value >= minimum else { throw fail(node, "\(key) must be at least \(minimum), not \(value)") }
        return value
    }

    func number(_ node: Node, _ key: String, atLeast minimum: Double = -.infinity) throws(ScanError) -> Double {
        let s = try scalar(node, key, "a number")
        guard let value = node.float, value.isFinite else {
            throw fail(node, "\(key) must be a finite number, not \"\(s.string)\"")
        }
        guard value >= minimum else { throw fail(node, "\(key) must be at least \(JSON.number(minimum)), not \(s.string)") }
        return value
    }

    func fraction(_ node: Node, _ key: String) throws(ScanError) -> Double {
        let value = try number(node, key, atLeast: 0)
        guard value <= 1 else { throw fail(node, "\(key) is a fraction from 0 to 1, not \(JSON.number(value))") }
        return value
    }

    func syntaxError(_ error: YamlError) -> ScanError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ScanError(path, "line \(mark.line), column \(mark.column): not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ScanError(path, "line \(context.mark.line): key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) given twice")
        default:
            return ScanError(path, "not valid YAML: \(error)")
        }
    }
}
