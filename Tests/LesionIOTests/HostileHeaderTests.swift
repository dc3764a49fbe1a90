import Foundation
import LesionIO
import Testing
import TestSupport

/// Headers that claim more than the file holds, and volumes the machine cannot allocate.
@Suite("hostile headers: extension sizes, allocation failures", .tags(.slow), .fullTierOnly, .serialized)
struct HostileHeaderTests {
    /// `scans/float32.nii` with one header extension of `claimed` bytes (16 stored), so that
    /// vox_offset is 368.
    func withExtension(claimed: Int32) throws -> (folder: String, path: String) {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("scans/float32.nii")))
        var header = [UInt8](original.prefix(348))
        withUnsafeBytes(of: Float(368).bitPattern.littleEndian) { header.replaceSubrange(108..<112, with: $0) }
        var bytes = header + [1, 0, 0, 0]
        withUnsafeBytes(of: claimed.littleEndian) { bytes += $0 }
        bytes += [6, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        bytes += original.dropFirst(352)
        let folder = try Fixtures.temporaryDirectory()
        let path = folder + "/extended.nii"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    @Test("a 1 GiB header extension in a small file is refused before libnifti reads it")
    func hugeExtension() throws {
        let (folder, path) = try withExtension(claimed: 1 << 30)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(
            throws: ScanError(
                path,
                "header extension at byte 352 claims 1 GiB, past vox_offset 368 or the end of the file (\(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int) bytes)"
            )
        ) {
            _ = try NIfTIReader().readHeader(path)
        }
        #expect(throws: ScanError.self) { _ = try NIfTIReader().read(path) }
    }

    @Test("a true 16-byte extension is skipped: the same voxels as without it")
    func honestExtension() throws {
        let (folder, path) = try withExtension(claimed: 16)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let extended = try NIfTIReader().read(path), plain = try NIfTIReader().read(Fixtures.path("scans/float32.nii"))
        #expect(extended.voxels.size == plain.voxels.size)
        let count = plain.voxels.size.voxelCount
        #expect((0..<count).allSatisfy { extended.voxels.storedValue(at: $0).bitPattern == plain.voxels.storedValue(at: $0).bitPattern })
        #expect(extended.header.affine == plain.header.affine)
    }

    @Test("a 4 GiB volume (the default cap) that cannot be allocated is a clean error, not SIGABRT")
    func allocationFailure() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("scans/float32.nii")))
        var header = [UInt8](original.prefix(352))
        for (n, value) in [Int16(3), 1024, 1024, 1024, 1].enumerated() {
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange((40 + 2 * n)..<(42 + 2 * n), with: $0) }
        }
        let path = folder + "/huge.nii"
        try Data(header).write(to: URL(fileURLWithPath: path))
        // A sparse file: 4 GiB of voxels that take no disk space.
        #expect(truncate(path, off_t(352 + (4 << 30))) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 3 GiB of address space: the program runs, the 4 GiB volume cannot be allocated.
        process.arguments = ["-c", "ulimit -v 3145728 && exec \"$0\" label \"$1\"", CommandRunner.binary, path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 65, "\(stderr)")
        #expect(stderr.contains(path) && stderr.contains("cannot allocate 4 GiB"), "\(stderr)")
    }
}
