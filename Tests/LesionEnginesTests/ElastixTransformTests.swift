#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LesionEngines
import Testing

@Suite("elastix: transform files read into RAS matrices, the version, and a missing program")
struct ElastixTransformTests {
    static func file(_ transform: String, _ parameters: String, center: String = "0 0 0", extra: String = "") -> String {
        """
        (Transform "\(transform)")
        (NumberOfParameters 6)
        (TransformParameters \(parameters))
        (InitialTransformParametersFileName "NoInitialTransform")
        (HowToCombineTransforms "Compose")
        // a comment line
        (FixedImageDimension 3)
        (CenterOfRotationPoint \(center))
        \(extra)
        """
    }

    static func apply(_ rows: [[Double]], _ p: [Double]) -> [Double] {
        rows.map { $0[0] * p[0] + $0[1] * p[1] + $0[2] * p[2] + $0[3] }
    }

    @Test("a 90° Euler rotation about z with a shift: LPS negated on both sides gives the RAS map")
    func eulerAboutZ() throws {
        let t = try ElastixTransform.parse(Self.file("EulerTransform", "0 0 \(Double.pi / 2) 1 2 3"), file: "T.txt")
        // RAS (1, 0, 0) is LPS (-1, 0, 0); Rz(90°) takes it to (0, -1, 0); + (1, 2, 3) is LPS
        // (1, 1, 3), which is RAS (-1, -1, 3).
        let mapped = Self.apply(t.rowsRAS, [1, 0, 0])
        let expected: [Double] = [-1, -1, 3]
        for n in 0..<3 { #expect(Swift.abs(mapped[n] - expected[n]) < 1e-12) }
        #expect(t.kind == "EulerTransform")
    }

    @Test("Euler angles compose as ITK's Rz·Rx·Ry about the centre (Rz·Ry·Rx with ComputeZYX)")
    func eulerOrder() throws {
        let (ax, ay, az) = (0.3, -0.2, 0.1)
        let center = [10.0, -20, 5]
        let rx: [[Double]] = [[1, 0, 0], [0, cos(ax), -sin(ax)], [0, sin(ax), cos(ax)]]
        let ry: [[Double]] = [[cos(ay), 0, sin(ay)], [0, 1, 0], [-sin(ay), 0, cos(ay)]]
        let rz: [[Double]] = [[cos(az), -sin(az), 0], [sin(az), cos(az), 0], [0, 0, 1]]
        func times(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            (0..<3).map { r in (0..<3).map { c in (0..<3).reduce(0.0) { $0 + a[r][$1] * b[$1][c] } } }
        }
        for (zyx, rotation) in [(false, times(rz, times(rx, ry))), (true, times(rz, times(ry, rx)))] {
            let t = try ElastixTransform.parse(
                Self.file("EulerTransform", "\(ax) \(ay) \(az) 4 5 6", center: "10 -20 5", extra: "(ComputeZYX \"\(zyx)\")"),
                file: "T.txt")
            // An LPS point q maps to R (q - c) + c + t; the RAS matrix is checked on RAS (7, 8, 9).
            let q = [-7.0, -8, 9]
            let d = (0..<3).map { q[$0] - center[$0] }
            let shift: [Double] = [4, 5, 6]
            var lps: [Double] = []
            for r in 0..<3 {
                let turned: Double = rotation[r][0] * d[0] + rotation[r][1] * d[1] + rotation[r][2] * d[2]
                lps.append(turned + center[r] + shift[r])
            }
            let mapped = Self.apply(t.rowsRAS, [7, 8, 9])
            let expected: [Double] = [-lps[0], -lps[1], lps[2]]
            for n in 0..<3 { #expect(Swift.abs(mapped[n] - expected[n]) < 1e-9, "ComputeZYX \(zyx)") }
        }
    }

    @Test("an affine transform's matrix and translation, about its centre")
    func affine() throws {
        let text = Self.file("AffineTransform", "2 0 0 0 1 0 0 0 1 0 0 0", center: "1 0 0")
        let t = try ElastixTransform.parse(text, file: "T.txt")
        // LPS x ↦ 2 (x - 1) + 1: RAS x = 3 is LPS -3 ↦ -7, RAS 7.
        #expect(Self.apply(t.rowsRAS, [3, 0, 0]) == [7, 0, 0])
    }

    @Test("unreadable files are refused with the file and the reason")
    func refusals() {
        #expect(
            throws: EngineError("T.txt", "holds a BSplineTransform: only EulerTransform, AffineTransform and TranslationTransform are read")
        ) {
            try ElastixTransform.parse(Self.file("BSplineTransform", "0 0 0 0 0 0"), file: "T.txt")
        }
        #expect(throws: EngineError("T.txt", "(TransformParameters …) holds 5 values, not 6 numbers")) {
            try ElastixTransform.parse(Self.file("EulerTransform", "0 0 0 0 0"), file: "T.txt")
        }
        #expect(throws: EngineError("T.txt", "chains an initial transform (other.txt): only a single transform is read")) {
            try ElastixTransform.parse(
                Self.file("EulerTransform", "0 0 0 0 0 0").replacingNoInitial("other.txt"), file: "T.txt")
        }
    }

    @Test("the version line elastix prints, and a missing program names the package to install")
    func version() throws {
        #expect(Elastix.parseVersion("elastix version: 5.0.1\n") == "5.0.1")
        #expect(Elastix.parseVersion("something else") == nil)
        #expect(throws: EngineError("elastix", "not found on PATH, and registration needs it", remedy: Elastix.installHint)) {
            try Elastix.locate(path: "/nonexistent-folder")
        }
        #expect(Elastix.installHint.contains("apt-get install elastix"))
    }

    @Test(
        "the installed elastix reports its version",
        .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"))
    func installed() throws {
        let engine = try Elastix.locate()
        #expect(engine.version.split(separator: ".").count == 3)
        #expect(engine.version.hasPrefix("5."))
    }
}

extension String {
    fileprivate func replacingNoInitial(_ name: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.contains("InitialTransformParametersFileName") ? "(InitialTransformParametersFileName \"\(name)\")" : String($0)
        }.joined(separator: "\n")
    }
}
