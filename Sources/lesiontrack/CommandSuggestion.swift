import ArgumentParser

/// The refusal of a word in a subcommand's place that names no subcommand, with the nearest
/// one: `lesiontrack lable` → "did you mean label?".
enum CommandSuggestion {
    /// The message for `arguments` (without the program's name), or nil when every word in a
    /// subcommand's place names one (or an option, or `help`, comes first).
    static func refusal(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        var subcommands = children(of: root)
        var path: [String] = []
        for word in arguments {
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            if let next = subcommands.first(where: { $0.names.contains(word) }) {
                subcommands = children(of: next.type)
                path.append(word)
                continue
            }
            let names = subcommands.map { $0.names[0] }
            let unknown = "unknown command \(word)"
            var nearest: (name: String, distance: Int)?
            for name in names where nearest == nil || distance(word, name) < nearest!.distance {
                nearest = (name, distance(word, name))
            }
            if let nearest, nearest.distance <= max(1, min(3, nearest.name.count / 3)) {
                return "\(unknown): did you mean \((path + [nearest.name]).joined(separator: " "))?"
            }
            let parent = (["lesiontrack"] + path).joined(separator: " ")
            return "\(unknown): the commands of \(parent) are \(names.joined(separator: ", "))"
        }
        return nil
    }

    /// The subcommands of `command`, each with its name first and then its aliases.
    private static func children(of command: ParsableCommand.Type) -> [(names: [String], type: ParsableCommand.Type)] {
        var result: [(names: [String], type: ParsableCommand.Type)] = []
        for child in command.configuration.subcommands {
            let name: String = child._commandName
            result.append((names: [name] + child.configuration.aliases, type: child))
        }
        return result
    }

    /// Edits (insertions, deletions, substitutions and swaps of neighbours) from `a` to `b`:
    /// the optimal string alignment distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
