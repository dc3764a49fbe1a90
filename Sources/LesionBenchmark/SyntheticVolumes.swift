import LesionKernels

/// Deterministic benchmark volumes: lesion-like blobs or dense noise, as float32 intensities.
///
/// Foreground voxels hold values in [0.5, 1] and background voxels values in [0, 0.49], so the
/// intended mask is `value ≥ 0.5` — the convention of the peer-comparison volumes.
public enum SyntheticVolumes {
    public enum Kind: String, Sendable, CaseIterable {
        /// 182×218×182 (the MNI 1 mm grid): ~80 rotated ellipsoids of 2–12 voxel semi-axes plus 0.1 % salt.
        case lesion
        /// 256³, every voxel foreground with probability 0.5: the worst case for labelling.
        case dense
        /// 512³ lesion-like: the ellipsoids scaled by 512/194.
        case large
    }

    public static func size(_ kind: Kind, quick: Bool) -> GridSize {
        switch (kind, quick) {
        case (.lesion, _): GridSize(182, 218, 182)
        case (.dense, false): GridSize(256, 256, 256)
        case (.dense, true): GridSize(128, 128, 128)
        case (.large, false): GridSize(512, 512, 512)
        case (.large, true): GridSize(256, 256, 256)
        }
    }

    public static func make(_ kind: Kind, quick: Bool = false, seed: UInt64 = 0) -> Volume<Float> {
        let size = size(kind, quick: quick)
        var rng = Generator(seed: seed &+ UInt64(kind.rawValue.utf8.count) &* 0x9E37)
        switch kind {
        case .dense:
            var voxels = [Float](repeating: 0, count: size.voxelCount)
            for n in voxels.indices {
                let r = rng.next()
                voxels[n] = r & 1 == 1 ? 0.5 + Float(r >> 41) / Float(1 << 24) : 0.49 * Float(r >> 40) / Float(1 << 24)
            }
            return Volume(size: size, voxels: voxels)
        case .lesion, .large:
            return blobs(size: size, count: 80, radiusScale: kind == .large ? Double(size.nx) / 194 : 1, rng: &rng)
        }
    }

    static func blobs(size: GridSize, count: Int, radiusScale: Double, rng: inout Generator) -> Volume<Float> {
        var voxels = [Float](repeating: 0, count: size.voxelCount)
        for n in voxels.indices { voxels[n] = 0.49 * Float(rng.next() >> 40) / Float(1 << 24) }
        for _ in 0..<count {
            let radii = (0..<3).map { _ in (2 + 10 * rng.unit()) * radiusScale }
            let centre = [size.nx, size.ny, size.nz].map { Double($0) * (0.15 + 0.7 * rng.unit()) }
            let rotation = randomRotation(&rng)
            let reach = Int(radii.max()!.rounded(.up))
            let lo = centre.map { max(0, Int($0) - reach) }
            let hi = zip(centre, [size.nx, size.ny, size.nz]).map { min($1 - 1, Int($0) + reach) }
            guard lo[0] <= hi[0], lo[1] <= hi[1], lo[2] <= hi[2] else { continue }
            for k in lo[2]...hi[2] {
                for j in lo[1]...hi[1] {
                    for i in lo[0]...hi[0] {
                        let d = [Double(i) - centre[0], Double(j) - centre[1], Double(k) - centre[2]]
                        var r2 = 0.0
                        for axis in 0..<3 {
                            let along = rotation[axis][0] * d[0] + rotation[axis][1] * d[1] + rotation[axis][2] * d[2]
                            r2 += along * along / (radii[axis] * radii[axis])
                        }
                        if r2 <= 1 {
                            let n = size.offset(i, j, k)
                            voxels[n] = max(voxels[n] >= 0.5 ? voxels[n] : 0, Float(0.5 + 0.5 * (1 - r2)))
                        }
                    }
                }
            }
        }
        let salt = size.voxelCount / 1000
        for _ in 0..<salt { voxels[Int(rng.next() % UInt64(size.voxelCount))] = 0.75 }
        return Volume(size: size, voxels: voxels)
    }

    static func randomRotation(_ rng: inout Generator) -> [[Double]] {
        var q = (0..<4).map { _ in rng.unit() - 0.5 }
        let norm = q.reduce(0) { $0 + $1 * $1 }.squareRoot()
        q = q.map { $0 / max(norm, 1e-9) }
        let (a, b, c, d) = (q[0], q[1], q[2], q[3])
        return [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d],
        ]
    }

    /// SplitMix64.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }
}
