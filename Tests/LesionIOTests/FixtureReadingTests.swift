import Foundation
import LesionIO
import LesionKernels
import Testing
import TestSupport

/// Every valid fixture read through libnifti agrees with what nibabel recorded in `expected/scans.json`.
@Suite("Reading the fixtures")
struct FixtureReadingTests {
    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        (try? Fixtures.json("expected/scans.json") as? [String: [String: Any]]) ?? [:]
    }()

    static let names: [String] = expected.keys.sorted()

    static let datatypeNames: [String: String] = [
        "uint8": "UINT8", "int8": "INT8", "uint16": "UINT16", "int16": "INT16", "uint32": "UINT32",
        "int32": "INT32", "uint64": "UINT64", "int64": "INT64", "float32": "FLOAT32", "float64": "FLOAT64",
    ]

    @Test("the expectations cover every file in scans/ and example/")
    func coverage() throws {
        #expect(Self.names.count >= 30)
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("scans"))
        #expect(Set(files.map { "scans/" + $0 }).isSubset(of: Set(Self.names)))
    }

    @Test("header facts and affines", arguments: names)
    func header(name: String) throws {
        let e = Self.expected[name]!
        let scan = try NIfTIReader().read(Fixtures.path(name))
        let h = scan.header
        #expect(h.niftiVersion == e["nifti_version"] as! Int)
        #expect(h.dims == e["dims"] as! [Int])
        #expect(h.datatype.name == Self.datatypeNames[e["datatype"] as! String])
        #expect(h.bigEndian == ((e["byte_order"] as! String) == ">"))
        #expect(h.isGzip == name.hasSuffix(".gz"))
        let pixdim = e["pixdim"] as! [Double]
        #expect(close([h.pixdimMM.0, h.pixdimMM.1, h.pixdimMM.2], pixdim, 1e-9))
        #expect(h.qformCode == e["qform_code"] as! Int)
        #expect(h.sformCode == e["sform_code"] as! Int)
        let applied = e["applied_scaling"] as! [String: Double]
        #expect(h.scaling == IntensityScaling(slope: applied["slope"]!, intercept: applied["inter"]!))
        if h.sformCode > 0 { #expect(close(h.sform.matrix4x4, e["sform"] as! [[Double]], 1e-9)) }
        if h.qformCode > 0 { #expect(close(h.qform.matrix4x4, e["qform"] as! [[Double]], 1e-6)) }
        // The orientation rule: nibabel's best affine, except the method-1 fallback without codes.
        let chosen = (e["method1_affine"] ?? e["nibabel_affine"]) as! [[Double]]
        #expect(close(h.affine.matrix4x4, chosen, 1e-6), "\(h.affine.matrix4x4) vs \(chosen)")
        #expect(h.orientationSource == (h.sformCode > 0 ? .sform : h.qformCode > 0 ? .qform : .pixdim))
    }

    @Test("voxel values: sums, ranges and non-finite counts", arguments: names)
    func values(name: String) throws {
        let e = Self.expected[name]!
        let scan = try NIfTIReader().read(Fixtures.path(name))
        var raw = 0.0
        var exactRaw: Int64 = 0
        var summary = (sum: 0.0, min: Double.infinity, max: -Double.infinity, nan: 0, posinf: 0, neginf: 0)
        for offset in 0..<scan.geometry.size.voxelCount {
            let stored = scan.voxels.storedValue(at: offset)
            if stored.isFinite { raw += stored }
            let value = scan.intensity(at: offset)
            if value.isNaN {
                summary.nan += 1
            } else if value == .infinity {
                summary.posinf += 1
            } else if value == -.infinity {
                summary.neginf += 1
            } else {
                summary.sum += value; summary.min = min(summary.min, value); summary.max = max(summary.max, value)
            }
        }
        switch scan.voxels {
        case .int64(let v): exactRaw = v.voxels.reduce(0, +)
        case .uint64(let v): exactRaw = Int64(v.voxels.reduce(0, +))
        default: break
        }
        // 3D files only: for 4D the sums cover every volume, this reads volume 0.
        if (e["dims"] as! [Int]).count == 3 || (e["dims"] as! [Int]).last == 1 {
            if let rawInt = e["raw_sum"] as? Int, exactRaw != 0 {
                #expect(exactRaw == Int64(rawInt))
            } else {
                #expect(relativelyClose(raw, (e["raw_sum"] as! NSNumber).doubleValue, 1e-10))
            }
            #expect(relativelyClose(summary.sum, e["scaled_sum"] as! Double, 1e-10))
            #expect(relativelyClose(summary.min, e["scaled_min"] as! Double, 1e-10))
            #expect(relativelyClose(summary.max, e["scaled_max"] as! Double, 1e-10))
        }
        #expect(summary.nan == e["nan_count"] as! Int)
        #expect(summary.posinf == e["posinf_count"] as! Int)
        #expect(summary.neginf == e["neginf_count"] as! Int)
        let s = scan.voxels.visitSummary(scan.scaling)
        #expect(s.nanCount == summary.nan && s.positiveInfinityCount == summary.posinf)
    }

    @Test("components at 6, 18 and 26-connectivity, volume by volume", arguments: names)
    func components(name: String) throws {
        let e = Self.expected[name]!
        let threshold = e["threshold"] as! Double
        let perVolume = e["components"] as! [[String: [String: Any]]]
        for (volume, expected) in perVolume.enumerated() {
            let scan = try NIfTIReader().read(Fixtures.path(name), volume: volume)
            let mask = Volume(
                size: scan.geometry.size,
                voxels: (0..<scan.geometry.size.voxelCount).map {
                    IntensityWindow(lower: threshold).contains(scan.intensity(at: $0))
                })
            for connectivity in Connectivity.allCases {
                let want = expected[String(connectivity.rawValue)]!
                let labelled = ReferenceLabeller.label(mask, connectivity: connectivity)
                #expect(labelled.count == want["count"] as! Int, "\(name) volume \(volume) c\(connectivity)")
                #expect(Array(labelled.voxelCounts().dropFirst()) == want["sizes_in_first_voxel_order"] as! [Int])
            }
        }
    }

    @Test("gzip and plain files read identically")
    func gzipMatchesPlain() throws {
        let plain = try NIfTIReader().read(Fixtures.path("scans/float32.nii"))
        let gzip = try NIfTIReader().read(Fixtures.path("scans/float32.nii.gz"))
        guard case .float32(let a) = plain.voxels, case .float32(let b) = gzip.voxels else {
            Issue.record("expected float32 volumes")
            return
        }
        #expect(a.voxels == b.voxels)
        #expect(plain.header.affine == gzip.header.affine)
    }

    @Test("a volume index beyond a 4D file is refused")
    func missingVolume() {
        #expect(throws: ScanError.self) { try NIfTIReader().read(Fixtures.path("scans/4d_three_volumes.nii"), volume: 3) }
    }
}

func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

func close(_ a: [[Double]], _ b: [[Double]], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
}

func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

private struct SummaryOf: VolumeVisitor {
    let scaling: IntensityScaling
    func visit<T: ScanScalar>(_ volume: Volume<T>) -> IntensitySummary { IntensitySummary(volume, scaling: scaling) }
}

extension AnyVolume {
    func visitSummary(_ scaling: IntensityScaling) -> IntensitySummary { visit(SummaryOf(scaling: scaling)) }
}
