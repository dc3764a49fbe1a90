import Foundation
import LesionIO
import LesionKernels
import Testing
import TestSupport

@Suite("Writing label maps, masks and PNGs")
struct WritingTests {
    static let orientationCases = [
        "scans/float32.nii", "scans/qform_only.nii", "scans/no_orientation.nii", "scans/oblique_sform.nii",
        "scans/sform_qform_disagree.nii", "scans/anisotropic_voxels.nii", "scans/nifti2_float32.nii",
        "scans/nifti2_float64_bigendian.nii", "scans/float32_bigendian.nii",
    ]

    @Test("a label map keeps the source's grid, affines, codes and version", arguments: orientationCases)
    func labelRoundTrip(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try NIfTIReader().read(Fixtures.path(name))
        let mask = Volume(size: source.geometry.size, voxels: (0..<source.geometry.size.voxelCount).map { source.intensity(at: $0) >= 0.5 })
        let labels = ReferenceLabeller.label(mask, connectivity: .twentySix)
        for ext in [".nii", ".nii.gz"] {
            let out = directory + "/labels" + ext
            try NIfTIWriter.writeLabels(labels, like: source.header, to: out, description: "test labels")
            let back = try NIfTIReader().read(out)
            let h = back.header
            #expect(h.niftiVersion == source.header.niftiVersion)
            #expect(h.isGzip == (ext == ".nii.gz"))
            if ext == ".nii.gz" {
                // gzip's header: magic, deflate, and XFL 4 (fastest), as libdeflate and zlib write at level 1.
                let head = try Data(contentsOf: URL(fileURLWithPath: out)).prefix(10)
                #expect(Array(head.prefix(3)) == [0x1f, 0x8b, 8] && head[8] == 4)
            }
            #expect(h.datatype == .uint16)
            #expect(h.qformCode == source.header.qformCode && h.sformCode == source.header.sformCode)
            #expect(h.orientationSource == source.header.orientationSource)
            #expect(h.affine.maximumDifference(from: source.header.affine) < 1e-6)
            if h.sformCode > 0 { #expect(h.sform == source.header.sform) }
            if h.qformCode > 0 { #expect(h.qform.maximumDifference(from: source.header.qform) < 1e-6) }
            #expect(h.scaling.isIdentity)
            guard case .uint16(let v) = back.voxels else {
                Issue.record("labels should be uint16")
                continue
            }
            #expect(v.voxels.map(Int32.init) == labels.labels.voxels)
        }
    }

    @Test("a written header carries no text from the source")
    func noSourceText() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = try NIfTIReader().read(Fixtures.path("scans/uint8.nii"))
        let out = directory + "/mask.nii"
        try NIfTIWriter.writeMask(
            Volume(size: source.geometry.size, repeating: true), like: source.header, to: out, description: "lesiontrack mask")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.count == 352 + source.geometry.size.voxelCount)
        let descrip = String(decoding: bytes[148..<228].prefix { $0 != 0 }, as: UTF8.self)
        #expect(descrip == "lesiontrack mask")
        #expect(bytes[228..<252].allSatisfy { $0 == 0 })  // aux_file
        #expect(bytes[328..<344].allSatisfy { $0 == 0 })  // intent_name
        #expect(Array(bytes[344..<348]) == Array("n+1\0".utf8))
    }

    @Test("more than 65535 labels are written as int32")
    func wideLabels() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let size = GridSize(2 * 300, 2 * 240, 1)
        var mask = Volume(size: size, repeating: false)
        for j in stride(from: 0, to: size.ny, by: 2) { for i in stride(from: 0, to: size.nx, by: 2) { mask[i, j, 0] = true } }
        let labels = ReferenceLabeller.label(mask, connectivity: .twentySix)
        #expect(labels.count == 72000)
        let header = try NIfTIReader().readHeader(Fixtures.path("scans/float32.nii"))
        let fake = ScanHeader(
            path: "x", niftiVersion: 1, isGzip: false, bigEndian: false, dims: [size.nx, size.ny, size.nz],
            datatype: .float32, pixdimMM: (1, 1, 1), headerSlope: 0, headerIntercept: 0, scaling: .identity,
            qformCode: header.qformCode, sformCode: header.sformCode, qform: header.qform, sform: header.sform,
            quaternion: header.quaternion, xyzUnitsCode: 2, volumeCount: 1, volumeIndex: 0)
        try NIfTIWriter.writeLabels(labels, like: fake, to: directory + "/wide.nii.gz", description: "")
        let back = try NIfTIReader().read(directory + "/wide.nii.gz")
        guard case .int32(let v) = back.voxels else {
            Issue.record("expected int32")
            return
        }
        #expect(v.voxels == labels.labels.voxels)
    }

    @Test("PNG round trip is pixel-identical")
    func png() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rng = SeededGenerator(seed: 42)
        let image = RGBImage(width: 37, height: 23, pixels: (0..<(37 * 23 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try PNGFile.write(image, to: directory + "/x.png")
        #expect(try PNGFile.read(directory + "/x.png") == image)
    }

    @Test("a failed write reports the output and leaves nothing behind")
    func failedWrite() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = directory + "/missing/x.png"
        do {
            try PNGFile.write(RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), to: target)
            Issue.record("wrote into a missing directory")
        } catch {
            #expect(error.kind == .output && error.path == target)
        }
        // An existing file survives a failed replacement: the body fails before the rename.
        let existing = directory + "/keep.txt"
        try AtomicFile.write(Array("old".utf8), to: existing)
        #expect(throws: ScanError.self) {
            try AtomicFile.write(to: existing) { (_: Int32) throws(ScanError) in throw ScanError(existing, "stop", kind: .output) }
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["keep.txt"])
    }
}
