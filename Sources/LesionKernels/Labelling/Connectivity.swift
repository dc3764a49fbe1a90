/// Which voxels touch: faces only (6), faces and edges (18), or faces, edges and corners (26).
///
/// LesionTrack's default is `.twentySix`, as in FSL `cluster` and cc3d; ITK and
/// `scipy.ndimage.label`'s default structure use `.six`.
public enum Connectivity: Int, Sendable, CaseIterable, CustomStringConvertible {
    case six = 6
    case eighteen = 18
    case twentySix = 26

    public static let `default` = Connectivity.twentySix

    /// Every neighbour offset (di, dj, dk) for this connectivity, excluding (0, 0, 0).
    public var neighbourOffsets: [(di: Int, dj: Int, dk: Int)] {
        var result: [(di: Int, dj: Int, dk: Int)] = []
        for dk in -1...1 {
            for dj in -1...1 {
                for di in -1...1 {
                    let nonzero = abs(di) + abs(dj) + abs(dk)
                    guard nonzero > 0 else { continue }
                    if nonzero <= maximumNonzeroAxes { result.append((di, dj, dk)) }
                }
            }
        }
        return result
    }

    /// How many axes a neighbour offset may change at once: 1, 2 or 3.
    public var maximumNonzeroAxes: Int {
        switch self {
        case .six: 1
        case .eighteen: 2
        case .twentySix: 3
        }
    }

    public var description: String { String(rawValue) }
}
