#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A slowly varying reference intensity for an image: the mean of the image over a weight mask
/// (normal white matter), taken locally with a wide Gaussian by normalised convolution (Knutsson
/// and Westin, CVPR 1993): `G * (w · I) / G * w`. Dividing an image by it reads 1 in normal
/// white matter wherever the scanner's bias field has moved the intensities, so thresholds
/// become ratios to the patient's own white matter.
///
/// The convolution runs on a coarse grid, which a field this smooth loses nothing to: blocks of
/// `blockFactors` voxels are summed (`w · I` and `w`), both sums are convolved with the Gaussian
/// (standard deviation `sigmaMM`, truncated at three standard deviations, zero outside the grid),
/// and their ratio is interpolated trilinearly back to every voxel, block centres at
/// `c · b + (b − 1) / 2` and coordinates clamped to the first and last block. A block whose
/// smoothed weight is under `minimumWeight` has no reference (NaN). Non-finite values never count.
public struct SmoothReference: Sendable, Equatable {
    public var sigmaMM: Double
    public var blockMM: Double
    /// The smallest smoothed weight (in voxels) a block needs to have a reference.
    public var minimumWeight: Double

    public init(sigmaMM: Double, blockMM: Double = 4, minimumWeight: Double = 1) {
        self.sigmaMM = sigmaMM
        self.blockMM = blockMM
        self.minimumWeight = minimumWeight
    }

    /// Voxels per block along each axis: `blockMM / spacing`, rounded, at least 1.
    public func blockFactors(spacingMM: [Double]) -> [Int] {
        spacingMM.map { max(1, Int((blockMM / $0).rounded())) }
    }

