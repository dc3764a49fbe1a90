import LesionIO
import LesionKernels

/// A scan's voxels as scaled values (`scl_slope`, `scl_inter` applied), in `Double` or, rounded
/// from that `Double`, in `Float` (without a `Double` copy of the whole grid: 88 MB for a 1 mm
/// series).
struct ScaledVolume: VolumeVisitor {
    let scaling: IntensityScaling
    let inFloat: Bool

    enum Values {
        case double(Volume<Double>)
        case float(Volume<Float>)
    }

    /// Specialised for every stored type, one pass over the buffer (a raw 1 mm series is 11 million
    /// voxels, and the generic path cost about 0.5 µs a voxel).
    @_specialize(where T == UInt8) @_specialize(where T == Int8) @_specialize(where T == UInt16)
    @_specialize(where T == Int16) @_specialize(where T == UInt32) @_specialize(where T == Int32)
    @_specialize(where T == UInt64) @_specialize(where T == Int64) @_specialize(where T == Float)
    @_specialize(where T == Double)
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Values {
        inFloat ? .float(scaled(volume) { Float($0) }) : .double(scaled(volume) { $0 })
    }

    /// Each stored value scaled, then `convert`ed.
    @inline(__always)
    private func scaled<T: ScanScalar, Output: Sendable>(_ volume: Volume<T>, _ convert: (Double) -> Output) -> Volume<Output> {
        let count = volume.voxels.count
        let scaling = scaling
        let voxels = [Output](uninitializedCapacity: count) { out, initialized in
            volume.voxels.withUnsafeBufferPointer { stored in
                for n in 0..<count { out[n] = convert(scaling.apply(stored[n].doubleValue)) }
            }
            initialized = count
        }
        return Volume(size: volume.size, voxels: voxels)
    }

    static func of(_ scan: Scan) -> Volume<Double> {
        guard case .double(let values) = scan.voxels.visit(ScaledVolume(scaling: scan.scaling, inFloat: false)) else {
            preconditionFailure("asked for Double")
        }
        return values
    }

    static func floats(of scan: Scan) -> Volume<Float> {
        guard case .float(let values) = scan.voxels.visit(ScaledVolume(scaling: scan.scaling, inFloat: true)) else {
            preconditionFailure("asked for Float")
        }
        return values
    }
}
