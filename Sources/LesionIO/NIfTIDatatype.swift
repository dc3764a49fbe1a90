/// A NIfTI `datatype` code and what LesionTrack does with it.
public struct NIfTIDatatype: Hashable, Sendable, CustomStringConvertible {
    public let code: Int

    public init(code: Int) { self.code = code }

    public static let uint8 = NIfTIDatatype(code: 2)
    public static let int16 = NIfTIDatatype(code: 4)
    public static let int32 = NIfTIDatatype(code: 8)
    public static let float32 = NIfTIDatatype(code: 16)
    public static let float64 = NIfTIDatatype(code: 64)
    public static let int8 = NIfTIDatatype(code: 256)
    public static let uint16 = NIfTIDatatype(code: 512)
    public static let uint32 = NIfTIDatatype(code: 768)
    public static let int64 = NIfTIDatatype(code: 1024)
    public static let uint64 = NIfTIDatatype(code: 1280)

    /// The scalar types LesionTrack reads, with their size in bytes.
    static let scalarSizes: [Int: Int] = [
        2: 1, 256: 1, 4: 2, 512: 2, 8: 4, 768: 4, 16: 4, 1024: 8, 1280: 8, 64: 8,
    ]

    /// Types that are valid NIfTI but hold no single scalar per voxel (or no type Swift has).
    static let refused: [Int: (name: String, bits: Int, reason: String)] = [
        1: ("BINARY", 1, "1-bit data is not supported"),
        32: ("COMPLEX64", 64, "is not a scalar type"),
        128: ("RGB24", 24, "is not a scalar type"),
        1536: ("FLOAT128", 128, "is not supported (no 128-bit float type)"),
        1792: ("COMPLEX128", 128, "is not a scalar type"),
        2048: ("COMPLEX256", 256, "is not a scalar type"),
        2304: ("RGBA32", 32, "is not a scalar type"),
    ]

    static let names: [Int: String] = [
        2: "UINT8", 4: "INT16", 8: "INT32", 16: "FLOAT32", 64: "FLOAT64", 256: "INT8",
        512: "UINT16", 768: "UINT32", 1024: "INT64", 1280: "UINT64",
    ]

    /// Bytes per voxel, for the scalar types LesionTrack reads; nil otherwise.
    public var bytesPerVoxel: Int? { Self.scalarSizes[code] }

    public var name: String { Self.names[code] ?? Self.refused[code]?.name ?? "code \(code)" }

    public var description: String { name }
}
