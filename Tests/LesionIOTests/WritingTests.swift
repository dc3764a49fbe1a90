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

    @Test("staged files appear only when committed, in order, and no temporary file is left")
    func stagedCommit() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(Array("old".utf8), to: directory + "/a.txt")
        let a = try AtomicFile.stage(Array("new a".utf8), to: directory + "/a.txt")
        let b = try TextOutput.stage(directory + "/b.txt") { (out: TextOutput) throws(ScanError) in try out.write("new b") }
        // Before the commit: the old file, and two hidden temporaries beside it.
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "old")
        let pending = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != "a.txt" }
        #expect(pending.count == 2 && pending.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".partial") })
        #expect([a.path, b.path] == [directory + "/a.txt", directory + "/b.txt"])
        try AtomicFile.commit([a, b])
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "new a")
        #expect(try String(contentsOfFile: directory + "/b.txt", encoding: .utf8) == "new b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.txt", "b.txt"])
    }

    @Test("a failed rename in a commit keeps the files before it and removes the temporaries after it")
    func failedCommit() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A non-empty folder where the second file should go: rename(2) refuses to replace it.
        try FileManager.default.createDirectory(atPath: directory + "/b", withIntermediateDirectories: false)
        try AtomicFile.write(Array("kept".utf8), to: directory + "/b/inside.txt")
        let staged = try ["a.txt", "b", "c.txt"].map { try AtomicFile.stage(Array($0.utf8), to: directory + "/" + $0) }
        do {
            try AtomicFile.commit(staged)
            Issue.record("renamed a file over a folder")
        } catch {
            #expect(error.kind == .output && error.path == directory + "/b")
        }
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "a.txt")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.txt", "b"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/b") == ["inside.txt"])
    }

    @Test("each directory of several files is named once, in the order of the files")
    func directoriesOnce() {
        #expect(AtomicFile.directory(of: "out/labels.nii.gz") == "out")
        #expect(AtomicFile.directory(of: "/labels.nii.gz") == "/")
        #expect(AtomicFile.directory(of: "labels.nii.gz") == ".")
        let paths = ["out/l.nii.gz", "/r.json", "out/r.json", "l.png", "/x/y/s.png", "m.json", "/x/y/t.json"]
        #expect(AtomicFile.directories(of: paths) == ["out", "/", ".", "/x/y"])
    }

    @Test("text held in memory is the text a file gets, however long")
    func textInMemory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Over 64 KiB: a file's output is written out in parts, memory's never.
        let body = { (out: TextOutput) throws(ScanError) in
            for n in 0..<20_000 { try out.write("line \(n)\n") }
        }
        let held = try TextOutput.bytes(body)
        try TextOutput.file(directory + "/t.txt", body)
        #expect(held.count > 1 << 16)
        #expect(held == Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/t.txt"))))
        #expect(String(decoding: held.suffix(11), as: UTF8.self) == "line 19999\n")
    }
}
