import Foundation
@testable import LesionIO
import LesionKernels
import Testing
import TestSupport

/// libdeflate's whole-buffer reading gives exactly what zlib's streaming reader gives: the same
/// header facts and voxel bytes, or the same error, on every fixture and on damaged gzip files.
@Suite("Reading .nii.gz through libdeflate")
struct GzipReadingTests {
    static let fixtureNames: [String] = {
        let expected = (try? Fixtures.json("expected/scans.json")) ?? [:]
        let broken = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("broken"))) ?? []
        return expected.keys.sorted() + broken.sorted().map { "broken/" + $0 }
    }()

    /// Everything a read gives, as text and bytes: equal outcomes mean byte-identical reading.
    enum Outcome: Equatable, CustomStringConvertible {
        case scan(header: String, voxels: [UInt8])
        case failure(String)

        var description: String {
            switch self {
            case .scan(let header, let voxels): "scan \(header) with \(voxels.count) voxel bytes"
            case .failure(let message): "error \(message)"
            }
        }

        var succeeded: Bool { if case .scan = self { true } else { false } }
    }

    static func outcome(
        _ path: String, _ reading: NIfTIReader.GzipReading, volume: Int = 0, limit: Int? = nil
    ) -> (Outcome, NIfTIReader.Stages) {
        var reader = NIfTIReader(gzipReading: reading)
        if let limit { reader.wholeBufferLimitBytes = limit }
        var stages = NIfTIReader.Stages()
        do {
            let scan = try reader.read(path, volume: volume, stages: &stages)
            return (.scan(header: "\(scan.header)", voxels: voxelBytes(scan.voxels)), stages)
        } catch {
            return (.failure("\(error.kind) \(error.description)"), stages)
        }
    }

    static func voxelBytes(_ volume: AnyVolume) -> [UInt8] {
        struct Bytes: VolumeVisitor {
            func visit<T: ScanScalar>(_ volume: Volume<T>) -> [UInt8] { volume.voxels.withUnsafeBytes { Array($0) } }
        }
        return volume.visit(Bytes())
    }

    static func gzip(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        bytes.withUnsafeBytes { GzipFile.compress($0, level: level)! }
    }

    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Reads `path` both ways and expects the same outcome; returns it and libdeflate's stages.
    @discardableResult
    static func expectSame(_ path: String, volume: Int = 0, limit: Int? = nil, _ comment: String = "") -> (Outcome, NIfTIReader.Stages) {
        let (fast, stages) = outcome(path, .libdeflate, volume: volume, limit: limit)
        let (slow, _) = outcome(path, .zlib, volume: volume)
        #expect(fast == slow, "\(comment) libdeflate: \(fast) / zlib: \(slow)")
        return (fast, stages)
    }

    @Test("every fixture reads the same both ways", arguments: fixtureNames)
    func fixtures(name: String) {
        let path = Fixtures.path(name)
        let (result, stages) = Self.expectSame(path)
        if name.hasSuffix(".gz"), result.succeeded {
            #expect(stages.streamedBecause == nil, "\(name) was streamed: \(stages.streamedBecause ?? "")")
        }
    }

    @Test(
        "every plain fixture, gzipped, reads as the plain file does, inflated whole",
        arguments: fixtureNames.filter { $0.hasSuffix(".nii") })
    func gzippedFixtures(name: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = Fixtures.path(name)
        let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plain)))
        let gz = directory + "/" + name.split(separator: "/").last! + ".gz"
        try Self.write(Self.gzip(raw), gz)
        let (result, stages) = Self.expectSame(gz, name)
        let (reference, _) = Self.outcome(plain, .zlib)
        switch (result, reference) {
        case (.scan(let h1, let v1), .scan(let h2, let v2)):
            #expect(v1 == v2)
            let normalize = { (h: String) in
                h.replacingOccurrences(of: gz, with: "PATH").replacingOccurrences(of: plain, with: "PATH")
                    .replacingOccurrences(of: "isGzip: true", with: "isGzip: false")
            }
            #expect(normalize(h1) == normalize(h2))
            // Volume 0 of a three-volume file is streamed: it needs a third of the data.
            #expect((stages.streamedBecause == nil) == !name.contains("4d_three"))
        case (.failure(let e1), .failure(let e2)):
            // The same refusal, apart from the file name (and for gzip, the file size it names).
            #expect(e1.hasPrefix("invalidInput") && e2.hasPrefix("invalidInput"), "\(e1) / \(e2)")
        default:
            Issue.record("\(name): gzipped \(result), plain \(reference)")
        }
    }

    /// A damaged copy of a valid gzip NIfTI file.
    struct Damage: CustomStringConvertible, Sendable {
        let name: String
        let apply: @Sendable ([UInt8]) -> [UInt8]
        var description: String { name }
    }

    static let damages: [Damage] = {
        var list: [Damage] = [
            Damage(name: "ISIZE + 1") { bytesWithTrailer($0, add: 1) },
            Damage(name: "ISIZE - 1") { bytesWithTrailer($0, add: -1) },
            Damage(name: "ISIZE 0") {
                var b = $0; b.replaceSubrange((b.count - 4)..., with: [0, 0, 0, 0]); return b
            },
            Damage(name: "ISIZE 4 GiB - 1") {
                var b = $0; b.replaceSubrange((b.count - 4)..., with: [255, 255, 255, 255]); return b
            },
            Damage(name: "CRC flipped") {
                var b = $0; b[b.count - 8] ^= 0x5a; return b
            },
            Damage(name: "no trailer") { Array($0.dropLast(8)) },
            Damage(name: "half the trailer") { Array($0.dropLast(4)) },
            Damage(name: "one byte short") { Array($0.dropLast(1)) },
            Damage(name: "zero bytes appended") { $0 + [UInt8](repeating: 0, count: 16) },
            Damage(name: "garbage appended") { $0 + Array("not gzip at all".utf8) },
            Damage(name: "an empty member appended") { $0 + gzip([]) },
            Damage(name: "gzip magic appended") { $0 + [0x1f, 0x8b] },
            Damage(name: "the same member twice") { $0 + $0 },
            Damage(name: "header flags FEXTRA set") {
                var b = $0; b[3] |= 4; return b
            },
            Damage(name: "method not deflate") {
                var b = $0; b[2] = 7; return b
            },
        ]
        for fraction in [0.05, 0.3, 0.5, 0.9, 0.99] {
            list.append(Damage(name: "truncated to \(fraction)") { Array($0.prefix(Int(Double($0.count) * fraction))) })
        }
        for seed in 0..<12 {
            list.append(
                Damage(name: "3 random bytes changed, seed \(seed)") { bytes in
                    var b = bytes
                    var rng = SeededGenerator(seed: UInt64(seed))
                    for _ in 0..<3 { b[Int.random(in: 10..<(b.count - 8), using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
                    return b
                })
        }
        return list
    }()

    static func bytesWithTrailer(_ bytes: [UInt8], add: Int) -> [UInt8] {
        var b = bytes
        let n = b.count - 4
        let size = UInt32(b[n]) | UInt32(b[n + 1]) << 8 | UInt32(b[n + 2]) << 16 | UInt32(b[n + 3]) << 24
        let changed = UInt32(truncatingIfNeeded: Int(size) + add)
        for k in 0..<4 { b[n + k] = UInt8(truncatingIfNeeded: changed >> (8 * k)) }
        return b
    }

    static let sources = [
        "scans/float32.nii", "scans/int16_bigendian.nii", "scans/4d_three_volumes.nii", "scans/nifti2_float64_bigendian.nii",
    ]

    @Test("damaged gzip files read the same both ways", arguments: damages)
    func damaged(damage: Damage) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for source in Self.sources {
            let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(source))))
            let path = directory + "/damaged.nii.gz"
            try Self.write(damage.apply(Self.gzip(raw)), path)
            for volume in source.hasPrefix("scans/4d") ? [0, 2] : [0] {
                let (result, stages) = Self.expectSame(path, volume: volume, "\(source) \(damage) volume \(volume):")
                // Only an intact single member is inflated whole: whatever still reads was streamed.
                if result.succeeded { #expect(stages.streamedBecause != nil, "\(source) \(damage)") }
            }
        }
    }

    @Test("several gzip members read as one stream, through the streaming fallback")
    func members() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rng = SeededGenerator(seed: 20)
        for source in Self.sources {
            let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(source))))
            let (plain, _) = Self.outcome(Fixtures.path(source), .zlib)
            guard case .scan(_, let plainVoxels) = plain else {
                Issue.record("\(source) does not read")
                continue
            }
            for parts in 2...4 {
                var cuts = (0..<(parts - 1)).map { _ in Int.random(in: 0...raw.count, using: &rng) }.sorted()
                cuts = [0] + cuts + [raw.count]
                var file: [UInt8] = []
                for n in 0..<parts { file += Self.gzip(Array(raw[cuts[n]..<cuts[n + 1]]), level: 1 + n) }
                let path = directory + "/members.nii.gz"
                try Self.write(file, path)
                let (result, stages) = Self.expectSame(path, "\(source) in \(parts) members:")
                guard case .scan(_, let voxels) = result else {
                    Issue.record("\(source) in \(parts) members: \(result)")
                    continue
                }
                #expect(voxels == plainVoxels)
                // The last member's ISIZE only matches the whole when the others hold nothing.
                if cuts[parts - 1] > 0 { #expect(stages.streamedBecause != nil) }
            }
        }
    }

    @Test("above the whole-buffer limit, and for an early volume of a 4D file, the streaming reader is used")
    func limits() throws {
        let path = Fixtures.path("scans/float32.nii.gz")
        let (whole, wholeStages) = Self.outcome(path, .libdeflate)
        #expect(wholeStages.streamedBecause == nil)
        let (streamed, stages) = Self.outcome(path, .libdeflate, limit: 1024)
        #expect(streamed == whole)
        #expect(stages.streamedBecause?.contains("whole-buffer limit") == true, "\(stages.streamedBecause ?? "nil")")

        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("scans/4d_three_volumes.nii"))))
        let gz = directory + "/4d.nii.gz"
        try Self.write(Self.gzip(raw), gz)
        for volume in 0..<3 {
            let (result, stages) = Self.expectSame(gz, volume: volume, "volume \(volume):")
            #expect(result.succeeded)
            // Volume 0 needs a third of the data: streaming stops sooner.
            #expect((stages.streamedBecause == nil) == (volume > 0), "volume \(volume): \(stages.streamedBecause ?? "nil")")
        }
        Self.expectSame(gz, volume: 3, "volume 3:")
    }

    @Test("seeded random volumes of every datatype read the same both ways", arguments: 0..<6)
    func randomVolumes(seed: Int) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var rng = SeededGenerator(seed: UInt64(1000 + seed))
        let size = GridSize(Int.random(in: 1...40, using: &rng), Int.random(in: 1...30, using: &rng), Int.random(in: 1...20, using: &rng))
        let header = ScanHeader.synthetic(path: directory + "/source.nii", grid: size)
        let density = Double.random(in: 0...1, using: &rng)
        let values = Volume(
            size: size,
            voxels: (0..<size.voxelCount).map { _ in
                Double.random(in: 0...1, using: &rng) < density ? Float.random(in: -1e6...1e6, using: &rng) : 0
            })
        let labels = Volume(size: size, voxels: values.voxels.map { Int32(truncatingIfNeeded: Int($0)) })
        for (n, gzip) in [NIfTIWriter.GzipWriting.runs, .libdeflate(level: 1), .libdeflate(level: 9), .zlib].enumerated() {
            let floats = directory + "/floats\(n).nii.gz"
            let ints = directory + "/ints\(n).nii.gz"
            try NIfTIWriter.writeIntensities(values, like: header, to: floats, description: "random", gzip: gzip)
            try NIfTIWriter.write(labels, like: header, to: ints, description: "random", intent: .label, displayRange: (0, 0), gzip: gzip)
            for path in [floats, ints] {
                let (result, stages) = Self.expectSame(path, "\(gzip):")
                #expect(result.succeeded)
                #expect(stages.streamedBecause == nil)
            }
            let back = try NIfTIReader().read(floats)
            guard case .float32(let v) = back.voxels else {
                Issue.record("not float32")
                continue
            }
            #expect(v.voxels == values.voxels)
        }
    }

    @Test("the run encoder's gzip inflates to its input, for every voxel size and run structure", arguments: 0..<40)
    func runEncoder(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(500 + seed))
        let voxelBytes = [1, 2, 4, 8][seed % 4]
        let count = [0, 1, 7, 8, 9, 300, 5000, 70_000][Int.random(in: 0..<8, using: &rng)]
        // Runs of zeros, runs of one repeated voxel, and noise, in random lengths.
        var bytes: [UInt8] = []
        while bytes.count < count {
            let length = Int.random(in: 1...[3, 40, 600][Int.random(in: 0..<3, using: &rng)], using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes += [UInt8](repeating: 0, count: length)
            case 1:
                let voxel = (0..<voxelBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
                for _ in 0..<length { bytes += voxel }
            default: bytes += (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
        }
        bytes = Array(bytes.prefix(count))
        let split = Int.random(in: 0...bytes.count, using: &rng)
        var encoder = RunDeflate(voxelBytes: voxelBytes, expectedBytes: bytes.count)
        bytes[..<split].withUnsafeBytes { encoder.encode($0) }
        bytes[split...].withUnsafeBytes { encoder.encode($0) }
        let gz = encoder.finish()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/runs.gz"
        try Self.write(gz, path)
        let file = try GzipFile(path: path, expectedBytes: gz.count)
        var back = [UInt8](repeating: 0xAA, count: bytes.count)
        let failure = back.withUnsafeMutableBytes {
            file.inflate(into: $0.baseAddress ?? UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1), count: bytes.count)
        }
        #expect(failure == nil, "\(failure ?? "")")
        #expect(back == bytes)
        #expect(Array(gz.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3])
    }
}
