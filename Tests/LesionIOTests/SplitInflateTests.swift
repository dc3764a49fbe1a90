import CSplitInflate
import Foundation
@testable import LesionIO
import LesionKernels
import Testing
import TestSupport

/// Inflating one gzip member in two parts on two threads gives exactly the one-piece result, or
/// declines (status 1) and leaves the compressed bytes as they were, so the one-piece reader decides.
@Suite("Inflating a gzip member in two parts")
struct SplitInflateTests {
    /// Data of a few kinds, deterministic for a seed.
    enum Kind: String, CaseIterable, Sendable {
        /// Float32 noise like the peer kit's lesion volume: background in [0, 0.49), 10 % in [0.5, 1].
        case floatNoise
        /// A smooth int16 image with a little noise, like a head.
        case smoothInt16
        /// Words from a small vocabulary: long matches everywhere.
        case text
        /// 32,000-byte chunks, each the one before with 10 % of its bytes changed: nearly every byte
        /// is copied from 32,000 bytes back, so the stand-in window is copied on to the end and the
        /// whole second part is inflated again.
        case chain
        /// Float noise, 320 KiB of the chain in the middle, float noise: inflating again from inside
        /// the chain stops in the noise after it.
        case chainInNoise
    }

    static let chainBytes = 320 << 10