    /// The reference at every voxel of `values`, NaN where no weight is near.
    public func field(_ values: Volume<Float>, weights: Volume<Bool>, spacingMM: [Double]) -> Volume<Float> {
        precondition(values.size == weights.size && spacingMM.count == 3)
        let size = values.size
        let b = blockFactors(spacingMM: spacingMM)
        let n = [size.nx, size.ny, size.nz]
        let c = (0..<3).map { (n[$0] + b[$0] - 1) / b[$0] }
        let coarse = c[0] * c[1] * c[2]
        var sum = [Double](repeating: 0, count: coarse)
        var weight = [Double](repeating: 0, count: coarse)
        // Each block's running sums are held while its voxels of a row are added, in the same
        // order as one voxel at a time.
        values.voxels.withUnsafeBufferPointer { v in
            weights.voxels.withUnsafeBytes { wBytes in
                sum.withUnsafeMutableBufferPointer { s in
                    weight.withUnsafeMutableBufferPointer { ws in
                        let w = wBytes.bindMemory(to: UInt8.self)
                        for k in 0..<size.nz {
                            for j in 0..<size.ny {
                                let row = size.offset(0, j, k)
                                guard anyByteSet(w.baseAddress! + row, size.nx) else { continue }
                                let cRow = c[0] * (j / b[1] + c[1] * (k / b[2]))
                                for block in 0..<c[0] {
                                    var total = s[cRow + block], count = ws[cRow + block]
                                    for i in (block * b[0])..<min(size.nx, (block + 1) * b[0]) where w[row + i] != 0 {
                                        let x = v[row + i]
                                        guard x.isFinite else { continue }
                                        total += Double(x)
                                        count += 1
                                    }
                                    s[cRow + block] = total
                                    ws[cRow + block] = count
                                }
                            }
                        }
                    }
                }
            }
        }
        for axis in 0..<3 {
            let sigma = sigmaMM / (spacingMM[axis] * Double(b[axis]))
            let taps = Self.gaussian(sigma)
            sum = Self.convolve(sum, c, axis: axis, taps)
            weight = Self.convolve(weight, c, axis: axis, taps)
        }
        var ratio = [Float](repeating: .nan, count: coarse)
        for m in 0..<coarse where weight[m] >= minimumWeight { ratio[m] = Float(sum[m] / weight[m]) }
        // Trilinear interpolation back to the fine grid, weights per axis computed once.
        let axes = (0..<3).map { Self.interpolation(n[$0], block: b[$0], blocks: c[$0]) }
        // A neighbour of weight 0 is not read, so a block without a reference beside a voxel's
        // own block leaves it its own block's reference.
        @inline(__always) func lerp(_ a: Float, _ b: @autoclosure () -> Float, _ w: Float) -> Float {
            w == 0 ? a : a * (1 - w) + b() * w
        }
        let nx = size.nx, ny = size.ny
        // Along i first, once per coarse row (j, k blocks) …
        var alongI = [Float](repeating: .nan, count: c[1] * c[2] * nx)
        ratio.withUnsafeBufferPointer { q in
            alongI.withUnsafeMutableBufferPointer { a in
                for row in 0..<(c[1] * c[2]) {
                    for i in 0..<nx {
                        let (i0, i1, wi) = axes[0][i]
                        a[row * nx + i] = lerp(q[c[0] * row + i0], q[c[0] * row + i1], wi)
                    }
                }
            }
        }
        // … then along j, once per fine row and k block …
        var alongJ = [Float](repeating: .nan, count: c[2] * ny * nx)
        alongI.withUnsafeBufferPointer { a in
            alongJ.withUnsafeMutableBufferPointer { y in
                for kb in 0..<c[2] {
                    for j in 0..<ny {
                        let (j0, j1, wj) = axes[1][j]
                        let lower = (j0 + c[1] * kb) * nx, upper = (j1 + c[1] * kb) * nx, row = (kb * ny + j) * nx
                        Self.lerpRow(y.baseAddress! + row, a.baseAddress! + lower, a.baseAddress! + upper, nx, wj)
                    }
                }
            }
        }
        // … and along k at every voxel: the same products and sums, in the same order, as
        // interpolating each voxel on its own.
        var out = [Float](repeating: .nan, count: size.voxelCount)
        alongJ.withUnsafeBufferPointer { y in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<size.nz {
                    let (k0, k1, wk) = axes[2][k]
                    for j in 0..<ny {
                        let lower = (k0 * ny + j) * nx, upper = (k1 * ny + j) * nx, row = size.offset(0, j, k)
                        Self.lerpRow(o.baseAddress! + row, y.baseAddress! + lower, y.baseAddress! + upper, nx, wk)
                    }
                }
            }
        }
        return Volume(size: size, voxels: out)
    }

    /// `out[x] = lerp(a[x], b[x], w)` for a row, `a` itself where `w` is 0.
    @inline(__always)
    static func lerpRow(
        _ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, _ w: Float
    ) {
        if w == 0 {
            out.update(from: a, count: count)
        } else {
            let v = 1 - w
            for x in 0..<count { out[x] = a[x] * v + b[x] * w }
        }
    }

    /// Gaussian taps `exp(−d² / 2σ²)` for d in −r…r, r = ⌈3σ⌉ (at least 0).
    static func gaussian(_ sigma: Double) -> [Double] {
        guard sigma > 0 else { return [1] }
        let r = Int((3 * sigma).rounded(.up))
        return (-r...r).map { d in exp(-Double(d * d) / (2 * sigma * sigma)) }
    }

    /// Convolution along one axis of a grid of sizes `c`, zero outside.
    ///
    /// Each output is `Σ taps[t − p + r] · data[t]` over t ascending from `max(0, p − r)`, as a
    /// direct sum; zero data are skipped (adding their zero products changes no sum). Along j
    /// and k whole rows or slices are combined at a time, each element receiving the same
    /// products in the same order.
    static func convolve(_ data: [Double], _ c: [Int], axis: Int, _ taps: [Double]) -> [Double] {
        let r = taps.count / 2
        let length = c[axis]
        var out = [Double](repeating: 0, count: data.count)
        guard length > 0, !data.isEmpty else { return out }
        data.withUnsafeBufferPointer { dataBuffer in
            out.withUnsafeMutableBufferPointer { outBuffer in
                taps.withUnsafeBufferPointer { g in
                    let d = dataBuffer.baseAddress!, o = outBuffer.baseAddress!
                    if axis == 0 {
                        for base in stride(from: 0, to: dataBuffer.count, by: length) {
                            // The line's non-zero span.
                            var first = 0
                            while first < length && d[base + first] == 0 { first += 1 }
                            guard first < length else { continue }
                            var last = length - 1
                            while d[base + last] == 0 { last -= 1 }
                            for p in max(0, first - r)...min(length - 1, last + r) {
                                var total = 0.0
                                for t in max(first, p - r)...min(last, p + r) { total += g[t - p + r] * d[base + t] }
                                o[base + p] = total
                            }
                        }
                    } else {
                        // Rows (axis 1) or slices (axis 2) of `inner` contiguous values.
                        let inner = axis == 1 ? c[0] : c[0] * c[1]
                        let slab = inner * length
                        var zero = [Bool](repeating: false, count: length)
                        for base in stride(from: 0, to: dataBuffer.count, by: slab) {
                            for t in 0..<length {
                                let row = d + base + t * inner
                                var any = false
                                for x in 0..<inner where row[x] != 0 {
                                    any = true
                                    break
                                }
                                zero[t] = !any
                            }
                            for p in 0..<length {
                                let target = o + base + p * inner
                                for t in max(0, p - r)...min(length - 1, p + r) where !zero[t] {
                                    let w = g[t - p + r], source = d + base + t * inner
                                    for x in 0..<inner { target[x] += w * source[x] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// For each fine index along an axis: the two blocks around it and the second one's weight.
    static func interpolation(_ n: Int, block b: Int, blocks c: Int) -> [(Int, Int, Float)] {
        (0..<n).map { i in
            let u = min(max((Double(i) - Double(b - 1) / 2) / Double(b), 0), Double(c - 1))
            let lower = min(Int(u), c - 1)
            let upper = min(lower + 1, c - 1)
            return (lower, upper, Float(u - Double(lower)))
        }
    }
}
