import LesionKernels

/// A volume of any scalar datatype a scan can hold, kept in its stored type.
public enum AnyVolume: Sendable {
    case uint8(Volume<UInt8>)
    case int8(Volume<Int8>)
    case uint16(Volume<UInt16>)
    case int16(Volume<Int16>)
    case uint32(Volume<UInt32>)
    case int32(Volume<Int32>)
    case uint64(Volume<UInt64>)
    case int64(Volume<Int64>)
    case float32(Volume<Float>)
    case float64(Volume<Double>)

    /// Calls the visitor with the concrete volume: one dispatch, then generic code.
    public func visit<V: VolumeVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .uint8(let v): visitor.visit(v)
        case .int8(let v): visitor.visit(v)
        case .uint16(let v): visitor.visit(v)
        case .int16(let v): visitor.visit(v)
        case .uint32(let v): visitor.visit(v)
        case .int32(let v): visitor.visit(v)
        case .uint64(let v): visitor.visit(v)
        case .int64(let v): visitor.visit(v)
        case .float32(let v): visitor.visit(v)
        case .float64(let v): visitor.visit(v)
        }
    }

    public var size: GridSize { visit(SizeVisitor()) }

    /// The stored (unscaled) value at a storage offset, as a `Double`. Slow: for references and tests.
    public func storedValue(at offset: Int) -> Double { visit(ValueVisitor(offset: offset)) }
}

/// Generic code run on the concrete type of an `AnyVolume`.
public protocol VolumeVisitor {
    associatedtype Result
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Result
}

private struct SizeVisitor: VolumeVisitor {
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> GridSize { volume.size }
}

private struct ValueVisitor: VolumeVisitor {
    let offset: Int
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> Double { volume.voxels[offset].doubleValue }
}
