/// A scalar type a scan can store: every NIfTI scalar datatype LesionTrack reads.
public protocol VoxelValue: Sendable, Comparable {
    /// The stored value as a `Double` (exact for every type but 64-bit integers above 2⁵³).
    var doubleValue: Double { get }
}

extension UInt8: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Int8: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension UInt16: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Int16: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension UInt32: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Int32: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension UInt64: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Int64: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Float: VoxelValue { @inlinable public var doubleValue: Double { Double(self) } }
extension Double: VoxelValue { @inlinable public var doubleValue: Double { self } }
