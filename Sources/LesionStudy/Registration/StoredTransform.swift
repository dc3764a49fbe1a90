import LesionIO
import LesionKernels

/// A transform as stored in the output folder: a BIDS-derivatives
/// `…_from-<source>_to-<target>_mode-image_xfm.txt` holding the 4×4 RAS matrix as text, with the
/// hashes that decide whether a rerun may reuse it, and elastix's own file beside it
/// (`…_xfm.elastix.txt`).
///
/// The matrix maps a point of the `to` image's world (RAS, mm) to the same anatomical point in
/// the `from` image's world: the pull direction that resamples the `from` image onto the `to`
/// grid. Lines starting with `#` are `# key: value` records; the last four lines are the matrix.
struct StoredTransform: Equatable {
    /// The inputs' identity: the two files' and the parameter file's SHA-256.
    let key: String
    let from: String
    let to: String
    /// `to` world → `from` world.
    let transform: Affine
    /// Quality figures by name, as recorded.
    let figures: [(String, Double)]
    let engine: String

    static func == (a: StoredTransform, b: StoredTransform) -> Bool {
        a.key == b.key && a.transform == b.transform && a.engine == b.engine
            && a.figures.map(\.0) == b.figures.map(\.0) && a.figures.map(\.1) == b.figures.map(\.1)
    }

    var text: String {
        var lines = [
            "# LesionTrack rigid transform: maps a point of the `to` image's world (RAS, mm) to the same point in the `from` image's world",
            "# from: \(from)", "# to: \(to)", "# input_key: \(key)", "# engine: \(engine)",
        ]
        for (name, value) in figures { lines.append("# \(name): \(JSON.number(value))") }
        for row in transform.matrix4x4 { lines.append(row.map { JSON.number($0) }.joined(separator: " ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a stored transform; nil when the file is missing or not one.
    static func read(_ path: String) -> StoredTransform? {
        guard FileSystem.kind(path) == .file, let bytes = try? FileSystem.read(path) else { return nil }
        var records: [String: String] = [:], figures: [(String, Double)] = [], rows: [[Double]] = []
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            if line.hasPrefix("# "), let colon = line.firstIndex(of: ":") {
                let name = String(line[line.index(line.startIndex, offsetBy: 2)..<colon])
                let value = String(line[line.index(after: colon)...].drop { $0 == " " })
                records[name] = value
                if !["from", "to", "input_key", "engine"].contains(name), let number = Double(value) { figures.append((name, number)) }
            } else if !line.hasPrefix("#") {
                let numbers = line.split(separator: " ").compactMap { Double($0) }
                guard numbers.count == 4 else { return nil }
                rows.append(numbers)
            }
        }
        guard rows.count == 4, let key = records["input_key"], let from = records["from"], let to = records["to"] else { return nil }
        return StoredTransform(
            key: key, from: from, to: to, transform: Affine(rows: Array(rows.prefix(3))), figures: figures,
            engine: records["engine"] ?? "")
    }
}
