import LesionLongitudinal

/// Everything known about one follow-up visit, and the features the rules read from it.
///
/// `features()` computes each `Feature` by its definition (`Feature.definition`, and the README's
/// table); a feature that cannot be computed is recorded as missing with the reason. "The largest
/// lesion" is the visit's T2 lesion with the largest extent (ties: the lower ID); without T2
/// lesions its flags are false and its counts 0, as nothing can be large, grow or have satellites.
public struct TimepointInputs: Sendable {
    /// 0-based index of the visit.
    public let visit: Int
    public let counts: VisitCounts
    /// The visit's ledger rows.
    public let entries: [LedgerEntry]
    /// Nil when the image features were not measured.
    public let image: VisitImageFeatures?
    public let clinical: ClinicalRecord
    public let preTreatment: PreTreatmentLevel
    public let growth: ContiguousGrowth

    public init(
        visit: Int, counts: VisitCounts, entries: [LedgerEntry], image: VisitImageFeatures?, clinical: ClinicalRecord,
        preTreatment: PreTreatmentLevel, growth: ContiguousGrowth
    ) {
        precondition(visit > 0, "only follow-up visits are reviewed")
        self.visit = visit
        self.counts = counts
        self.entries = entries
        self.image = image
        self.clinical = clinical
        self.preTreatment = preTreatment
        self.growth = growth
    }

    public func features() -> TimepointFeatures {
        var f = TimepointFeatures()
        countFeatures(&f)
        shapeFeatures(&f)
        timingFeatures(&f)
        clinicalFeatures(&f)
        #if LESIONTRACK_CHECKS
        for feature in Feature.allCases {
            precondition((f[feature] == nil) != (f.missing[feature] == nil), "\(feature.rawValue) is neither set nor missing")
        }
        #endif
        return f
    }

    private func countFeatures(_ f: inout TimepointFeatures) {
        let noGd = "no Gd source at this visit"
        f.set(.t2Lesions, number: Double(counts.t2Lesions), missingBecause: "")
        f.set(.newT2, number: counts.newT2.map(Double.init), missingBecause: "baseline visit")
        f.set(.enlargingT2, number: counts.enlargingT2.map(Double.init), missingBecause: "baseline visit")
        f.set(.newOrEnlargingT2, number: counts.newOrEnlargingT2.map(Double.init), missingBecause: "baseline visit")
        f.set(.gdLesions, number: counts.gdLesions.map(Double.init), missingBecause: noGd)
        f.set(.enhancingT2, number: counts.enhancingT2.map(Double.init), missingBecause: noGd)

        let pre = preTreatment
        f.set(.preNTZGdCount, number: pre.gdCount.map(Double.init), missingBecause: pre.gdSource)
        f.set(.preNTZT2NewCount, number: pre.t2NewCount.map(Double.init), missingBecause: pre.t2NewSource)
        func because(_ parts: [(Int?, String)]) -> String {
            parts.filter { $0.0 == nil }.map(\.1).joined(separator: "; ")
        }
        let gd = counts.gdLesions, active = counts.newOrEnlargingT2
        f.set(
            .gdLesionsAbovePreNTZ, number: both(gd, pre.gdCount).map { Double($0 - $1) },
            missingBecause: because([(gd, noGd), (pre.gdCount, pre.gdSource)]))
        f.set(
            .newT2AbovePreNTZ, number: both(active, pre.t2NewCount).map { Double($0 - $1) },
            missingBecause: because([(active, "baseline visit"), (pre.t2NewCount, pre.t2NewSource)]))
        var ratio: FeatureValue?
        if let gd, let before = pre.gdCount {
            ratio = before == 0 ? .notApplicable : .number(Double(gd) / Double(before))
        }
        f.set(.gdRatioToPreNTZ, ratio, missingBecause: because([(gd, noGd), (pre.gdCount, pre.gdSource)]))
    }

