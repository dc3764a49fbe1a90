/// A scalar type the fast kernels work on: SIMD-capable, with a total order key for exact threshold folding.
public protocol ScanScalar: VoxelValue, SIMDScalar, Hashable, Codable {
    /// A key whose unsigned order is the value order, over every non-NaN value.
    var orderKey: UInt64 { get }
    init(orderKey: UInt64)
    static var smallestOrderKey: UInt64 { get }
    static var largestOrderKey: UInt64 { get }

    /// Bit n is set when `lower[n] ≤ v[n] ≤ upper[n]`; NaN lanes are clear.
    ///
    /// A requirement rather than generic code so each type compares with its own vector
    /// instructions: generic SIMD operators fall back to one lane at a time.
    static func insideBits(_ v: SIMD16<Self>, _ lower: SIMD16<Self>, _ upper: SIMD16<Self>) -> UInt16
}

// Comparison masks to bits. Each lane of 16 bits or more keeps its own bit of a weight vector and
// the halves are OR-ed together down to one scalar, written out with `lowHalf`/`highHalf` so every
// step is a vector instruction in line: the standard library's lane conversions and reductions
// compile to calls here.

/// Packs 16 lane flags (each byte 0 or 0xFF) into 16 bits, lane n to bit n. Bytes have no room
/// for 16 weights, so each half is gathered by one multiplication instead.
@inlinable @inline(__always)
func laneBits(_ flags: SIMD16<Int8>) -> UInt16 {
    let halves = unsafeBitCast(flags & SIMD16<Int8>(repeating: 1), to: SIMD2<UInt64>.self)
    // Multiplying eight 0/1 bytes by this gathers them, in order, into the top byte.
    let gather: UInt64 = 0x0102_0408_1020_4080
    return UInt16(truncatingIfNeeded: (halves[0] &* gather) >> 56 | ((halves[1] &* gather) >> 56) << 8)
}

/// Packs 16 lane flags (each lane 0 or all ones) into 16 bits, lane n to bit n.
@inlinable @inline(__always)
func laneBits(_ flags: SIMD16<Int16>) -> UInt16 {
    gathered(flags & SIMD16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, .min))
}

/// Packs 16 lane flags (each lane 0 or all ones) into 16 bits, lane n to bit n.
@inlinable @inline(__always)
func laneBits(_ flags: SIMD16<Int32>) -> UInt16 {
    gathered(flags & SIMD16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768))
}

/// Packs 16 lane flags (each lane 0 or all ones) into 16 bits, lane n to bit n.
@inlinable @inline(__always)
func laneBits(_ flags: SIMD16<Int64>) -> UInt16 {
    gathered(flags & SIMD16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768))
}

/// The OR of 16 lanes holding disjoint bits, as the low 16 bits of the result.
@inlinable @inline(__always)
func gathered<S: FixedWidthInteger & SIMDScalar>(_ bits: SIMD16<S>) -> UInt16 {
    let eight = bits.lowHalf | bits.highHalf
    let four = eight.lowHalf | eight.highHalf
    let two = four.lowHalf | four.highHalf
    return UInt16(truncatingIfNeeded: two[0] | two[1])
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

extension UInt8: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<UInt8>, _ lower: SIMD16<UInt8>, _ upper: SIMD16<UInt8>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int8>.self))
    }
}
extension UInt16: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<UInt16>, _ lower: SIMD16<UInt16>, _ upper: SIMD16<UInt16>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int16>.self))
    }
}
extension UInt32: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<UInt32>, _ lower: SIMD16<UInt32>, _ upper: SIMD16<UInt32>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int32>.self))
    }
}
extension UInt64: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<UInt64>, _ lower: SIMD16<UInt64>, _ upper: SIMD16<UInt64>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int64>.self))
    }
}
extension Int8: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Int8>, _ lower: SIMD16<Int8>, _ upper: SIMD16<Int8>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int8>.self))
    }
}
extension Int16: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Int16>, _ lower: SIMD16<Int16>, _ upper: SIMD16<Int16>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int16>.self))
    }
}
extension Int32: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Int32>, _ lower: SIMD16<Int32>, _ upper: SIMD16<Int32>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int32>.self))
    }
}
extension Int64: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Int64>, _ lower: SIMD16<Int64>, _ upper: SIMD16<Int64>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int64>.self))
    }
}

extension Float: ScanScalar {
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Float>, _ lower: SIMD16<Float>, _ upper: SIMD16<Float>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int32>.self))
    }

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
    @inlinable @inline(__always)
    public static func insideBits(_ v: SIMD16<Double>, _ lower: SIMD16<Double>, _ upper: SIMD16<Double>) -> UInt16 {
        laneBits(unsafeBitCast((v .>= lower) .& (v .<= upper), to: SIMD16<Int64>.self))
    }

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
