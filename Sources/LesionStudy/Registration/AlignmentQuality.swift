#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LesionKernels

/// How well two images on one grid agree over the fixed image's head: the figures the
/// registration quality control reads.
///
/// - `correlation`: Pearson's correlation of the intensities (normalised cross-correlation),
///   −1…1; meaningful between images of one contrast (a visit's FLAIR against the baseline's).
/// - `mutualInformation`: normalised mutual information `(H(A) + H(B)) / H(A, B)` over 32 × 32
///   bins (Studholme et al., Pattern Recognit 1999), 1…2; meaningful across contrasts too.
///
/// The head is the fixed voxels above the fixed image's mean (over its finite voxels), where the
/// moving image is defined (finite). Time O(N) for N voxels.
struct AlignmentQuality: Sendable, Equatable {
    let correlation: Double
    let mutualInformation: Double
    /// Head voxels both images cover.
    let voxelCount: Int

    /// The figures of `moving` against `fixed`, voxel by voxel; zeros when fewer than 100 voxels overlap.
    static func measure(fixed: Volume<Double>, moving: Volume<Double>) -> AlignmentQuality {
        var sum = 0.0, count = 0
        for v in fixed.voxels where v.isFinite {
            sum += v
            count += 1
        }
        let cut = count > 0 ? sum / Double(count) : 0
        var a: [Double] = [], b: [Double] = []
        for n in fixed.voxels.indices where fixed.voxels[n].isFinite && fixed.voxels[n] > cut && moving.voxels[n].isFinite {
            a.append(fixed.voxels[n])
            b.append(moving.voxels[n])
        }
        guard a.count >= 100 else { return AlignmentQuality(correlation: 0, mutualInformation: 0, voxelCount: a.count) }
        return AlignmentQuality(correlation: pearson(a, b), mutualInformation: normalisedMutualInformation(a, b), voxelCount: a.count)
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices {
            let x = a[i] - meanA, y = b[i] - meanB
            ab += x * y
            aa += x * x
            bb += y * y
        }
        guard aa > 0, bb > 0 else { return 0 }
        return ab / (aa * bb).squareRoot()
    }

    static func normalisedMutualInformation(_ a: [Double], _ b: [Double], bins: Int = 32) -> Double {
        func binner(_ values: [Double]) -> (Double) -> Int {
            let low = values.min()!, high = values.max()!
            let width = high > low ? (high - low) / Double(bins) : 1
            return { min(bins - 1, max(0, Int((($0 - low) / width).rounded(.down)))) }
        }
        let binA = binner(a), binB = binner(b)
        var joint = [Double](repeating: 0, count: bins * bins)
        for i in a.indices { joint[binA(a[i]) * bins + binB(b[i])] += 1 }
        let total = Double(a.count)
        var rows = [Double](repeating: 0, count: bins), columns = [Double](repeating: 0, count: bins)
        for r in 0..<bins {
            for c in 0..<bins {
                rows[r] += joint[r * bins + c]
                columns[c] += joint[r * bins + c]
            }
        }
        func entropy(_ counts: [Double]) -> Double {
            counts.reduce(0.0) { h, c in c > 0 ? h - c / total * log2(c / total) : h }
        }
        let hJoint = entropy(joint)
        return hJoint > 0 ? (entropy(rows) + entropy(columns)) / hJoint : 0
    }
}
