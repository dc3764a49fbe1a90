import Foundation
@testable import LesionIO
import LesionKernels
import Testing
import TestSupport

/// A label map encoded from its runs inflates to exactly the bytes of the painted map's file.
@Suite("Writing label maps from runs")
struct LabelRunsWritingTests {
    /// The whole uncompressed content of a gzip file, inflated by libdeflate (CRC and ISIZE checked).
    static func inflated(_ path: String) throws -> [UInt8] {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try GzipFile(path: path, expectedBytes: bytes.count)
        let count = Int(try #require(file.trailerSize))
        var out = [UInt8](repeating: 0xAA, count: count)
        let failure = out.withUnsafeMutableBytes { file.inflate(into: $0.baseAddress!, count: count) }
        #expect(failure == nil, "\(failure ?? "")")
        return out
    }

    @Test("runs of random label maps, some dropped, write the painted map's bytes", arguments: 0..<16)
    func randomMaps(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(300 + seed))
        let size = [GridSize(1, 1, 1), GridSize(7, 5, 3), GridSize(40, 30, 20), GridSize(182, 9, 4)][seed % 4]
        var labels = [Int32](repeating: 0, count: size.voxelCount)
        let lesions = Int.random(in: 0...60, using: &rng)
        for label in stride(from: 1, through: lesions, by: 1) {
            let start = Int.random(in: 0..<size.voxelCount, using: &rng)
            let length = Int.random(in: 1...[1, 5, 300][Int.random(in: 0..<3, using: &rng)], using: &rng)
            for n in start..<min(size.voxelCount, start + length) { labels[n] = Int32(label) }
        }
        let map = LabelMap(labels: Volume(size: size, voxels: labels), count: lesions)
        var runs = LabelRuns(map)
        // Runs of lesions below a size floor carry label 0 and are background.
        for n in 0..<runs.runCount where Int.random(in: 0..<5, using: &rng) == 0 { runs.labels[n] = 0 }
        // Above 65535 lesions the map is int32.
        let count = seed % 3 == 2 ? 70_000 : lesions
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let header = ScanHeader.synthetic(path: directory + "/source.nii", grid: size)
        let fromRuns = directory + "/runs.nii.gz"
        let painted = directory + "/painted.nii.gz"
        try NIfTIWriter.writeLabels(runs, count: count, like: header, to: fromRuns, description: "labels")
        try NIfTIWriter.writeLabels(runs.labelMap(count: count), like: header, to: painted, description: "labels")
        let expected = try Self.inflated(painted)
        #expect(try Self.inflated(fromRuns) == expected)
        #expect(expected.count == 352 + size.voxelCount * (count > 65535 ? 4 : 2))
        // zlib's streams read it as libdeflate does.
        for reading in NIfTIReader.GzipReading.allCases {
            let scan = try NIfTIReader(gzipReading: reading).read(fromRuns)
            let back: [Int32]
            switch scan.voxels {
            case .uint16(let v): back = v.voxels.map(Int32.init)
            case .int32(let v): back = v.voxels
            default:
                Issue.record("datatype \(scan.header.datatype.name)")
                continue
            }
            #expect(back == runs.labelMap(count: count).labels.voxels, "\(reading)")
        }
    }

    @Test("a plain .nii and the zlib writer paint the map as before")
    func otherOutputs() throws {
        let size = GridSize(9, 4, 3)
        var labels = [Int32](repeating: 0, count: size.voxelCount)
        for n in 10..<20 { labels[n] = 1 }
        let runs = LabelRuns(LabelMap(labels: Volume(size: size, voxels: labels), count: 1))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let header = ScanHeader.synthetic(path: directory + "/source.nii", grid: size)
        for (name, gzip) in [("plain.nii", NIfTIWriter.GzipWriting.runs), ("zlib.nii.gz", .zlib)] {
            try NIfTIWriter.writeLabels(runs, count: 1, like: header, to: directory + "/" + name, description: "l", gzip: gzip)
            guard case .uint16(let v) = try NIfTIReader().read(directory + "/" + name).voxels else {
                Issue.record("not uint16")
                continue
            }
            #expect(v.voxels.map(Int32.init) == labels)
        }
    }
}
