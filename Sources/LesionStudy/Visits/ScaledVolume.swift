import LesionIO
import LesionKernels

/// A scan's voxels as scaled values (`scl_slope`, `scl_inter` applied) in `Double`.
struct ScaledVolume: VolumeVisitor {
    let scaling: IntensityScaling

    /// Specialised for every stored type, one pass over the buffer (a raw 1 mm series is 11 million
    /// voxels, and the generic path cost about 0.5 µs a voxel).
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Volume<Double> {
        let count = volume.voxels.count
        let scaling = scaling
        let voxels = [Double](uninitializedCapacity: count) { out, initialized in
            volume.voxels.withUnsafeBufferPointer { stored in
                for n in 0..<count { out[n] = scaling.apply(stored[n].doubleValue) }
            }
            initialized = count
        }
        return Volume(size: volume.size, voxels: voxels)
    }

    static func of(_ scan: Scan) -> Volume<Double> {
        scan.voxels.visit(ScaledVolume(scaling: scan.scaling))
    }
}