    static func data(_ kind: Kind, count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        func floats(_ n: Int) -> [UInt8] {
            var out = [UInt8]()
            out.reserveCapacity(n * 4)
            for _ in 0..<n {
                let v =
                    Double.random(in: 0...1, using: &rng) < 0.1
                    ? Float.random(in: 0.5...1, using: &rng) : Float.random(in: 0..<0.49, using: &rng)
                withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
            }
            return out
        }
        switch kind {
        case .floatNoise:
            return floats(count / 4)
        case .smoothInt16:
            var out = [UInt8]()
            out.reserveCapacity(count)
            for n in 0..<(count / 2) {
                let v = Int16(800 + 400 * sin(Double(n) / 300) + Double(Int.random(in: -6...6, using: &rng)))
                withUnsafeBytes(of: v.littleEndian) { out += $0 }
            }
            return out
        case .text:
            let words = ["lesion", "gadolinium", "enhancing", "white", "matter", "rebound", "natalizumab", "FLAIR", " ", "\n", "T2"]
            var out = [UInt8]()
            while out.count < count { out += Array(words[Int.random(in: 0..<words.count, using: &rng)].utf8) }
            return Array(out.prefix(count))
        case .chain, .chainInNoise:
            let chained = kind == .chain ? count : Self.chainBytes
            var out = (0..<32000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            out.reserveCapacity(count)
            while out.count < chained {
                var chunk = Array(out[(out.count - 32000)...])
                for _ in 0..<3200 { chunk[Int.random(in: 0..<32000, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                out += chunk.prefix(chained - out.count)
            }
            if kind == .chain { return out }
            let before = floats((count - chained) / 8)
            return before + out + floats((count - before.count - chained) / 4)
        }
    }

    /// How a test file is compressed: libdeflate at a level, or the `gzip` program (its own
    /// DEFLATE compressor, with the file name in the header unless `-n`).
    enum Compressor: CustomStringConvertible, Sendable {
        case libdeflate(Int)
        case gzipProgram([String])
        var description: String {
            switch self {
            case .libdeflate(let level): "libdeflate level \(level)"
            case .gzipProgram(let flags): "gzip \(flags.joined(separator: " "))"
            }
        }
    }

    static func compress(_ data: [UInt8], _ compressor: Compressor) throws -> [UInt8] {
        switch compressor {
        case .libdeflate(let level):
            return data.withUnsafeBytes { GzipFile.compress($0, level: level)! }
        case .gzipProgram(let flags):
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/data.nii"
            try Data(data).write(to: URL(fileURLWithPath: path))
            let result = try CommandRunner.run(["gzip"] + flags + [path], program: "/usr/bin/env")
            #expect(result.status == 0, "gzip: \(result.stderr)")
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
        }
    }

    struct Outcome {
        var status: Int32
        var output: [UInt8]
        var report: lt_split_report
    }

    /// Splits `gz` at `share`, checking that it is given back unchanged.
    static func split(_ gz: [UInt8], count: Int, share: Double) -> Outcome {
        var input = gz
        var output = [UInt8](repeating: 0xA5, count: count)
        var report = lt_split_report()
        let status = input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                lt_split_inflate_gzip(i.baseAddress, i.count, o.baseAddress, o.count, share, &report)
            }
        }
        let restored = input == gz
        #expect(restored, "the compressed bytes were not restored")
        return Outcome(status: status, output: output, report: report)
    }

    struct Case: CustomStringConvertible, Sendable {
        var kind: Kind
        var compressor: Compressor
        var seed: UInt64
        var description: String { "\(kind) by \(compressor), seed \(seed)" }
    }

    static let cases: [Case] = {
        let compressors: [Compressor] = [
            .libdeflate(1), .libdeflate(6), .libdeflate(12), .gzipProgram(["-1"]), .gzipProgram(["-9", "-n"]),
        ]
        var list: [Case] = []
        for (n, kind) in Kind.allCases.enumerated() {
            for (m, compressor) in compressors.enumerated() where (n + m) % 2 == 0 || kind == .floatNoise {
                list.append(Case(kind: kind, compressor: compressor, seed: UInt64(10 * n + m)))
            }
        }
        return list
    }()

    @Test("the two parts give the input back byte for byte, at three split points", arguments: cases)
    func equalsInput(_ c: Case) throws {
        let data = Self.data(c.kind, count: 2 << 20, seed: c.seed)
        let gz = try Self.compress(data, c.compressor)
        for share in [0.3, 0.55, 0.8] {
            let result = Self.split(gz, count: data.count, share: share)
            #expect(result.status == 0, "\(c) at \(share): declined")
            guard result.status == 0 else { continue }
            let same = result.output == data
            #expect(same, "\(c) at \(share)")
            let r = result.report
            #expect(Int(r.first_bytes + r.second_bytes) == data.count)
            #expect(r.reinflated_bytes <= r.second_bytes)
            // The boundary lies at or after the share asked for; on these data within 256 KiB of it
            // (320 KiB are searched).
            let asked = Double(gz.count) * share
            #expect(Double(r.boundary_bit / 8) >= asked - 64 && Double(r.boundary_bit / 8) <= asked + Double(256 << 10) + 64)
        }
    }

    /// Where the true window matters beyond its 32 KiB, the second part is inflated again as far as
    /// it does: by zlib into the noise after the chain when that is near, else whole by libdeflate.
    @Test("the second part is inflated again as far as the window reaches")
    func reinflation() throws {
        let count = 2 << 20
        var near = 0
        for compressor in [Compressor.libdeflate(6), .gzipProgram(["-9"])] {
            near += try Self.reinflation(compressor, count: count)
        }
        // libdeflate's blocks in the chain lie too far from its end: gzip's give such splits.
        #expect(near > 0, "no split point fell near the end of the chain")
    }

    /// The splits of `reinflation` near the end of the chain.
    static func reinflation(_ compressor: Compressor, count: Int) throws -> Int {
        let chain = Self.data(.chain, count: count, seed: 41)
        let chainGz = try Self.compress(chain, compressor)
        for share in [0.2, 0.5, 0.8] {
            let result = Self.split(chainGz, count: count, share: share)
            #expect(result.status == 0)
            let same = result.output == chain
            #expect(same)
            #expect(result.report.reinflated_bytes == result.report.second_bytes, "\(compressor) at \(share)")
        }
        let mixed = Self.data(.chainInNoise, count: count, seed: 42)
        let chainStart = (count - Self.chainBytes) / 8 * 4
        let chainEnd = chainStart + Self.chainBytes
        let mixedGz = try Self.compress(mixed, compressor)
        var near = 0, declined = 0
        let shares = Array(stride(from: 0.4, through: 0.6, by: 0.005))
        for share in shares {
            let result = Self.split(mixedGz, count: count, share: share)
            // A split may be declined: no block boundary within the 320 KiB searched.
            guard result.status == 0 else {
                declined += 1
                continue
            }
            let same = result.output == mixed
            #expect(same, "\(compressor) at \(share)")
            let r = result.report
            let first = Int(r.first_bytes), again = Int(r.reinflated_bytes)
            if first >= chainEnd {
                // In the noise after the chain, the stand-in stops mattering within a few chunks.
                #expect(again <= 128 << 10, "\(compressor) at \(share): \(again)")
            }
            guard first > chainStart && first < chainEnd else { continue }
            if chainEnd - first < 160 << 10 {
                near += 1
                #expect(first + again >= chainEnd && again < Int(r.second_bytes), "\(compressor) at \(share)")
            } else if chainEnd - first > 256 << 10 {
                #expect(again == Int(r.second_bytes), "\(compressor) at \(share)")
            }
        }
        #expect(declined <= shares.count / 10, "\(compressor): \(declined) of \(shares.count) declined")
        return near
    }

    /// The gzip header fields libdeflate reads (FEXTRA, FNAME, FCOMMENT, FHCRC) are skipped too.
    @Test("header fields before the data: extra field, name, comment, header CRC")
    func headerFields() throws {
        let data = Self.data(.floatNoise, count: 2 << 20, seed: 77)
        let plain = try Self.compress(data, .libdeflate(6))
        // libdeflate writes a 10-byte header without flags: insert each field after it.
        let body = Array(plain[10...])
        let extra: [UInt8] = [6, 0, 0x4c, 0x54, 2, 0, 1, 2]
        let name = Array("scan.nii".utf8) + [0]
        let comment = Array("a comment".utf8) + [0]
        var header = Array(plain[0..<10])
        header[3] = 4 | 8 | 16 | 2
        let crc = Self.crc32(header + extra + name + comment)
        let gz = header + extra + name + comment + [UInt8(crc & 0xff), UInt8(crc >> 8 & 0xff)] + body
        let result = Self.split(gz, count: data.count, share: 0.5)
        #expect(result.status == 0)
        let same = result.output == data
        #expect(same)
        // The one-piece reader agrees that the file is valid.
        #expect(Self.onePiece(gz, count: data.count) == nil)
    }

    /// CRC-32 (IEEE 802.3, as gzip), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The one-piece verdict of `GzipFile.inflate`.
    static func onePiece(_ gz: [UInt8], count: Int) -> String? {
        let directory = try! Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/one.gz"
        try! Data(gz).write(to: URL(fileURLWithPath: path))
        let file = try! GzipFile(path: path, expectedBytes: gz.count)
        var out = [UInt8](repeating: 0, count: count)
        return out.withUnsafeMutableBytes { file.inflate(into: $0.baseAddress!, count: count) }
    }

    @Test("damaged or unusual files are declined, the bytes restored, and the one-piece reader decides")
    func declined() throws {
        let data = Self.data(.floatNoise, count: 2 << 20, seed: 5)
        let gz = try Self.compress(data, .libdeflate(6))
        let count = data.count
        var damaged: [(String, [UInt8], Int)] = [
            (
                "CRC flipped",
                {
                    var b = gz; b[b.count - 8] ^= 1; return b
                }(), count
            ),
            ("ISIZE one more", gz, count + 1),
            ("ISIZE one less", gz, count - 1),
            ("truncated by 100 bytes", Array(gz.dropLast(100)), count),
            ("a second member", gz + gz, count),
            ("zeros appended", gz + [0, 0, 0, 0], count),
            ("stored blocks only (level 0)", data.withUnsafeBytes { GzipFile.compress($0, level: 0)! }, count),
            ("too small to split", try Self.compress(Self.data(.floatNoise, count: 100_000, seed: 1), .libdeflate(6)), 100_000),
        ]
        var rng = SeededGenerator(seed: 99)
        for n in 0..<8 {
            var b = gz
            // One byte changed in the first part, the second, or the boundary search's range.
            let at = [Int.random(in: 20..<(b.count / 2), using: &rng), Int.random(in: (b.count / 2)..<(b.count - 8), using: &rng)][n % 2]
            b[at] ^= UInt8.random(in: 1...255, using: &rng)
            damaged.append(("byte \(at) changed", b, count))
        }
        for (name, bytes, size) in damaged {
            let result = Self.split(bytes, count: size, share: 0.55)
            #expect(result.status == 1, "\(name): accepted")
            if name.hasPrefix("byte") || name.hasPrefix("CRC") || name.hasPrefix("truncated") {
                #expect(Self.onePiece(bytes, count: size) != nil, "\(name): the one-piece reader accepts it")
            }
        }
        // Valid files the split declines are still read in one piece.
        #expect(Self.onePiece(damaged[6].1, count: count) == nil)
    }

    /// The block-header search finds the boundary the split used when started just before it, and
    /// nothing in a range of zero bytes.
    @Test("the block search returns the first header at or after its start")
    func search() throws {
        let data = Self.data(.text, count: 2 << 20, seed: 3)
        let gz = try Self.compress(data, .libdeflate(9))
        let result = Self.split(gz, count: data.count, share: 0.4)
        try #require(result.status == 0)
        let boundary = result.report.boundary_bit
        let found = gz.withUnsafeBufferPointer { lt_deflate_find_dynamic_block($0.baseAddress, $0.count, boundary - 5, boundary + 100) }
        #expect(found == boundary)
        let none = [UInt8](repeating: 0, count: 4096)
        #expect(none.withUnsafeBufferPointer { lt_deflate_find_dynamic_block($0.baseAddress, $0.count, 0, 4096 * 8) } == UInt64.max)
    }

    /// Through `NIfTIReader`: a .nii.gz of 9.8 MB (over `GzipFile.splitMinimumBytes`) reads the
    /// same on two threads as on one and through zlib's streams, and a damaged copy fails the same.
    @Test("a large .nii.gz reads the same on two threads as on one, and a damaged one fails the same")
    func throughTheReader() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let size = GridSize(160, 192, 80)
        let values = Self.data(.floatNoise, count: size.voxelCount * 4, seed: 8).withUnsafeBytes {
            Array($0.bindMemory(to: Float.self))
        }
        let volume = Volume(size: size, voxels: values)
        #expect(size.voxelCount * 4 > GzipFile.splitMinimumBytes)
        for (name, gzip) in [("libdeflate", NIfTIWriter.GzipWriting.libdeflate(level: 6)), ("zlib", .zlib)] {
            let path = directory + "/\(name).nii.gz"
            try NIfTIWriter.writeIntensities(
                volume, like: ScanHeader.synthetic(path: path, grid: size), to: path, description: "split", gzip: gzip)
            var outcomes: [String] = []
            for threads in [1, 2] {
                var reader = NIfTIReader()
                reader.inflateThreads = threads
                var stages = NIfTIReader.Stages()
                let scan = try reader.read(path, stages: &stages)
                guard case .float32(let read) = scan.voxels else {
                    Issue.record("\(name): not float32")
                    continue
                }
                let same = read.voxels == values
                #expect(same, "\(name), \(threads) threads")
                outcomes.append("\(scan.header)")
                #expect(stages.streamedBecause == nil)
                #expect((stages.split != nil) == (threads == 2), "\(name), \(threads) threads")
                if let split = stages.split { #expect(split.firstBytes + split.secondBytes == 352 + size.voxelCount * 4) }
            }
            #expect(outcomes.count == 2 && outcomes[0] == outcomes[1])

            // One byte changed three quarters of the way in: the CRC check fails on both threads,
            // and libdeflate's one-piece verdict sends the file to zlib's streams, which fail too.
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count * 3 / 4] ^= 0x10
            let damaged = directory + "/damaged-\(name).nii.gz"
            try Data(bytes).write(to: URL(fileURLWithPath: damaged))
            var errors: [String] = []
            for threads in [1, 2] {
                var reader = NIfTIReader()
                reader.inflateThreads = threads
                do {
                    _ = try reader.read(damaged)
                    Issue.record("\(name): the damaged file read on \(threads) threads")
                } catch {
                    errors.append(error.description)
                }
            }
            #expect(errors.count == 2 && errors[0] == errors[1], "\(errors)")
        }
    }
}
