import LesionIO
import LesionKernels
import Testing
import TestSupport

@testable import LesionStudy

@Suite("A scan's scaled values, in Double and in Float")
struct ScaledVolumeTests {
    /// Random values over the whole range of `T` (through its order key, so every type is reached
    /// the same way), on a small grid.
    static func random<T: ScanScalar>(zero: T, _ size: GridSize, _ rng: inout SeededGenerator) -> Volume<T> {
        let span = T.largestOrderKey - T.smallestOrderKey
        let voxels = (0..<size.voxelCount).map { n -> T in
            // A few values near zero too, where a slope and an intercept are of the same size.
            let key =
                n % 4 == 0
                ? zero.orderKey &+ UInt64.random(in: 0...50, using: &rng)
                : T.smallestOrderKey &+ UInt64.random(in: 0...span, using: &rng)
            return T(orderKey: min(max(key, T.smallestOrderKey), T.largestOrderKey))
        }
        return Volume(size: size, voxels: voxels)
    }

    static func scan(_ voxels: AnyVolume, _ datatype: NIfTIDatatype, _ scaling: IntensityScaling) -> Scan {
        let size = voxels.size
        let affine = Affine(rows: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
        let header = ScanHeader(
            path: "generated.nii", niftiVersion: 1, isGzip: false, bigEndian: false, dims: [size.nx, size.ny, size.nz],
            datatype: datatype, pixdimMM: (1, 1, 1), headerSlope: scaling.slope, headerIntercept: scaling.intercept,
            scaling: scaling, qformCode: 1, sformCode: 1, qform: affine, sform: affine,
            quaternion: .init(b: 0, c: 0, d: 0, x: 0, y: 0, z: 0, qfac: 1), xyzUnitsCode: 2, volumeCount: 1, volumeIndex: 0)
        return Scan(header: header, voxels: voxels)
    }

    @Test(
        "every stored type: Double is the scaling applied to each stored value, Float that Double rounded to float32",
        arguments: [
            IntensityScaling.identity, IntensityScaling(slope: 0.37, intercept: -12.5), IntensityScaling(slope: 1e-3, intercept: 0),
            IntensityScaling(slope: -3.1, intercept: 1e6),
        ])
    func floatsAreTheDoublesRounded(scaling: IntensityScaling) {
        var rng = SeededGenerator(seed: 41)
        let size = GridSize(7, 5, 3)
        let volumes: [(AnyVolume, NIfTIDatatype)] = [
            (.uint8(Self.random(zero: UInt8(0), size, &rng)), .uint8), (.int8(Self.random(zero: Int8(0), size, &rng)), .int8),
            (.uint16(Self.random(zero: UInt16(0), size, &rng)), .uint16), (.int16(Self.random(zero: Int16(0), size, &rng)), .int16),
            (.uint32(Self.random(zero: UInt32(0), size, &rng)), .uint32), (.int32(Self.random(zero: Int32(0), size, &rng)), .int32),
            (.uint64(Self.random(zero: UInt64(0), size, &rng)), .uint64), (.int64(Self.random(zero: Int64(0), size, &rng)), .int64),
            (.float32(Self.random(zero: Float(0), size, &rng)), .float32), (.float64(Self.random(zero: Double(0), size, &rng)), .float64),
        ]
        for (voxels, datatype) in volumes {
            let scan = Self.scan(voxels, datatype, scaling)
            let doubles = ScaledVolume.of(scan)
            let floats = ScaledVolume.floats(of: scan)
            #expect(doubles.size == size && floats.size == size)
            var wrong = 0
            for n in 0..<size.voxelCount {
                // The slow path, one dispatch per value: the stored value, scaled in Double.
                let expected = scan.intensity(at: n)
                if doubles.voxels[n].bitPattern != expected.bitPattern || floats.voxels[n].bitPattern != Float(expected).bitPattern {
                    wrong += 1
                }
            }
            #expect(wrong == 0, "\(datatype.code): \(wrong) of \(size.voxelCount) values differ")
        }
    }
}
