import LesionKernels

/// Seeded random masks of awkward shapes: thin, odd-sized, empty, full, blobby.
public enum RandomVolumes {
    /// A random grid of 1…`maximumExtent` voxels per axis, often 1 voxel thin.
    public static func size(_ rng: inout SeededGenerator, maximumExtent: Int = 12) -> GridSize {
        func extent() -> Int {
            Int.random(in: 0..<5, using: &rng) == 0 ? 1 : Int.random(in: 1...maximumExtent, using: &rng)
        }
        return GridSize(extent(), extent(), extent())
    }

    /// Each voxel foreground with probability `density`.
    public static func noise(_ size: GridSize, density: Double, _ rng: inout SeededGenerator) -> Volume<Bool> {
        var voxels = [Bool](repeating: false, count: size.voxelCount)
        for n in voxels.indices { voxels[n] = Double.random(in: 0..<1, using: &rng) < density }
        return Volume(size: size, voxels: voxels)
    }

    /// A mix over seeds: densities from 0 to 100 %, and sometimes a few solid boxes instead of noise.
    public static func mask(seed: UInt64, maximumExtent: Int = 12) -> Volume<Bool> {
        var rng = SeededGenerator(seed: seed)
        let size = size(&rng, maximumExtent: maximumExtent)
        switch seed % 6 {
        case 0: return noise(size, density: 0, &rng)
        case 1: return noise(size, density: 1, &rng)
        case 2: return boxes(size, count: Int.random(in: 1...6, using: &rng), &rng)
        default: return noise(size, density: Double.random(in: 0.05...0.95, using: &rng), &rng)
        }
    }

    /// `count` random solid boxes.
    public static func boxes(_ size: GridSize, count: Int, _ rng: inout SeededGenerator) -> Volume<Bool> {
        var volume = Volume(size: size, repeating: false)
        for _ in 0..<count {
            let i0 = Int.random(in: 0..<size.nx, using: &rng), i1 = Int.random(in: i0..<size.nx, using: &rng)
            let j0 = Int.random(in: 0..<size.ny, using: &rng), j1 = Int.random(in: j0..<size.ny, using: &rng)
            let k0 = Int.random(in: 0..<size.nz, using: &rng), k1 = Int.random(in: k0..<size.nz, using: &rng)
            for k in k0...k1 { for j in j0...j1 { for i in i0...i1 { volume[i, j, k] = true } } }
        }
        return volume
    }
}