    private func shapeFeatures(_ f: inout TimepointFeatures) {
        let shape: [Feature] = [
            .largestExtentMM, .largeLesions, .contiguousGrowthLesions, .satellites, .largestLesionContiguousGrowth,
            .largestLesionSatellites, .largestLesionCorticalContact, .largestLesionPeriventricular,
            .largestLesionEnhancing, .largestLesionEnhancingRimShare, .newLesionsPeriventricularShare,
            .newLesionsCorticalShare,
        ]
        guard let image else {
            for feature in shape { f.set(feature, nil, missingBecause: "image features were not measured") }
            return
        }
        let present = entries.filter { $0.lesion != nil && $0.label != nil }
        func lesionFeatures(_ e: LedgerEntry) -> LesionImageFeatures { image.lesions[e.label! - 1] }
        let largest = present.max { a, b in
            a.lesion!.largestExtentMM != b.lesion!.largestExtentMM
                ? a.lesion!.largestExtentMM < b.lesion!.largestExtentMM : a.id > b.id
        }
        f.set(.largestExtentMM, number: largest?.lesion!.largestExtentMM ?? 0, missingBecause: "")
        f.set(.largeLesions, number: Double(present.filter { lesionFeatures($0).isLarge }.count), missingBecause: "")
        f.set(.contiguousGrowthLesions, number: Double(present.filter { growth.grew($0) == true }.count), missingBecause: "")
        f.set(.satellites, number: Double(present.filter { lesionFeatures($0).satelliteOf != nil }.count), missingBecause: "")
        f.set(.largestLesionContiguousGrowth, flag: largest.map { growth.grew($0) == true } ?? false, missingBecause: "")
        f.set(.largestLesionSatellites, number: Double(largest.map { lesionFeatures($0).satellites } ?? 0), missingBecause: "")

        let noGreyMatter = "no grey-matter map at this visit or an earlier one"
        let noVentricles = "no ventricle map at this visit or an earlier one"
        let noGd = "no Gd source at this visit"
        f.set(
            .largestLesionCorticalContact, flag: image.hasGreyMatter ? (largest.map { lesionFeatures($0).corticalContact! } ?? false) : nil,
            missingBecause: noGreyMatter)
        f.set(
            .largestLesionPeriventricular, flag: image.hasVentricles ? (largest.map { lesionFeatures($0).periventricular! } ?? false) : nil,
            missingBecause: noVentricles)
        f.set(
            .largestLesionEnhancing, flag: image.hasGd ? (largest.map { lesionFeatures($0).enhancing! } ?? false) : nil,
            missingBecause: noGd)
        var rimShare: FeatureValue?
        if image.hasGd {
            rimShare = largest.flatMap { lesionFeatures($0).enhancement!.enhancingRimShare }.map(FeatureValue.number) ?? .notApplicable
        }
        f.set(.largestLesionEnhancingRimShare, rimShare, missingBecause: noGd)

        let active = present.filter { $0.state == .new || $0.state == .enlarging }
        func share(_ has: Bool, _ touches: (LesionImageFeatures) -> Bool?) -> FeatureValue? {
            guard has else { return nil }
            guard !active.isEmpty else { return .notApplicable }
            return .number(Double(active.filter { touches(lesionFeatures($0)) == true }.count) / Double(active.count))
        }
        f.set(.newLesionsPeriventricularShare, share(image.hasVentricles, \.periventricular), missingBecause: noVentricles)
        f.set(.newLesionsCorticalShare, share(image.hasGreyMatter, \.corticalContact), missingBecause: noGreyMatter)
    }

    private func timingFeatures(_ f: inout TimepointFeatures) {
        let c = clinical
        func because(_ columns: [ClinicalColumn]) -> String {
            columns.compactMap { c.missing[$0] }.joined(separator: "; ")
        }
        func days(_ from: ISODateTime?, _ to: ISODateTime?) -> Double? {
            guard let from, let to else { return nil }
            return to.days(since: from)
        }
        let sinceInfusion = days(c.lastInfusion, c.acquisitionTime)
        let infusionReason = because([.acquisitionTime, .lastInfusion])
        f.set(.daysSinceLastInfusion, number: sinceInfusion, missingBecause: infusionReason)
        f.set(.weeksSinceLastInfusion, number: sinceInfusion.map { $0 / 7 }, missingBecause: infusionReason)
        if c.absent.contains(.plasmaExchange) {
            f.set(.daysSincePlasmaExchange, .notApplicable, missingBecause: "")
        } else {
            f.set(
                .daysSincePlasmaExchange, number: days(c.plasmaExchange, c.acquisitionTime),
                missingBecause: because([.acquisitionTime, .plasmaExchange]))
        }
        if c.absent.contains(.nextTherapyStart) {
            f.set(.weeksOnNextTherapy, .notApplicable, missingBecause: "")
            f.set(.washoutWeeks, .notApplicable, missingBecause: "")
        } else {
            f.set(
                .weeksOnNextTherapy, number: days(c.nextTherapyStart, c.acquisitionTime).map { $0 / 7 },
                missingBecause: because([.acquisitionTime, .nextTherapyStart]))
            f.set(
                .washoutWeeks, number: days(c.lastInfusion, c.nextTherapyStart).map { $0 / 7 },
                missingBecause: because([.lastInfusion, .nextTherapyStart]))
        }
    }

    private func clinicalFeatures(_ f: inout TimepointFeatures) {
        let c = clinical
        f.set(.ntzInfusionCount, number: c.infusionCount.map(Double.init), missingBecause: c.missing[.infusionCount] ?? "")
        f.set(.jcvIndex, number: c.jcvIndex, missingBecause: c.missing[.jcvIndex] ?? "")
        f.set(.csfJCVPCR, c.csfJCVPCR.map { .text($0.rawValue) }, missingBecause: c.missing[.csfJCVPCR] ?? "")
        f.set(.priorImmunosuppressant, flag: c.priorImmunosuppressant, missingBecause: c.missing[.priorImmunosuppressant] ?? "")
        let therapy: FeatureValue? = c.absent.contains(.nextTherapy) ? .notApplicable : c.nextTherapy.map(FeatureValue.text)
        f.set(.nextTherapy, therapy, missingBecause: c.missing[.nextTherapy] ?? "")
    }
}

/// Both values, or nil.
private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
