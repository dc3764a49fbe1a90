#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transform elastix wrote (`TransformParameters.0.txt`), read into a world-space matrix.
///
/// elastix (ITK) works in LPS physical coordinates; NIfTI's sform and qform are RAS. The matrix
/// this type gives is RAS: `F · M_LPS · F` with `F = diag(-1, -1, 1, 1)`, which negates x and y on
/// both sides. Like every elastix transform it maps a point of the **fixed** image's world to the
/// corresponding point of the **moving** image's world (the pull direction a resampler needs to
/// bring the moving image onto the fixed grid).
///
/// Understood: `EulerTransform` (3D: `rx ry rz` radians about x, y, z, then `tx ty tz` mm, about
/// `CenterOfRotationPoint`; rotation `Rz·Rx·Ry`, or `Rz·Ry·Rx` with `(ComputeZYX "true")`, as
/// ITK's `Euler3DTransform`), `AffineTransform` (a 3×3 matrix row by row, then the translation,
/// about the centre) and `TranslationTransform`. Only a single transform (no initial transform
/// chain) is read; anything else is refused with the file and the reason.
public struct ElastixTransform: Sendable, Equatable {
    /// `EulerTransform`, `AffineTransform` or `TranslationTransform`.
    public let kind: String
    /// The parameters as written.
    public let parameters: [Double]
    /// The centre of rotation in LPS mm (zero for a translation).
    public let centerLPS: [Double]
    /// Fixed RAS world (mm) → moving RAS world (mm): the top three rows of the 4×4 matrix.
    public let rowsRAS: [[Double]]

    /// Reads the text of a transform parameter file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(EngineError) -> ElastixTransform {
        var entries: [String: [String]] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard line.hasPrefix("("), let close = line.lastIndex(of: ")") else { continue }
            let tokens = line[line.index(after: line.startIndex)..<close].split { $0 == " " || $0 == "\t" }.map {
                String($0.filter { $0 != "\"" })
            }
            guard let name = tokens.first else { continue }
            entries[name] = Array(tokens.dropFirst())
        }
        func numbers(_ name: String, count: Int) throws(EngineError) -> [Double] {
            guard let values = entries[name] else { throw EngineError(file, "has no (\(name) …)") }
            let parsed = values.compactMap(Double.init)
            guard parsed.count == count, parsed.allSatisfy(\.isFinite) else {
                throw EngineError(file, "(\(name) …) holds \(values.count) values, not \(count) numbers")
            }
            return parsed
        }
        guard let kind = entries["Transform"]?.first else { throw EngineError(file, "has no (Transform …)") }
        if let initial = entries["InitialTransformParametersFileName"]?.first, initial != "NoInitialTransform" {
            throw EngineError(file, "chains an initial transform (\(initial)): only a single transform is read")
        }
        if let dimension = entries["FixedImageDimension"]?.first, dimension != "3" {
            throw EngineError(file, "is a \(dimension)D transform: only 3D is read")
        }
        let linear: [[Double]]
        var translation: [Double]
        var center = [0.0, 0.0, 0.0]
        switch kind {
        case "EulerTransform":
            let p = try numbers("TransformParameters", count: 6)
            center = try numbers("CenterOfRotationPoint", count: 3)
            let zyx = entries["ComputeZYX"]?.first == "true"
            linear = eulerMatrix(p[0], p[1], p[2], zyx: zyx)
            translation = Array(p[3..<6])
        case "AffineTransform":
            let p = try numbers("TransformParameters", count: 12)
            center = try numbers("CenterOfRotationPoint", count: 3)
            linear = [Array(p[0..<3]), Array(p[3..<6]), Array(p[6..<9])]
            translation = Array(p[9..<12])
        case "TranslationTransform":
            linear = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
            translation = try numbers("TransformParameters", count: 3)
        default:
            throw EngineError(file, "holds a \(kind): only EulerTransform, AffineTransform and TranslationTransform are read")
        }
        let parameters = try numbers("TransformParameters", count: entries["TransformParameters"]?.count ?? 0)
        // x ↦ L (x - c) + c + t, in LPS.
        var rowsLPS: [[Double]] = []
        for r in 0..<3 {
            let lc = linear[r][0] * center[0] + linear[r][1] * center[1] + linear[r][2] * center[2]
            rowsLPS.append(linear[r] + [center[r] + translation[r] - lc])
        }
        return ElastixTransform(kind: kind, parameters: parameters, centerLPS: center, rowsRAS: Self.flipXY(rowsLPS))
    }

    /// `F · M · F` with `F = diag(-1, -1, 1, 1)`: LPS ↔ RAS for a 3×4 affine (its own inverse).
    public static func flipXY(_ rows: [[Double]]) -> [[Double]] {
        let sign = [-1.0, -1.0, 1.0, 1.0]
        return (0..<3).map { r in (0..<4).map { c in sign[r] * rows[r][c] * sign[c] } }
    }

    /// ITK's `Euler3DTransform` rotation: `Rz·Rx·Ry`, or `Rz·Ry·Rx` when `zyx`.
    static func eulerMatrix(_ ax: Double, _ ay: Double, _ az: Double, zyx: Bool) -> [[Double]] {
        let (cx, sx, cy, sy, cz, sz) = (cos(ax), sin(ax), cos(ay), sin(ay), cos(az), sin(az))
        let rx: [[Double]] = [[1, 0, 0], [0, cx, -sx], [0, sx, cx]]
        let ry: [[Double]] = [[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]]
        let rz: [[Double]] = [[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]]
        return zyx ? product(rz, product(ry, rx)) : product(rz, product(rx, ry))
    }

    static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        (0..<3).map { r in (0..<3).map { c in (0..<3).reduce(0.0) { $0 + a[r][$1] * b[$1][c] } } }
    }
}
