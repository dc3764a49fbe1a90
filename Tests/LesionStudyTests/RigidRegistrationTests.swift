import Foundation
import LesionEngines
import LesionIO
import LesionKernels
import StudyTestSupport
import Testing
import TestSupport

@testable import LesionStudy

/// A smooth synthetic head with asymmetric inner structure, and rigid world transforms.
enum SyntheticHead {
    /// The head's intensity at a point (mm, subject space): an ellipsoid with off-centre blobs,
    /// so no rotation or mirror maps it onto itself.
    static func value(_ x: Double, _ y: Double, _ z: Double, other: Bool = false) -> Double {
        let inside = (x / 44) * (x / 44) + (y / 54) * (y / 54) + (z / 40) * (z / 40)
        guard inside < 1 else { return 0 }
        let blobs: [(Double, Double, Double, Double, Double)] =
            other
            ? [(-14, 12, -6, 9, 320), (16, -10, 8, 7, 220), (0, -22, 12, 10, -70), (-8, 26, 4, 5, 160)]
            : [(12, 10, 5, 8, 300), (-15, -8, 10, 6, 200), (0, 20, -10, 10, -80), (5, -25, -5, 5, 150)]
        var sum = 100 + 40 * (1 - inside)
        for (cx, cy, cz, sigma, height) in blobs {
            let d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz)
            sum += height * exp(-d2 / (2 * sigma * sigma))
        }
        return sum
    }

    /// A rotation by angles in degrees about x, then y, then z (world axes), with a shift in mm.
    static func rigid(degrees: (Double, Double, Double), shiftMM: (Double, Double, Double)) -> Affine {
        let (a, b, c) = (degrees.0 * .pi / 180, degrees.1 * .pi / 180, degrees.2 * .pi / 180)
        let rx = Affine(rows: [[1, 0, 0, 0], [0, cos(a), -sin(a), 0], [0, sin(a), cos(a), 0]])
        let ry = Affine(rows: [[cos(b), 0, sin(b), 0], [0, 1, 0, 0], [-sin(b), 0, cos(b), 0]])
        let rz = Affine(rows: [[cos(c), -sin(c), 0, 0], [sin(c), cos(c), 0, 0], [0, 0, 1, 0]])
        let shift = Affine(rows: [[1, 0, 0, shiftMM.0], [0, 1, 0, shiftMM.1], [0, 0, 1, shiftMM.2]])
        return shift.concatenating(rz.concatenating(ry.concatenating(rx)))
    }

    /// A 2 mm grid over the head, its world placed by `subjectToWorld`; `mirrored` flips the
    /// data left-right without telling the header.
    static func write(
        _ path: String, subjectToWorld: Affine, other: Bool = false, mirrored: Bool = false, size: GridSize = GridSize(52, 60, 46),
        lesions: Bool = false
    ) throws {
        let voxelToSubject = Affine(rows: [[2, 0, 0, -51], [0, 2, 0, -59], [0, 0, 2, -45]])
        var voxels: [Double] = []
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx {
                    let p = voxelToSubject.apply(VoxelIndex(i, j, k))
                    if lesions {
                        voxels.append(Self.lesionCentres.contains { c in Self.distance(p, c.0) < c.1 } ? 1 : 0)
                    } else {
                        voxels.append(value(mirrored ? -p.x : p.x, p.y, p.z, other: other))
                    }
                }
            }
        }
        try ElastixInput.write(Volume(size: size, voxels: voxels), affine: subjectToWorld.concatenating(voxelToSubject), to: path)
    }

    /// Two lesions (centre in subject space, radius in mm), in the white matter of every visit.
    static let lesionCentres: [((Double, Double, Double), Double)] = [((10, -10, 8), 6), ((-12, 15, -5), 5)]

    static func distance(_ p: WorldPoint, _ c: (Double, Double, Double)) -> Double {
        ((p.x - c.0) * (p.x - c.0) + (p.y - c.1) * (p.y - c.1) + (p.z - c.2) * (p.z - c.2)).squareRoot()
    }

    /// RMS distance in mm between where two transforms put the points of the head, and the angle
    /// in degrees of the rotation between them.
    static func error(_ found: Affine, _ truth: Affine) -> (rmsMM: Double, degrees: Double) {
        var sum = 0.0, count = 0
        for x in stride(from: -40.0, through: 40, by: 8) {
            for y in stride(from: -50.0, through: 50, by: 8) {
                for z in stride(from: -36.0, through: 36, by: 8) where value(x, y, z) > 0 {
                    let a = found.apply(VoxelCoordinate(x, y, z)), b = truth.apply(VoxelCoordinate(x, y, z))
                    sum += (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)
                    count += 1
                }
            }
        }
        let difference = found.concatenating(truth.inverse!)
        let trace = difference.rows[0][0] + difference.rows[1][1] + difference.rows[2][2]
        let degrees = acos(min(1, max(-1, (trace - 1) / 2))) * 180 / .pi
        return ((sum / Double(count)).squareRoot(), degrees)
    }
}

@Suite(
    "Rigid registration through elastix: direction, LPS handling, flips refused",
    .enabled(if: ChildProcess.locate("elastix") != nil, "elastix is not on PATH: .ci/install installs Debian's elastix"))
