extension Affine {
    /// The world-to-voxel map: `inverse.apply(apply(v)) == v` up to rounding; nil when singular.
    ///
    /// The linear part is inverted by its adjugate, `L⁻¹ = adj(L) / det(L)`, and the translation
    /// becomes `-L⁻¹ t`.
    public var inverse: Affine? {
        let det = determinant
        guard det != 0, det.isFinite else { return nil }
        let m = rows
        func cofactor(_ r: Int, _ c: Int) -> Double {
            let r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3
            return m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]
        }
        // (L⁻¹)[r][c] = cofactor(c, r) / det (the transposed cofactor matrix).
        var linear = [[Double]](repeating: [0, 0, 0], count: 3)
        for r in 0..<3 {
            for c in 0..<3 { linear[r][c] = cofactor(c, r) / det }
        }
        return Affine(
            rows: (0..<3).map { r in
                let shift: Double = -(linear[r][0] * m[0][3] + linear[r][1] * m[1][3] + linear[r][2] * m[2][3])
                return linear[r] + [shift]
            })
    }

    /// The map that applies `inner` first, then this affine: `self ∘ inner`.
    public func concatenating(_ inner: Affine) -> Affine {
        let a = rows, b = inner.rows
        return Affine(
            rows: (0..<3).map { r in
                (0..<4).map { c in
                    let linear: Double = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c]
                    return linear + (c == 3 ? a[r][3] : 0)
                }
            })
    }
}
