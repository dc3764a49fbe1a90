import LesionKernels
import Testing
import TestSupport

/// Folding a window into the stored type decides every value exactly as the reference does.
@Suite("Exact thresholds in the stored type")
struct StoredWindowTests {
    static let scalings = [
        IntensityScaling.identity, IntensityScaling(slope: 1.0 / 16384, intercept: 0),
        IntensityScaling(slope: 1.0 / 128, intercept: -0.5), IntensityScaling(slope: -0.25, intercept: 3),
        IntensityScaling(slope: 2, intercept: -1), IntensityScaling(slope: 1e-7, intercept: 0.1),
    ]
    static let windows = [
        IntensityWindow(lower: 0.5), IntensityWindow(lower: -0.3, upper: 0.8), IntensityWindow(lower: 1e6),
        IntensityWindow(lower: -.infinity), IntensityWindow(lower: 0.1, upper: 0.1), IntensityWindow(lower: 0),
    ]

    func check<T: ScanScalar>(_ values: [T], _ name: String) {
        for scaling in Self.scalings {
            for window in Self.windows {
                let stored = StoredWindow<T>(window, scaling: scaling)
                for v in values {
                    let expected = window.contains(scaling.apply(v.doubleValue))
                    #expect(stored.contains(v) == expected, "\(name) \(v) \(scaling) \(window)")
                }
                // One row, then rows whose last vector reaches into the next row (masked off) and,
                // for the last row, past the end (compared voxel by voxel).
                for nx in [values.count, 17, 23, 37, 71] where values.count >= nx {
                    let rows = values.count / nx
                    let volume = Volume(size: GridSize(nx, rows, 1), voxels: Array(values.prefix(nx * rows)))
                    // Word for word, so bits past each row's end must be clear too.
                    let mask = SIMDThreshold.bitMask(volume, window: stored).words
                    #expect(mask == BitMask(ReferenceThreshold.mask(volume, scaling: scaling, window: window)).words, "\(name) nx \(nx)")
                }
            }
        }
    }

    func around<T: ScanScalar & FixedWidthInteger>(_ type: T.Type, _ rng: inout SeededGenerator) -> [T] {
        var values: [T] = [T.min, T.max, 0, 1]
        for center in [0.5, 0.8, -0.3, 0.1, 3.0, 1e6] {
            for scale in [1.0, 16384, 128, 4] {
                let x = center * scale
                if x >= Double(T.min) && x <= Double(T.max) {
                    let c = T(x.rounded())
                    for d in -3...3 { values.append(c.addingReportingOverflow(T(truncatingIfNeeded: d)).partialValue) }
                }
            }
        }
        for _ in 0..<200 { values.append(T.random(in: T.min...T.max, using: &rng)) }
        return values
    }

    @Test("every integer type")
    func integers() {
        var rng = SeededGenerator(seed: 7)
        check(around(UInt8.self, &rng), "uint8")
        check(around(Int8.self, &rng), "int8")
        check(around(UInt16.self, &rng), "uint16")
        check(around(Int16.self, &rng), "int16")
        check(around(UInt32.self, &rng), "uint32")
        check(around(Int32.self, &rng), "int32")
        check(around(UInt64.self, &rng), "uint64")
        check(around(Int64.self, &rng), "int64")
    }

    @Test("floats, with NaN and infinities")
    func floats() {
        var rng = SeededGenerator(seed: 11)
        let half: Float = 0.5, tenth: Float = 0.1
        var f: [Float] = [
            .nan, .infinity, -.infinity, 0, -0.0, half, half.nextUp, half.nextDown, tenth, tenth.nextUp,
            tenth.nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
        ]
        var d: [Double] = f.map(Double.init)
        for _ in 0..<300 {
            f.append(Float.random(in: -2...2, using: &rng))
            d.append(Double.random(in: -2...2, using: &rng))
        }
        d += [Double(0.1).nextUp, Double(0.1).nextDown, Double(0.5).nextDown, Double(1e6).nextDown]
        check(f, "float32")
        check(d, "float64")
    }

    @Test("the order keys are monotone and invertible")
    func keys() {
        let floats: [Float] = [-.infinity, -1e30, -1, -0.0, 0, .leastNonzeroMagnitude, 1, .infinity]
        #expect(floats.map(\.orderKey) == floats.map(\.orderKey).sorted())
        #expect(floats.allSatisfy { Float(orderKey: $0.orderKey).bitPattern == $0.bitPattern })
        let ints: [Int16] = [.min, -1, 0, 1, .max]
        #expect(ints.map(\.orderKey) == ints.map(\.orderKey).sorted())
        #expect(ints.allSatisfy { Int16(orderKey: $0.orderKey) == $0 })
    }
}
