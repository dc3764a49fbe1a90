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
        scaled(volume, scaling) { $0 }
    }

    static func of(_ scan: Scan) -> Volume<Double> {
        scan.voxels.visit(ScaledVolume(scaling: scan.scaling))
    }
}

/// A scan's voxels as scaled values in `Float`: each is the `Double` of ``ScaledVolume`` rounded to
/// float32, without a `Double` copy of the whole grid (88 MB for a 1 mm series).
struct ScaledFloatVolume: VolumeVisitor {
    let scaling: IntensityScaling

    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Volume<Float> {
        scaled(volume, scaling) { Float($0) }
    }

    static func of(_ scan: Scan) -> Volume<Float> {
        scan.voxels.visit(ScaledFloatVolume(scaling: scan.scaling))
    }
}

/// Each stored value scaled, then `convert`ed, in one pass over the buffer.
@inline(__always)
private func scaled<T: ScanScalar, Output: Sendable>(
    _ volume: Volume<T>, _ scaling: IntensityScaling, _ convert: (Double) -> Output
) -> Volume<Output> {
    let count = volume.voxels.count
    let voxels = [Output](uninitializedCapacity: count) { out, initialized in
        volume.voxels.withUnsafeBufferPointer { stored in
            for n in 0..<count { out[n] = convert(scaling.apply(stored[n].doubleValue)) }
        }
        initialized = count
    }
    return Volume(size: volume.size, voxels: voxels)
}
