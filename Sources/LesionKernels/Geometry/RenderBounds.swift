/// The one place where header values (voxel spacing, affines) become image sizes and pixel →
/// voxel indices, bounded so that no finite header can trap a conversion or size a huge image.
///
/// A scan with extreme spacing (1e-6 × 1e13 mm) is still drawn: the pixel size grows until the
/// image fits `maximumSide` pixels a side (the thin axis then collapses to one pixel), and every
/// coordinate is clamped before it becomes an `Int`.
public enum RenderBounds {
    /// The largest side of one rendered slice or tile, in pixels.
    public static let maximumSide = 4096

    /// A spacing usable as a divisor: the value when finite and positive, else 1 mm.
    public static func spacing(_ mm: Double) -> Double { mm.isFinite && mm > 0 ? mm : 1 }

    /// The pixel size (mm) for a slice whose column and row axes span `columnMM` × `rowMM`, given
    /// the wanted `pixelMM`: never so small that a side passes `maximumSide` pixels.
    public static func pixelMM(_ wanted: Double, columnMM: Double, rowMM: Double) -> Double {
        let floor = max(columnMM, rowMM) / Double(maximumSide)
        let safe = wanted.isFinite && wanted > 0 ? wanted : 1
        return floor.isFinite ? max(safe, floor) : safe
    }

    /// The number of pixels covering `mm` at `pixelMM`: 1…`maximumSide`.
    public static func side(_ mm: Double, pixelMM: Double) -> Int {
        let pixels = (mm / pixelMM).rounded()
        guard pixels.isFinite, pixels >= 1 else { return 1 }
        return pixels >= Double(maximumSide) ? maximumSide : Int(pixels)
    }

    /// `value` as an index, clamped to `-1…limit` (NaN gives -1): safe for any finite or
    /// infinite coordinate; callers treat -1 and `limit` as outside.
    public static func index(_ value: Double, limit: Int) -> Int {
        guard !value.isNaN else { return -1 }
        if value <= -1 { return -1 }
        if value >= Double(limit) { return limit }
        return Int(value)
    }
}
