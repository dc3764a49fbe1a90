import LesionKernels

/// A scalar type as stored in a NIfTI file: its datatype code and byte swap.
protocol NIfTIStorable: VoxelValue {
    static var datatype: NIfTIDatatype { get }
    var byteSwappedValue: Self { get }
}

extension UInt8: NIfTIStorable {
    static var datatype: NIfTIDatatype { .uint8 }
    var byteSwappedValue: UInt8 { self }
}
extension Int8: NIfTIStorable {
    static var datatype: NIfTIDatatype { .int8 }
    var byteSwappedValue: Int8 { self }
}
extension UInt16: NIfTIStorable {
    static var datatype: NIfTIDatatype { .uint16 }
    var byteSwappedValue: UInt16 { byteSwapped }
}
extension Int16: NIfTIStorable {
    static var datatype: NIfTIDatatype { .int16 }
    var byteSwappedValue: Int16 { byteSwapped }
}
extension UInt32: NIfTIStorable {
    static var datatype: NIfTIDatatype { .uint32 }
    var byteSwappedValue: UInt32 { byteSwapped }
}
extension Int32: NIfTIStorable {
    static var datatype: NIfTIDatatype { .int32 }
    var byteSwappedValue: Int32 { byteSwapped }
}
extension UInt64: NIfTIStorable {
    static var datatype: NIfTIDatatype { .uint64 }
    var byteSwappedValue: UInt64 { byteSwapped }
}
extension Int64: NIfTIStorable {
    static var datatype: NIfTIDatatype { .int64 }
    var byteSwappedValue: Int64 { byteSwapped }
}
extension Float: NIfTIStorable {
    static var datatype: NIfTIDatatype { .float32 }
    var byteSwappedValue: Float { Float(bitPattern: bitPattern.byteSwapped) }
}
extension Double: NIfTIStorable {
    static var datatype: NIfTIDatatype { .float64 }
    var byteSwappedValue: Double { Double(bitPattern: bitPattern.byteSwapped) }
}
