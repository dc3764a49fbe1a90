import LesionKernels

/// The voxel offsets whose centres lie within a distance in mm of a voxel's centre, on one grid.
///
/// An offset (di, dj, dk) is kept when `|L · (di, dj, dk)| ≤ radiusMM`, L being the linear part of
/// the grid's affine, so anisotropic and oblique voxels are measured in mm. The zero offset is
/// included. Offsets are sorted by distance, ties in storage order (i fastest). The search box is
/// bounded through L⁻¹: `|d_a| ≤ radiusMM · |row_a(L⁻¹)|`. A singular affine keeps only the zero
/// offset. Equivalent to the footprint of `scipy.ndimage.distance_transform_edt(…, sampling=…) ≤ r`
/// for an axis-aligned grid.
public struct BallOffsets: Sendable {
    public struct Offset: Sendable, Equatable {
        public let di: Int
        public let dj: Int
        public let dk: Int
        public let distanceMM: Double
    }

    public let radiusMM: Double
    public let offsets: [Offset]

    /// The largest |di|, |dj|, |dk| among the offsets: the ball's reach along each axis, in voxels.
    public var reach: (i: Int, j: Int, k: Int) {
        offsets.reduce((0, 0, 0)) { (max($0.0, abs($1.di)), max($0.1, abs($1.dj)), max($0.2, abs($1.dk))) }
    }

    public init(radiusMM: Double, geometry: VoxelGeometry) {
        precondition(radiusMM >= 0 && radiusMM.isFinite, "a radius is a finite distance")
        self.radiusMM = radiusMM
        let m = geometry.affine.rows
        guard let inverse = geometry.affine.inverse else {
            offsets = [Offset(di: 0, dj: 0, dk: 0, distanceMM: 0)]
            return
        }
        func reach(_ axis: Int) -> Int {
            let row = inverse.rows[axis]
            let norm = (row[0] * row[0] + row[1] * row[1] + row[2] * row[2]).squareRoot()
            return Int((radiusMM * norm).rounded(.down))
        }
        let (ri, rj, rk) = (reach(0), reach(1), reach(2))
        var found: [Offset] = []
        for dk in -rk...rk {
            for dj in -rj...rj {
                for di in -ri...ri {
                    var squares = 0.0
                    for r in 0..<3 {
                        let x = m[r][0] * Double(di) + m[r][1] * Double(dj) + m[r][2] * Double(dk)
                        squares += x * x
                    }
                    let distance = squares.squareRoot()
                    if distance <= radiusMM { found.append(Offset(di: di, dj: dj, dk: dk, distanceMM: distance)) }
                }
            }
        }
        // A stable sort keeps storage order among equal distances.
        offsets = found.enumerated().sorted { a, b in
            a.element.distanceMM != b.element.distanceMM ? a.element.distanceMM < b.element.distanceMM : a.offset < b.offset
        }.map(\.element)
    }

    /// Visits the voxels of the ball around the voxel at storage offset `centre`, nearest first,
    /// skipping those outside the grid (`body(neighbourOffset, neighbourIndex, ballOffset)`), until
    /// `body` returns false. Returns false when it was stopped, true when every voxel was visited.
    @discardableResult
    public func walk(around centre: Int, in size: GridSize, _ body: (Int, VoxelIndex, Offset) -> Bool) -> Bool {
        let v = size.index(ofOffset: centre)
        for o in offsets {
            let i = v.i + o.di, j = v.j + o.dj, k = v.k + o.dk
            guard size.contains(i, j, k) else { continue }
            if !body(size.offset(i, j, k), VoxelIndex(i, j, k), o) { return false }
        }
        return true
    }

    /// True when some voxel of the ball around `centre` lies outside the grid.
    public func leavesGrid(around centre: Int, in size: GridSize) -> Bool {
        let v = size.index(ofOffset: centre)
        return offsets.contains { !size.contains(v.i + $0.di, v.j + $0.dj, v.k + $0.dk) }
    }
}
