/// The part of the grid a raw-image segmentation can reach: the white matter's bounding box
/// grown by `margin` voxels per axis (kept inside the grid), its lower corner moved down to a
/// multiple of `align` (the smooth reference's block factors, so the coarse blocks of a cropped
/// volume are the blocks of the whole one). The segmentation runs on volumes cropped to it and
/// its results are pasted back.
///
/// Every lesion lies in white matter dilated by `whiteMatterDilationMM`; the masks read there
/// (the brain's erosion, the ventricles' dilation, a closing) reach a few voxels further, and
/// the smooth reference's interpolation differs from the whole grid's only within one block of
/// a face of the box that is not a face of the grid. A margin of the dilation, plus the largest
/// of those reaches, plus two blocks, keeps all of them inside, so the cropped run finds the
/// same voxels as a run on the whole grid.
struct SegmentationBox: Equatable {
    /// The whole grid.
    let grid: GridSize
    /// The box's first voxel along i, j, k.
    let lower: [Int]
    /// The box's extents.
    let size: GridSize

    /// The box around `mask`'s voxels, or nil when it has none.
    init?(around mask: Volume<Bool>, margin: [Int], align: [Int]) {
        let grid = mask.size
        let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
        var low = [nx, ny, nz], high = [-1, -1, -1]
        mask.voxels.withUnsafeBytes { raw in
            let m = raw.bindMemory(to: UInt8.self)
            for k in 0..<nz {
                for j in 0..<ny {
                    let row = nx * (j + ny * k)
                    guard anyByteSet(m.baseAddress! + row, nx) else { continue }
                    var first = 0
                    while m[row + first] == 0 { first += 1 }
                    var last = nx - 1
                    while m[row + last] == 0 { last -= 1 }
                    low[0] = min(low[0], first)
                    high[0] = max(high[0], last)
                    low[1] = min(low[1], j)
                    high[1] = max(high[1], j)
                    low[2] = min(low[2], k)
                    high[2] = max(high[2], k)
                }
            }
        }
        guard high[0] >= 0 else { return nil }
        let n = [nx, ny, nz]
        var lower = [0, 0, 0], upper = [0, 0, 0]
        for a in 0..<3 {
            let start = max(0, low[a] - margin[a])
            lower[a] = start - start % max(1, align[a])
            upper[a] = min(n[a], high[a] + 1 + margin[a])
        }
        self.grid = grid
        self.lower = lower
        self.size = GridSize(upper[0] - lower[0], upper[1] - lower[1], upper[2] - lower[2])
    }

    /// The box is the whole grid.
    var isWhole: Bool { size == grid }

    /// The part of `volume` (on the whole grid) inside the box.
    func crop<T>(_ volume: Volume<T>) -> Volume<T> {
        precondition(volume.size == grid)
        let (nx, ny) = (size.nx, size.ny)
        let voxels = [T](uninitializedCapacity: size.voxelCount) { out, count in
            volume.voxels.withUnsafeBufferPointer { v in
                for k in 0..<size.nz {
                    for j in 0..<ny {
                        let from = grid.offset(lower[0], lower[1] + j, lower[2] + k)
                        (out.baseAddress! + nx * (j + ny * k)).initialize(from: v.baseAddress! + from, count: nx)
                    }
                }
            }
            count = size.voxelCount
        }
        return Volume(size: size, voxels: voxels)
    }

    /// `volume` (on the box) placed on the whole grid, `outside` elsewhere.
    func paste<T>(_ volume: Volume<T>, outside: T) -> Volume<T> {
        precondition(volume.size == size)
        var out = Volume(size: grid, repeating: outside)
        let (nx, ny) = (size.nx, size.ny)
        volume.voxels.withUnsafeBufferPointer { v in
            out.voxels.withUnsafeMutableBufferPointer { o in
                for k in 0..<size.nz {
                    for j in 0..<ny {
                        let to = grid.offset(lower[0], lower[1] + j, lower[2] + k)
                        (o.baseAddress! + to).update(from: v.baseAddress! + nx * (j + ny * k), count: nx)
                    }
                }
            }
        }
        return out
    }
}

extension SegmentationAnatomy {
    /// The anatomy inside `box`.
    func cropped(to box: SegmentationBox) -> SegmentationAnatomy {
        SegmentationAnatomy(
            brain: box.crop(brain), whiteMatter: box.crop(whiteMatter), cortex: box.crop(cortex),
            ventricles: box.crop(ventricles), spacingMM: spacingMM)
    }

    /// The box a segmentation needs: white matter dilated by `dilationMM`, the further `reachMM`
    /// (the largest distance a mask is read from a voxel of that region), and two blocks of
    /// `reference`.
    func box(dilationMM: Double, reachMM: Double, reference: SmoothReference) -> SegmentationBox? {
        let dilation = MaskMorphology.radius(mm: dilationMM, spacingMM: spacingMM)
        let reach = MaskMorphology.radius(mm: reachMM, spacingMM: spacingMM)
        let blocks = reference.blockFactors(spacingMM: spacingMM)
        let margin: [Int] = (0..<3).map { (a: Int) -> Int in dilation[a] + reach[a] + 2 * blocks[a] + 2 }
        return SegmentationBox(around: whiteMatter, margin: margin, align: blocks)
    }
}

/// Whether any of `count` bytes from `p` is not 0, eight at a time.
@inline(__always)
func anyByteSet(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let raw = UnsafeRawPointer(p)
    var acc: UInt64 = 0
    var x = 0
    while x &+ 8 <= count {
        acc |= raw.loadUnaligned(fromByteOffset: x, as: UInt64.self)
        x &+= 8
    }
    while x < count {
        acc |= UInt64(p[x])
        x &+= 1
    }
    return acc != 0
}

extension Volume where Element == Bool {
    /// The voxels in this mask, in every one of `all` and in none of `none`, a byte at a time.
    func intersecting(_ all: [Volume<Bool>], excluding none: [Volume<Bool>]) -> Volume<Bool> {
        var out = self
        out.voxels.withUnsafeMutableBytes { o in
            for (mask, keep) in all.map({ ($0, true) }) + none.map({ ($0, false) }) {
                precondition(mask.size == size)
                mask.voxels.withUnsafeBytes { m in
                    let flip: UInt8 = keep ? 0 : 1
                    for n in 0..<o.count { o[n] &= m[n] ^ flip }
                }
            }
        }
        return out
    }
}
