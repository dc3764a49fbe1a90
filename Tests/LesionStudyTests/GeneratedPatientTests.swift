import Foundation
import LesionIO
import LesionKernels
import LesionLongitudinal
import LesionStudy
import StudyTestSupport
import Testing
import TestSupport

@Suite("A generated patient over four visits: states, IDs and counts")
struct GeneratedPatientTests {
    /// The standard pipeline with the reader's floor off: these tests follow every lesion, H
    /// included (2.83 mm at baseline; `readerFloor` tests the floor).
    static let unfloored: Pipeline = {
        var p = Pipeline.standard
        p.floor.minimumReaderLengthMM = 0
        return p
    }()
    let pipeline = PipelineFile(path: "built-in", sha256: "", pipeline: unfloored)

    func run(_ body: (String, LongitudinalRun) throws -> Void) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try GeneratedPatient.write(into: root)
        try body(root, try LongitudinalRun.patient(root, pipeline: pipeline, reader: NIfTIReader()))
    }

    @Test("every lesion's state at every visit, and the IDs that carry them")
    func states() throws {
        try run { _, run in
            func history(_ id: Int) -> [String] {
                run.ledger.history(of: LesionID(id)).map { "\($0.visit + 1):\($0.state.rawValue)" }
            }
            #expect(history(1) == ["1:baseline", "2:stable", "3:stable", "4:stable"])  // A
            #expect(history(2) == ["1:baseline", "2:enlarging", "3:stable", "4:shrinking"])  // B
            #expect(history(3) == ["1:baseline", "2:resolved"])  // C
            #expect(history(4) == ["1:baseline", "2:stable", "3:stable", "4:stable"])  // H: ×2 but +4 mm³
            #expect(history(5) == ["1:baseline", "2:enlarging", "3:stable", "4:stable"])  // I: ×1.25, +16 mm³ in one piece: confluent
            #expect(history(6) == ["1:baseline", "2:stable", "3:merged", "4:stable"])  // E keeps its ID
            #expect(history(7) == ["1:baseline", "2:stable", "3:absorbed"])  // F
            #expect(history(8) == ["1:baseline", "2:enlarging", "3:stable", "4:stable"])  // J: ×1.5 exactly
            #expect(history(9) == ["1:baseline", "2:stable", "3:split", "4:stable"])  // G, larger part
            #expect(history(10) == ["2:new", "3:stable", "4:stable"])  // D
            #expect(history(11) == ["3:split", "4:stable"])  // G's smaller part
            #expect(history(12) == ["4:new"])  // K
            #expect(Set(run.ledger.rows.map(\.id.value)) == Set(1...12))
        }
    }

    @Test("volumes, links between IDs and enhancement")
    func ledgerDetails() throws {
        try run { _, run in
            func entry(_ id: Int, _ visit: Int) -> LedgerEntry {
                run.ledger.history(of: LesionID(id)).first { $0.visit == visit - 1 }!
            }
            #expect(entry(2, 1).volumeMM3 == 18 && entry(2, 2).volumeMM3 == 36 && entry(2, 4).volumeMM3 == 18)
            #expect(entry(2, 2).previousVolumeMM3 == 18 && entry(2, 2).volumeRatio == 2)
            #expect(entry(2, 4).volumeRatio == 0.5)
            #expect(entry(8, 2).volumeRatio == 1.5)
            let merged = entry(6, 3)
            #expect(merged.volumeMM3 == 72 && merged.previousVolumeMM3 == 63)
            #expect(merged.previousIDs == [LesionID(6), LesionID(7)])
            #expect(entry(7, 3).mergedInto == [LesionID(6)] && entry(7, 3).volumeMM3 == 0 && entry(7, 3).label == nil)
            #expect(entry(9, 3).volumeMM3 == 45 && entry(9, 3).splitFrom == nil && entry(9, 3).previousIDs == [LesionID(9)])
            #expect(entry(11, 3).volumeMM3 == 27 && entry(11, 3).splitFrom == LesionID(9))
            #expect(entry(3, 2).previousVolumeMM3 == 27)
            // Enhancement: D at visit 2 (partly covered by a Gd+ lesion), the merged lesion at visit 3.
            #expect(run.ledger.entries(atVisit: 1).filter { $0.enhancing == true }.map(\.id) == [LesionID(10)])
            #expect(run.ledger.entries(atVisit: 1).filter { $0.state.isPresent }.allSatisfy { $0.enhancing != nil })
            #expect(run.ledger.entries(atVisit: 2).filter { $0.enhancing == true }.map(\.id) == [LesionID(6)])
            #expect(run.ledger.entries(atVisit: 0).allSatisfy { $0.enhancing == nil })
            // Centroids are on the baseline grid whatever the visit's own grid: A at voxel (4, 4, 4).
            for visit in 1...4 { #expect(entry(1, visit).lesion?.centroidMM == WorldPoint(-16, -16, -6)) }
        }
    }

    @Test("per-visit counts")
    func counts() throws {
        try run { _, run in
            let c = run.ledger.counts
            #expect(c.map(\.t2Lesions) == [9, 9, 9, 10])
            #expect(c.map(\.t2VolumeMM3) == [314, 367, 367, 376])
            #expect(c.map(\.newT2) == [nil, 1, 0, 1])
            #expect(c.map(\.enlargingT2) == [nil, 3, 0, 0])
            #expect(c.map(\.confluentT2) == [nil, 3, 0, 0])  // B, I and J grow by one slab of 18, 16 and 15 mm³
            #expect(c.map(\.newOrEnlargingT2) == [nil, 4, 0, 1])
            #expect(c.map(\.stableT2) == [nil, 5, 6, 8])
            #expect(c.map(\.recurrentT2) == [nil, 0, 0, 0] && c.map(\.activeMergedSplitT2) == [nil, 0, 0, 0])
            #expect(c.map(\.shrinkingT2) == [nil, 0, 0, 1])
            #expect(c.map(\.mergedT2) == [nil, 0, 1, 0])
            #expect(c.map(\.splitT2) == [nil, 0, 2, 0])
            #expect(c.map(\.resolvedT2) == [nil, 1, 0, 0])
            #expect(c.map(\.absorbedT2) == [nil, 0, 1, 0])
            #expect(c.map(\.gdLesions) == [nil, 2, 1, nil])
            #expect(c.map(\.enhancingT2) == [nil, 1, 1, nil])
        }
    }

    @Test("each visit's grid: the baseline, the same grid, a finer grid and a shifted one, resampled")
    func grids() throws {
        try run { root, run in
            #expect(run.visits.map(\.inputs.session) == GeneratedPatient.sessions)
            #expect(
                run.visits.map(\.t2Fit) == [
                    .reference, .same(displacementMM: 0), .resampled(method: .nearest, coverage: 1),
                    .resampled(method: .nearest, coverage: 0.92625),
                ])
            #expect(run.visits.map(\.resampled) == [false, false, true, true])
            #expect(run.visits.map(\.brainMaskDice) == [nil, 1, 1, 2.0 * 37 / 75])
            #expect(run.reference.path == GeneratedPatient.t2File(root: root, visit: 0))
            #expect(run.visitOrder.hasPrefix("acq_time in "))
        }
    }

    @Test("a 3 mm reader's floor: H (2 × 2 voxels, 2.83 mm) is no lesion at baseline; at 2 × 4 (4.43 mm) it is new")
    func readerFloor() throws {
        var floored = Pipeline.standard
        floored.floor.minimumReaderLengthMM = 3
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try GeneratedPatient.write(into: root)
        let run = try LongitudinalRun.patient(
            root, pipeline: PipelineFile(path: "floored", sha256: "", pipeline: floored), reader: NIfTIReader())
        let c = run.ledger.counts
        #expect(c.map(\.t2Lesions) == [8, 9, 9, 10])
        #expect(c.map(\.newT2) == [nil, 2, 0, 1] && c.map(\.newOrEnlargingT2) == [nil, 5, 0, 1])
        #expect(c.map(\.gdLesions) == [nil, 2, 1, nil])
    }

    @Test("a stricter enlarging ratio and confluent floor in the pipeline change the counts")
    func pipelineChangesCounts() throws {
        var strict = Self.unfloored
        strict.matching.enlargingRatio = 1.6
        strict.matching.minimumConfluentVolumeMM3 = 20
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try GeneratedPatient.write(into: root)
        let run = try LongitudinalRun.patient(
            root, pipeline: PipelineFile(path: "strict", sha256: "", pipeline: strict), reader: NIfTIReader())
        // J (×1.5, a 15 mm³ slab) and I (×1.25, 16 mm³) are no longer enlarging; B (×2) still is.
        #expect(run.ledger.counts[1].enlargingT2 == 1 && run.ledger.counts[1].stableT2 == 7)
        #expect(run.ledger.history(of: LesionID(8))[1].state == .stable)
    }
}
