import LesionKernels

/// Lesion-wise detection of a test segmentation against a reference, by the rule of
/// animaSegPerfAnalyzer (Anima), the MSSEG-2 evaluation.
///
/// Both maps are labelled beforehand (Anima: 6-connectivity, components strictly larger than
/// 3 mm³; smaller components count as background). For each reference lesion r, of size |r|:
/// 1. covered = voxels of r inside test lesions; r is missed when covered / |r| ≤ α;
/// 2. the test lesions overlapping r are taken by decreasing overlap (ties: lower label first);
///    before each, if those already taken account for ≥ γ of `covered`, r is detected; otherwise
///    the test lesion t is examined: r is missed when more than β of t's voxels lie outside every
///    reference lesion; else its overlap with r is added.
/// 3. r is detected when the loop ends without a miss.
/// Sensitivity = detected reference lesions / reference lesions. PPV runs the same test with
/// the maps swapped: detected test lesions / test lesions. F1 = 2·PPV·sensitivity / (PPV + sensitivity).
///
/// One difference from Anima's code: its loop also stops after as many test lesions as there are
/// reference labels (background included), which can call a lesion detected before γ is reached
/// when one reference lesion is split among many test lesions; here every overlapping lesion is
/// examined until γ is reached, as the rule is published.
public struct LesionwiseEvaluation: Sendable {
    /// Why a lesion was or was not detected.
    public enum Outcome: Sendable, Equatable {
        case detected
        /// Covered fraction ≤ α.
        case tooLittleCovered
        /// The covering lesion with this label has more than β of its voxels outside.
        case coveringLesionOutside(label: Int, outsideFraction: Double)
    }

    /// One lesion of either map and its outcome.
    public struct LesionResult: Sendable, Equatable {
        public let label: Int
        public let voxelCount: Int
        /// Voxels covered by the other map's lesions / voxelCount.
        public let coveredFraction: Double
        public let outcome: Outcome

        public var isDetected: Bool { outcome == .detected }
    }

    public let criteria: DetectionCriteria
    public let reference: [LesionResult]
    public let test: [LesionResult]

    public init(reference: LabelMap, test: LabelMap, criteria: DetectionCriteria) {
        let table = OverlapTable(reference, test)
        self.criteria = criteria
        self.reference = Self.detect(table, criteria)
        self.test = Self.detect(table.transposed(), criteria)
    }

    /// The first map's lesions, each tested against the second map's.
    private static func detect(_ table: OverlapTable, _ c: DetectionCriteria) -> [LesionResult] {
        stride(from: 1, through: table.firstCount, by: 1).map { r in
            let size = table.firstSizes[r]
            let covering = table.partners(ofFirst: r).map { (label: $0, voxels: table.voxels(r, $0)) }
                .sorted { $0.voxels != $1.voxels ? $0.voxels > $1.voxels : $0.label < $1.label }
            let covered = covering.reduce(0) { $0 + $1.voxels }
            let fraction = Double(covered) / Double(size)
            guard fraction > c.alpha else {
                return LesionResult(label: r, voxelCount: size, coveredFraction: fraction, outcome: .tooLittleCovered)
            }
            var accounted = 0
            for t in covering {
                if Double(accounted) / Double(covered) >= c.gamma { break }
                let outside = Double(table.voxels(0, t.label)) / Double(table.secondSizes[t.label])
                if outside > c.beta {
                    return LesionResult(
                        label: r, voxelCount: size, coveredFraction: fraction,
                        outcome: .coveringLesionOutside(label: t.label, outsideFraction: outside))
                }
                accounted += t.voxels
            }
            return LesionResult(label: r, voxelCount: size, coveredFraction: fraction, outcome: .detected)
        }
    }

    public var detectedReferenceLesions: Int { reference.filter(\.isDetected).count }
    public var detectedTestLesions: Int { test.filter(\.isDetected).count }

    /// Detected reference lesions / reference lesions; nil without reference lesions.
    public var sensitivity: Double? {
        reference.isEmpty ? nil : Double(detectedReferenceLesions) / Double(reference.count)
    }

    /// Detected test lesions / test lesions; nil without test lesions.
    public var positivePredictiveValue: Double? {
        test.isEmpty ? nil : Double(detectedTestLesions) / Double(test.count)
    }

    /// The harmonic mean of PPV and sensitivity; 0 when both are 0, nil when either is undefined.
    public var f1: Double? {
        guard let p = positivePredictiveValue, let s = sensitivity else { return nil }
        return p + s == 0 ? 0 : 2 * p * s / (p + s)
    }
}
