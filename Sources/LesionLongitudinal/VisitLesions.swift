import LesionKernels

/// The lesions of one visit on the patient's common grid: T2 lesions and, when the visit has a
/// gadolinium source, the enhancing (Gd+) lesions.
public struct VisitLesions: Sendable {
    public let t2: LesionLabelling
    /// Nil when the visit has no gadolinium source.
    public let gd: LesionLabelling?

    public init(t2: LesionLabelling, gd: LesionLabelling?) {
        if let gd { precondition(gd.map.size == t2.map.size, "T2 and Gd lesions must share the grid") }
        self.t2 = t2
        self.gd = gd
    }

    /// For each T2 label (index label − 1): does it share a voxel with a Gd+ lesion? Nil without Gd.
    public var enhancing: [Bool]? {
        guard let gd else { return nil }
        let table = OverlapTable(t2.map, gd.map)
        return stride(from: 1, through: t2.map.count, by: 1).map { !table.partners(ofFirst: $0).isEmpty }
    }
}
