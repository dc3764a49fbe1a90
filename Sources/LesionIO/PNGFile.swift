import CPNG
import LesionKernels

/// PNG files through libpng's simplified API, which reports errors instead of aborting.
public enum PNGFile {
    /// Encodes an RGB image and writes it atomically.
    public static func write(_ image: RGBImage, to path: String) throws(ScanError) {
        try AtomicFile.write(encode(image, for: path), to: path)
    }

    /// Encodes an RGB image and writes it to a temporary file beside `path`, flushed, for
    /// `AtomicFile.commit`.
    public static func stage(_ image: RGBImage, to path: String) throws(ScanError) -> AtomicFile.Staged {
        try AtomicFile.stage(encode(image, for: path), to: path)
    }

    /// The PNG file's bytes; errors name `path`.
    static func encode(_ image: RGBImage, for path: String) throws(ScanError) -> ArraySlice<UInt8> {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = png_uint_32(PNG_FORMAT_RGB)
        var bytes: png_alloc_size_t = 0
        let stride = Int32(image.width * 3)
        let sized = image.pixels.withUnsafeBytes {
            png_image_write_to_memory(&png, nil, &bytes, 0, $0.baseAddress, stride, nil)
        }
        guard sized != 0, bytes > 0 else {
            throw ScanError(path, "libpng could not encode the image: \(message(&png))", kind: .output)
        }
        var encoded = [UInt8](repeating: 0, count: Int(bytes))
        let done = encoded.withUnsafeMutableBytes { out in
            image.pixels.withUnsafeBytes {
                png_image_write_to_memory(&png, out.baseAddress, &bytes, 0, $0.baseAddress, stride, nil)
            }
        }
        guard done != 0 else {
            throw ScanError(path, "libpng could not encode the image: \(message(&png))", kind: .output)
        }
        return encoded.prefix(Int(bytes))
    }

    /// Decodes a PNG file to 8-bit RGB.
    public static func read(_ path: String) throws(ScanError) -> RGBImage {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&png, path) != 0 else {
            throw ScanError(path, "not a readable PNG: \(message(&png))")
        }
        png.format = png_uint_32(PNG_FORMAT_RGB)
        let width = Int(png.width), height = Int(png.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let ok = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&png, nil, $0.baseAddress, Int32(width * 3), nil)
        }
        guard ok != 0 else {
            png_image_free(&png)
            throw ScanError(path, "cannot decode PNG: \(message(&png))")
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func message(_ png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
