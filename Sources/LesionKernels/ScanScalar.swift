/// A scalar type the fast kernels work on: SIMD-capable, with a total order key for exact threshold folding.
public protocol ScanScalar: VoxelValue, SIMDScalar {
    /// A key whose unsigned order is the value order, over every non-NaN value.
    var orderKey: UInt64 { get }
    init(orderKey: UInt64)
    static var smallestOrderKey: UInt64 { get }
    static var largestOrderKey: UInt64 { get }
}

extension ScanScalar where Self: FixedWidthInteger & UnsignedInteger {
    @inlinable public var orderKey: UInt64 { UInt64(self) }
    @inlinable public init(orderKey: UInt64) { self.init(truncatingIfNeeded: orderKey) }
    @inlinable public static var smallestOrderKey: UInt64 { 0 }
    @inlinable public static var largestOrderKey: UInt64 { UInt64(Self.max) }
}

extension ScanScalar where Self: FixedWidthInteger & SignedInteger {
    /// Two's complement with the sign bit flipped orders signed values as unsigned keys.
    @inlinable public var orderKey: UInt64 { UInt64(bitPattern: Int64(self)) ^ (1 << 63) }
    @inlinable public init(orderKey: UInt64) { self.init(truncatingIfNeeded: Int64(bitPattern: orderKey ^ (1 << 63))) }
    @inlinable public static var smallestOrderKey: UInt64 { Self.min.orderKey }
    @inlinable public static var largestOrderKey: UInt64 { Self.max.orderKey }
}

extension UInt8: ScanScalar {}
extension UInt16: ScanScalar {}
extension UInt32: ScanScalar {}
extension UInt64: ScanScalar {}
extension Int8: ScanScalar {}
extension Int16: ScanScalar {}
extension Int32: ScanScalar {}
extension Int64: ScanScalar {}

extension Float: ScanScalar {
    /// IEEE 754 total order: flip every bit of negatives, the sign bit of positives.
    @inlinable public var orderKey: UInt64 {
        let bits = bitPattern
        return UInt64(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
    }
    @inlinable public init(orderKey: UInt64) {
        let key = UInt32(truncatingIfNeeded: orderKey)
        self.init(bitPattern: key & 0x8000_0000 != 0 ? key & 0x7FFF_FFFF : ~key)
    }
    @inlinable public static var smallestOrderKey: UInt64 { (-Float.infinity).orderKey }
    @inlinable public static var largestOrderKey: UInt64 { Float.infinity.orderKey }
}

extension Double: ScanScalar {
    @inlinable public var orderKey: UInt64 {
        let bits = bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
    @inlinable public init(orderKey: UInt64) {
        self.init(bitPattern: orderKey & (1 << 63) != 0 ? orderKey & ~(1 << 63) : ~orderKey)
    }
    @inlinable public static var smallestOrderKey: UInt64 { (-Double.infinity).orderKey }
    @inlinable public static var largestOrderKey: UInt64 { Double.infinity.orderKey }
}
