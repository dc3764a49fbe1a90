/// A plane of view through a scan, named anatomically.
public enum ViewPlane: String, Sendable, CaseIterable {
    /// Fixed superior–inferior position: image up is anterior.
    case axial
    /// Fixed anterior–posterior position: image up is superior.
    case coronal
    /// Fixed left–right position: image up is superior, image left is anterior.
    case sagittal

    /// The world axis held fixed (0 = x, 1 = y, 2 = z).
    public var fixedWorldAxis: Int {
        switch self {
        case .axial: 2
        case .coronal: 1
        case .sagittal: 0
        }
    }
}

/// Which side of the patient appears on the image's left in axial and coronal views.
public enum DisplayConvention: String, Sendable, CaseIterable {
    /// The patient's right on the image's left, as if facing the patient (radiology viewers).
    case radiological
    /// The patient's left on the image's left, as if looking from behind (FSLeyes' default).
    case neurological
}

/// An 8-bit RGB image, rows top to bottom, 3 bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "an RGB image has 3 bytes per pixel")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let n = 3 * (y * width + x)
        return (pixels[n], pixels[n + 1], pixels[n + 2])
    }

    /// `images` left to right, top-aligned, `gap` pixels apart on grey `level`; nil when there are none.
    public static func sideBySide(_ images: [RGBImage], gap: Int, level: UInt8) -> RGBImage? {
        guard !images.isEmpty else { return nil }
        let width = images.map(\.width).reduce(0, +) + (images.count - 1) * gap
        let height = images.map(\.height).max()!
        var pixels = [UInt8](repeating: level, count: width * height * 3)
        var left = 0
        for image in images {
            for y in 0..<image.height {
                let source = 3 * y * image.width, target = 3 * (y * width + left)
                pixels.replaceSubrange(target..<(target + 3 * image.width), with: image.pixels[source..<(source + 3 * image.width)])
            }
            left += image.width + gap
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Renders one voxel-grid slice in anatomical orientation, windowed, with lesions tinted.
///
/// Slices follow the voxel grid in its closest anatomical orientation (`AnatomicalAxes`); an
/// oblique scan is not resampled. Pixels are square in mm: each in-plane voxel axis is sampled
/// by nearest neighbour at `pixelMM = min(in-plane spacing) / zoom`.
public struct SliceRenderer: Sendable {
    public var plane: ViewPlane
    public var convention: DisplayConvention
    /// Integer upsampling of the finer in-plane spacing.
    public var zoom: Int
    /// Opacity of the lesion tint, 0…1.
    public var tintOpacity: Double

    public init(plane: ViewPlane, convention: DisplayConvention = .radiological, zoom: Int = 2, tintOpacity: Double = 0.55) {
        self.plane = plane
        self.convention = convention
        self.zoom = max(1, zoom)
        self.tintOpacity = tintOpacity
    }

    /// The voxel axis held fixed for this plane.
    public func sliceAxis(_ geometry: VoxelGeometry) -> Int {
        AnatomicalAxes(geometry.affine).voxelAxis[plane.fixedWorldAxis]
    }

    /// The size of one image pixel in mm (pixels are square).
    public func pixelMM(_ geometry: VoxelGeometry) -> Double { layout(geometry).pixelMM }

    /// Pixel size and image size of this plane, bounded by `RenderBounds`.
    func layout(_ geometry: VoxelGeometry) -> (pixelMM: Double, width: Int, height: Int, spacing: [Double]) {
        let axes = AnatomicalAxes(geometry.affine)
        let size = geometry.size
        let extents = [size.nx, size.ny, size.nz]
        let spacing = [geometry.spacingMM.0, geometry.spacingMM.1, geometry.spacingMM.2].map(RenderBounds.spacing)
        let (columnWorld, rowWorld): (Int, Int) = plane == .sagittal ? (1, 2) : (0, plane == .axial ? 1 : 2)
        let columnAxis = axes.voxelAxis[columnWorld], rowAxis = axes.voxelAxis[rowWorld]
        let columnMM = Double(extents[columnAxis]) * spacing[columnAxis], rowMM = Double(extents[rowAxis]) * spacing[rowAxis]
        let pixelMM = RenderBounds.pixelMM(
            min(spacing[columnAxis], spacing[rowAxis]) / Double(zoom), columnMM: columnMM, rowMM: rowMM)
        return (
            pixelMM, RenderBounds.side(columnMM, pixelMM: pixelMM), RenderBounds.side(rowMM, pixelMM: pixelMM), spacing
        )
    }

    /// The slice (index along `sliceAxis`) holding the most labelled voxels; the middle one if none.
    public func busiestSlice(_ labels: Volume<Int32>, geometry: VoxelGeometry) -> Int {
        let axis = sliceAxis(geometry)
        let size = labels.size
        let extent = [size.nx, size.ny, size.nz][axis]
        var counts = [Int](repeating: 0, count: extent)
        for (offset, label) in labels.voxels.enumerated() where label != 0 {
            let v = size.index(ofOffset: offset)
            counts[[v.i, v.j, v.k][axis]] += 1
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }),
            counts[best] > 0
        else { return extent / 2 }
        return best
    }

    /// Renders slice `slice` along `sliceAxis`. Intensities map linearly from `window` to 0…255.
    public func render(
        slice: Int, geometry: VoxelGeometry, window: (low: Double, high: Double),
        labels: Volume<Int32>?, intensity: (Int) -> Double
    ) -> RGBImage {
        let axes = AnatomicalAxes(geometry.affine)
        let size = geometry.size
        let extents = [size.nx, size.ny, size.nz]
        let (pixelMM, width, height, spacing) = layout(geometry)
        // World axes along image columns and rows, and whether each runs toward + world.
        let (columnWorld, rowWorld): (Int, Int) = plane == .sagittal ? (1, 2) : (0, plane == .axial ? 1 : 2)
        // Image rows run top to bottom: toward anterior (axial) or superior (others) is up.
        let rowTowardPositive = false
        let columnTowardPositive: Bool
        switch plane {
        case .sagittal: columnTowardPositive = false  // anterior on the left
        default: columnTowardPositive = convention == .neurological  // radiological: right (+x) on the left
        }
        let columnAxis = axes.voxelAxis[columnWorld]
        let rowAxis = axes.voxelAxis[rowWorld]
        let sliceAxis = axes.voxelAxis[plane.fixedWorldAxis]

        func voxelIndex(_ pixel: Int, axis: Int, world: Int, towardPositive: Bool) -> Int {
            let along = max(
                0, min(extents[axis] - 1, RenderBounds.index((Double(pixel) + 0.5) * pixelMM / spacing[axis], limit: extents[axis])))
            let voxelRunsSameWay = axes.increasesTowardPositive[world] == towardPositive
            return voxelRunsSameWay ? along : extents[axis] - 1 - along
        }
        let columnIndex = (0..<width).map {
            voxelIndex($0, axis: columnAxis, world: columnWorld, towardPositive: columnTowardPositive)
        }
        let rowIndex = (0..<height).map {
            voxelIndex($0, axis: rowAxis, world: rowWorld, towardPositive: rowTowardPositive)
        }
        let span = window.high > window.low ? window.high - window.low : 1
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var position = [0, 0, 0]
        position[sliceAxis] = slice
        for y in 0..<height {
            position[rowAxis] = rowIndex[y]
            for x in 0..<width {
                position[columnAxis] = columnIndex[x]
                let offset = size.offset(position[0], position[1], position[2])
                let value = intensity(offset)
                let level = value.isNaN ? 0 : min(1, max(0, (value - window.low) / span))
                var rgb = (level * 255, level * 255, level * 255)
                if let labels, labels.voxels[offset] != 0 {
                    let tint = LesionPalette.colour(Int(labels.voxels[offset]))
                    let a = tintOpacity
                    rgb = (
                        (1 - a) * rgb.0 + a * Double(tint.r), (1 - a) * rgb.1 + a * Double(tint.g),
                        (1 - a) * rgb.2 + a * Double(tint.b)
                    )
                }
                let n = 3 * (y * width + x)
                pixels[n] = UInt8(rgb.0.rounded())
                pixels[n + 1] = UInt8(rgb.1.rounded())
                pixels[n + 2] = UInt8(rgb.2.rounded())
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Distinct, saturated colours for lesion labels, cycling after twelve.
public enum LesionPalette {
    static let colours: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
        (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212), (0, 128, 128), (170, 110, 40),
    ]

    public static func colour(_ label: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        colours[(label - 1) % colours.count]
    }
}

/// A display window from the distribution of intensities.
public enum DisplayWindow {
    /// The `lowFraction` and `highFraction` quantiles of the finite nonzero values, from an
    /// evenly strided sample of at most `sampleLimit` voxels. (0, 1) when there is no such value.
    public static func quantiles(
        voxelCount: Int, lowFraction: Double = 0.005, highFraction: Double = 0.995,
        sampleLimit: Int = 1 << 20, intensity: (Int) -> Double
    ) -> (low: Double, high: Double) {
        let stride = max(1, voxelCount / sampleLimit)
        var sample: [Double] = []
        sample.reserveCapacity(min(voxelCount, sampleLimit + 1))
        var offset = 0
        while offset < voxelCount {
            let value = intensity(offset)
            if value.isFinite && value != 0 { sample.append(value) }
            offset += stride
        }
        guard !sample.isEmpty else { return (0, 1) }
        sample.sort()
        func quantile(_ q: Double) -> Double { sample[min(sample.count - 1, Int(q * Double(sample.count - 1)))] }
        return (quantile(lowFraction), quantile(highFraction))
    }
}