struct RigidRegistrationTests {
    @Test("a known rotation and shift is recovered as the fixed-to-moving world map, within 0.5 mm RMS and 0.5°")
    func knownTransform() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixedPose = SyntheticHead.rigid(degrees: (0, 0, 0), shiftMM: (0, 0, 0))
        let movingPose = SyntheticHead.rigid(degrees: (5, -3, 10), shiftMM: (6, -4, 3))
        try SyntheticHead.write(folder + "/fixed.nii", subjectToWorld: fixedPose)
        try SyntheticHead.write(folder + "/moving.nii", subjectToWorld: movingPose)
        let engine = try RigidRegistration(parameterBytes: BuiltInFile.rigidRegistration.bytes, threads: 2, reader: NIfTIReader())
        let result = try engine.register(fixed: folder + "/fixed.nii", moving: folder + "/moving.nii", mirrorCheck: true)
        // Fixed world → subject → moving world.
        let truth = movingPose.concatenating(fixedPose.inverse!)
        let (rms, degrees) = SyntheticHead.error(result.transform, truth)
        print("synthetic head, 2 mm: \(rms) mm RMS, \(degrees)°, \(engine.engineSeconds) s in elastix (two registrations)")
        #expect(rms < 0.5)
        #expect(degrees < 0.5)
        // The inverse (moving → fixed) is far off: the direction is not ambiguous.
        #expect(SyntheticHead.error(result.transform.inverse!, truth).rmsMM > 5)
        #expect(result.after.correlation > 0.95)
        #expect(result.before.correlation < result.after.correlation)
        // The mirrored image cannot fit as well as the image itself.
        #expect(result.mirrored!.correlation < result.after.correlation - 0.05)
    }

    /// Expected: a translation of 2 mm to the right (elastix's LPS: −2 along x) with nearest
    /// neighbour maps output voxel (i, j, k) to input voxel (i + 1, j, k) on a 2 mm RAS grid; the
    /// values are copied exactly, and the last column, outside the input, is the default 0.
    @Test("transformix carries an image through a transform file: exact nearest values, 0 outside; errors name the files")
    func transformix() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let size = GridSize(8, 6, 5)
        let input = Volume(size: size, voxels: (0..<size.voxelCount).map { Double(($0 * 37) % 251 + 1) })
        try ElastixInput.write(input, affine: .spacing(2, 2, 2), to: folder + "/input.nii")
        let transform = """
            (Transform "TranslationTransform")
            (NumberOfParameters 3)
            (TransformParameters -2 0 0)
            (InitialTransformParametersFileName "NoInitialTransform")
            (HowToCombineTransforms "Compose")
            (FixedImageDimension 3)
            (MovingImageDimension 3)
            (FixedInternalImagePixelType "float")
            (MovingInternalImagePixelType "float")
            (Size 8 6 5)
            (Index 0 0 0)
            (Spacing 2 2 2)
            (Origin 0 0 0)
            (Direction -1 0 0 0 -1 0 0 0 1)
            (UseDirectionCosines "true")
            (ResampleInterpolator "FinalBSplineInterpolator")
            (FinalBSplineInterpolationOrder 0)
            (Resampler "DefaultResampler")
            (DefaultPixelValue 0)
            (ResultImageFormat "nii")
            (ResultImagePixelType "float")
            """
        try AtomicFile.write(Array(transform.utf8), to: folder + "/transform.txt")
        let engine = try Elastix.locate()
        let result = try engine.transform(
            image: folder + "/input.nii", transformFile: folder + "/transform.txt", outputFolder: folder + "/out", threads: 2)
        #expect(result == folder + "/out/result.nii")
        let output = ScaledVolume.of(try NIfTIReader().read(result))
        #expect(output.size == size)
        var wrong = 0
        for k in 0..<size.nz {
            for j in 0..<size.ny {
                for i in 0..<size.nx where output[i, j, k] != (i + 1 < size.nx ? input[i + 1, j, k] : 0) { wrong += 1 }
            }
        }
        #expect(wrong == 0)
        let missing = folder + "/absent.txt"
        do {
            _ = try engine.transform(image: folder + "/input.nii", transformFile: missing, outputFolder: folder + "/bad", threads: 1)
            Issue.record("a missing transform file was not refused")
        } catch {
            #expect(error.problem.contains(missing) && error.problem.contains("input.nii") && error.program.hasSuffix("transformix"))
        }
    }

    @Test("an image flipped left-right in its data but not its header fits better mirrored: refused, naming both files")
    func flipped() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try SyntheticHead.write(folder + "/fixed.nii", subjectToWorld: SyntheticHead.rigid(degrees: (0, 0, 0), shiftMM: (0, 0, 0)))
        try SyntheticHead.write(
            folder + "/moving.nii", subjectToWorld: SyntheticHead.rigid(degrees: (0, 0, 6), shiftMM: (3, 0, 0)), mirrored: true)
        let engine = try RigidRegistration(parameterBytes: BuiltInFile.rigidRegistration.bytes, threads: 2, reader: NIfTIReader())
        let result = try engine.register(fixed: folder + "/fixed.nii", moving: folder + "/moving.nii", mirrorCheck: true)
        #expect(result.mirrored!.correlation > result.after.correlation + 0.05)
        let alignment = VisitAlignment(
            settings: .standard, context: .standalone, reader: NIfTIReader(), participantID: nil, sameGridToleranceMM: 0.01)
        do {
            try alignment.check(result, sameContrast: true)
            Issue.record("a flipped image was accepted")
        } catch {
            #expect(error.path == folder + "/moving.nii")
            #expect(error.problem.contains("fits \(folder)/fixed.nii better mirrored left-right"))
            #expect(error.problem.contains("registration_qc.max_mirror_advantage"))
        }
    }
}
