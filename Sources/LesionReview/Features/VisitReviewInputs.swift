import LesionLongitudinal

/// Everything known about one reviewed visit, and the features the rules read from it.
///
/// `features()` computes each `Feature` by its definition (`Feature.definition`, and docs/review.md's
/// table); a feature that cannot be computed is recorded as missing with the reason. The shape
/// features look only at **active** lesions — new, enlarging or grown contiguously at this visit
/// (`PunctateFoci.isActive`) — so an old, stable plaque, however large or close to the cortex, is
/// never evidence. At the first visit nothing compares with an earlier scan: the counts of change
/// are missing and no lesion is active.
public struct VisitReviewInputs: Sendable {
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
    /// Lesions first seen after the patient's first scan on natalizumab (or after the first scan).
    public let sinceTreatment: Set<LesionID>
    public let parameters: FeatureParameters
    /// What the visit's T2 and Gd series could show: a zero count from a series that covers less
    /// than the whole brain, or has coarse voxels, is missing, not zero
    /// (`FeatureParameters.zeroCountLimitation`), and a count above zero only a lower bound
    /// (`FeatureParameters.lowerBoundLimitation`, `VisitFeatures.lowerBounds`).
    public let acquisition: VisitAcquisition

    public init(
        visit: Int, counts: VisitCounts, entries: [LedgerEntry], image: VisitImageFeatures?, clinical: ClinicalRecord,
        preTreatment: PreTreatmentLevel, growth: ContiguousGrowth, sinceTreatment: Set<LesionID> = [],
        parameters: FeatureParameters = .standard, acquisition: VisitAcquisition = VisitAcquisition()
    ) {
        self.visit = visit
        self.counts = counts
        self.entries = entries
        self.image = image
        self.clinical = clinical
        self.preTreatment = preTreatment
        self.growth = growth
        self.sinceTreatment = sinceTreatment
        self.parameters = parameters
        self.acquisition = acquisition
    }

    /// The punctate foci of the visit; nil when the image features were not measured.
    public var punctateFoci: PunctateFoci? { image.map { PunctateFoci(entries: entries, image: $0, growth: growth) } }

    public func features() -> VisitFeatures {
        var f = VisitFeatures()
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

    private func countFeatures(_ f: inout VisitFeatures) {
        let noGd = "no Gd source at this visit"
        let first = "first visit: no earlier scan to compare with"
        let noImage = "image features were not measured"
        // A zero from a series that could have missed a lesion is unknown, not zero.
        let t2Limit = parameters.zeroCountLimitation(of: acquisition.t2)
        let gdLimit = parameters.zeroCountLimitation(of: acquisition.gd)
        func count(_ feature: Feature, _ value: Int?, limit: String?, missingBecause reason: String) {
            if value == 0, let limit {
                f.set(feature, nil, missingBecause: limit)
            } else {
                f.set(feature, number: value.map(Double.init), missingBecause: reason)
            }
        }
        f.set(.t2Lesions, number: Double(counts.t2Lesions), missingBecause: "")
        count(.newT2, counts.newT2, limit: t2Limit, missingBecause: first)
        count(.enlargingT2, counts.enlargingT2, limit: t2Limit, missingBecause: first)
        count(.newOrEnlargingT2, counts.newOrEnlargingT2, limit: t2Limit, missingBecause: first)
        count(.gdLesions, counts.gdLesions, limit: gdLimit, missingBecause: noGd)
        count(.enhancingT2, counts.enhancingT2, limit: gdLimit, missingBecause: noGd)

        // Nothing new found by a limited series: every count of what is new at the visit is unknown.
        let t2Unknown = counts.newOrEnlargingT2 == 0 && t2Limit != nil
        let gdUnknown = counts.gdLesions == 0 && gdLimit != nil
        let t2Reason = t2Unknown ? t2Limit! : image == nil ? noImage : first
        let gdReason = gdUnknown ? gdLimit! : image == nil ? noImage : noGd
        let foci = punctateFoci
        let focusCount = counts.newOrEnlargingT2 == nil || t2Unknown ? nil : foci?.count
        f.set(.newPunctateFoci, number: focusCount.map(Double.init), missingBecause: t2Reason)
        let lesionFoci = counts.newOrEnlargingT2 == nil || t2Unknown ? nil : foci?.hostOf.count
        let t2Grouped = both(counts.newOrEnlargingT2, lesionFoci).map { $0 - $1 }
        f.set(.newOrEnlargingT2Grouped, number: t2Grouped.map(Double.init), missingBecause: t2Reason)
        let gdGrouped = gdUnknown ? nil : foci?.gdLesionsGrouped
        f.set(.gdLesionsGrouped, number: gdGrouped.map(Double.init), missingBecause: gdReason)
        let t2Activity = (counts.newOrEnlargingT2 ?? 0) > 0
        let gdActivity = (counts.gdLesions ?? 0) > 0
        let unknownZeros = [t2Unknown ? "T2: " + t2Limit! : nil, gdUnknown ? "Gd: " + gdLimit! : nil].compactMap { $0 }
        let activity: Bool? =
            t2Activity || gdActivity
            ? true : !unknownZeros.isEmpty || (counts.newOrEnlargingT2 == nil && counts.gdLesions == nil) ? nil : false
        f.set(
            .newActivity, flag: activity,
            missingBecause: unknownZeros.isEmpty ? "first visit without a Gd source" : unknownZeros.joined(separator: "; "))

        let pre = preTreatment
        f.set(.preNTZGdCount, number: pre.gdCount.map(Double.init), missingBecause: pre.gdSource)
        f.set(.preNTZT2NewCount, number: pre.t2NewCount.map(Double.init), missingBecause: pre.t2NewSource)
        func because(_ parts: [(Int?, String)]) -> String {
            parts.filter { $0.0 == nil }.map(\.1).joined(separator: "; ")
        }
        f.set(
            .gdLesionsAbovePreNTZ, number: both(gdGrouped, pre.gdCount).map { Double($0 - $1) },
            missingBecause: because([(gdGrouped, gdReason), (pre.gdCount, pre.gdSource)]))
        f.set(
            .newT2AbovePreNTZ, number: both(t2Grouped, pre.t2NewCount).map { Double($0 - $1) },
            missingBecause: because([(t2Grouped, t2Reason), (pre.t2NewCount, pre.t2NewSource)]))
        var ratio: FeatureValue?
        if let gdGrouped, let before = pre.gdCount {
            ratio = before == 0 ? .notApplicable : .number(Double(gdGrouped) / Double(before))
        }
        f.set(.gdRatioToPreNTZ, ratio, missingBecause: because([(gdGrouped, gdReason), (pre.gdCount, pre.gdSource)]))

        // A count from a series that could have missed a lesion is only a lower bound: more
        // lesions could be there, so "no more than" cannot be settled from it.
        if let t2Bound = parameters.lowerBoundLimitation(of: acquisition.t2) {
            let t2Counts: [Feature] = [
                .t2Lesions, .newT2, .enlargingT2, .newOrEnlargingT2, .newPunctateFoci, .newOrEnlargingT2Grouped, .newT2AbovePreNTZ,
                .enhancingT2,
            ]
            for feature in t2Counts { f.markLowerBound(feature, because: t2Bound) }
        }
        if let gdBound = parameters.lowerBoundLimitation(of: acquisition.gd) {
            let gdCounts: [Feature] = [.gdLesions, .enhancingT2, .gdLesionsGrouped, .gdLesionsAbovePreNTZ, .gdRatioToPreNTZ]
            for feature in gdCounts { f.markLowerBound(feature, because: gdBound) }
        }
        // A level before natalizumab from a limited series is only a lower bound of that level, so
        // the visit's excess over it is only an upper bound; with the visit's count a lower bound
        // too, the excess could be anything.
        if let level = pre.gdBound { f.markLowerBound(.preNTZGdCount, because: level) }
        if let level = pre.t2NewBound { f.markLowerBound(.preNTZT2NewCount, because: level) }
        let levels: [(Feature, String?)] = [
            (.gdLesionsAbovePreNTZ, pre.gdBound), (.gdRatioToPreNTZ, pre.gdBound), (.newT2AbovePreNTZ, pre.t2NewBound),
        ]
        for case (let feature, let level?) in levels where f[feature] != nil {
            let levelText = "the level before natalizumab is only a lower bound: \(level)"
            if let own = f.lowerBounds[feature] {
                f.set(feature, nil, missingBecause: "the visit's count is only a lower bound (\(own)), and \(levelText)")
            } else if f.number(feature) == nil {
                f.set(feature, nil, missingBecause: "none before natalizumab, but \(levelText)")
            } else {
                f.markUpperBound(feature, because: levelText)
            }
        }
    }

    private func shapeFeatures(_ f: inout VisitFeatures) {
        let shape: [Feature] = [
            .largestExtentMM, .largeLesions, .contiguousGrowthLesions, .newLesionContiguousGrowth, .largestActiveExtentMM,
            .activeCorticalLesions, .largestActiveEnhancingRimShare, .newLesionsPeriventricularShare, .newLesionsCorticalShare,
            .newLesionsGreyMatterShare,
        ]
        guard let image else {
            for feature in shape { f.set(feature, nil, missingBecause: "image features were not measured") }
            return
        }
        let present = entries.filter { $0.lesion != nil && $0.label != nil }
        func lesionFeatures(_ e: LedgerEntry) -> LesionImageFeatures { image.lesions[e.label! - 1] }
        func largest(_ of: [LedgerEntry]) -> LedgerEntry? {
            of.max { a, b in
                a.lesion!.largestExtentMM != b.lesion!.largestExtentMM
                    ? a.lesion!.largestExtentMM < b.lesion!.largestExtentMM : a.id > b.id
            }
        }
        let active = present.filter { PunctateFoci.isActive($0, growth: growth) }
        let grew = present.filter { growth.grew($0) == true }
        f.set(.largestExtentMM, number: largest(present)?.lesion!.largestExtentMM ?? 0, missingBecause: "")
        f.set(.largeLesions, number: Double(present.filter { lesionFeatures($0).isLarge }.count), missingBecause: "")
        f.set(.contiguousGrowthLesions, number: Double(grew.count), missingBecause: "")
        f.set(.newLesionContiguousGrowth, number: Double(grew.filter { sinceTreatment.contains($0.id) }.count), missingBecause: "")
        let largestActive = largest(active)
        f.set(.largestActiveExtentMM, number: largestActive?.lesion!.largestExtentMM ?? 0, missingBecause: "")

        let noCortex = "no cortex map at this visit or an earlier one"
        let noGreyMatter = "no grey-matter map at this visit or an earlier one"
        let noVentricles = "no ventricle map at this visit or an earlier one"
        let noGd = "no Gd source at this visit"
        f.set(
            .activeCorticalLesions,
            number: image.hasCortex ? Double(active.filter { lesionFeatures($0).corticalContact == true }.count) : nil,
            missingBecause: noCortex)
        var rimShare: FeatureValue?
        if image.hasGd {
            // A lesion too small to have a core has no border pattern: its whole volume is rim.
            rimShare =
                largestActive.flatMap { e -> Double? in
                    let counts = lesionFeatures(e).enhancement!
                    return counts.coreVoxels > 0 ? counts.enhancingRimShare : nil
                }.map(FeatureValue.number) ?? .notApplicable
        }
        f.set(.largestActiveEnhancingRimShare, rimShare, missingBecause: noGd)

        func share(_ has: Bool, _ touches: (LesionImageFeatures) -> Bool?) -> FeatureValue? {
            guard has else { return nil }
            guard !active.isEmpty else { return .notApplicable }
            return .number(Double(active.filter { touches(lesionFeatures($0)) == true }.count) / Double(active.count))
        }
        f.set(.newLesionsPeriventricularShare, share(image.hasVentricles, \.periventricular), missingBecause: noVentricles)
        f.set(.newLesionsCorticalShare, share(image.hasCortex, \.corticalContact), missingBecause: noCortex)
        f.set(.newLesionsGreyMatterShare, share(image.hasGreyMatter, \.greyMatterContact), missingBecause: noGreyMatter)
    }

    private func timingFeatures(_ f: inout VisitFeatures) {
        let c = clinical
        func because(_ columns: [ClinicalColumn]) -> String {
            columns.compactMap { c.missing[$0] }.joined(separator: "; ")
        }
        func days(_ from: ISODateTime?, _ to: ISODateTime?) -> Double? {
            guard let from, let to else { return nil }
            return to.days(since: from)
        }
        let neverOnNatalizumab = c.natalizumabStatus == .never || c.infusionCount == 0
        let lastDose = c.lastInfusion ?? c.natalizumabStop
        let sinceInfusion = days(lastDose, c.acquisitionTime)
        let infusionReason = because([.acquisitionTime, .lastInfusion])
        if neverOnNatalizumab && sinceInfusion == nil {
            f.set(.daysSinceLastInfusion, .notApplicable, missingBecause: "")
            f.set(.weeksSinceLastInfusion, .notApplicable, missingBecause: "")
        } else {
            f.set(.daysSinceLastInfusion, number: sinceInfusion, missingBecause: infusionReason)
            f.set(.weeksSinceLastInfusion, number: sinceInfusion.map { $0 / 7 }, missingBecause: infusionReason)
        }

        let therapy = withdrawnTherapy
        f.set(
            .withdrawnTherapy, therapy.map { .text($0.rawValue) },
            missingBecause: because([.withdrawnTherapy]) + "; no natalizumab or fingolimod recorded")
        let sinceWithdrawal: Double? =
            switch therapy {
            case .natalizumab: sinceInfusion.map { $0 / 7 }
            case .fingolimod: days(c.fingolimodStop, c.acquisitionTime).map { $0 / 7 }
            case nil: nil
            }
        f.set(
            .weeksSinceWithdrawal, number: sinceWithdrawal,
            missingBecause: therapy == nil ? "no withdrawn therapy" : "no date of its last dose")
        let restarted: Bool? =
            c.natalizumabStatus == .restarted || c.natalizumabRestart != nil
            ? true : (c.natalizumabStatus != nil || c.absent.contains(.natalizumabRestart) ? false : nil)
        f.set(.ntzRestarted, flag: restarted, missingBecause: because([.natalizumabStatus, .natalizumabRestart]))
        f.set(
            .onNatalizumab, flag: onNatalizumab(sinceInfusionDays: sinceInfusion),
            missingBecause: because([.natalizumabStatus, .lastInfusion]))

        if c.absent.contains(.plasmaExchange) {
            f.set(.daysSincePlasmaExchange, .notApplicable, missingBecause: "")
            f.set(.plasmaExchangeReason, .notApplicable, missingBecause: "")
        } else {
            f.set(
                .daysSincePlasmaExchange, number: days(c.plasmaExchange, c.acquisitionTime),
                missingBecause: because([.acquisitionTime, .plasmaExchange]))
            f.set(
                .plasmaExchangeReason, c.plasmaExchangeReason.map { .text($0.rawValue) }, missingBecause: because([.plasmaExchangeReason]))
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

    /// The visit's withdrawn therapy, recorded or inferred (`ClinicalRecord.impliedWithdrawnTherapy`).
    public var withdrawnTherapy: WithdrawnTherapy? { clinical.withdrawnTherapy ?? clinical.impliedWithdrawnTherapy }

    /// Receiving natalizumab at the scan: `ntz_status` when recorded; else a restart before the
    /// scan, a recorded stop, no infusion yet, or the last infusion's distance; nil when none is known.
    private func onNatalizumab(sinceInfusionDays: Double?) -> Bool? {
        let c = clinical
        switch c.natalizumabStatus {
        case .on, .restarted: return true
        case .stopped, .never: return false
        case nil: break
        }
        if c.natalizumabRestart != nil { return true }
        if c.infusionCount == 0 { return false }
        if c.natalizumabStop != nil && c.lastInfusion == nil { return false }
        return sinceInfusionDays.map { $0 <= parameters.onNatalizumabWeeks * 7 }
    }

    private func clinicalFeatures(_ f: inout VisitFeatures) {
        let c = clinical
        f.set(.ntzInfusionCount, number: c.infusionCount.map(Double.init), missingBecause: c.missing[.infusionCount] ?? "")
        f.set(.jcvIndex, number: c.jcvIndex, missingBecause: c.missing[.jcvIndex] ?? "")
        f.set(.csfJCVPCR, c.csfJCVPCR.map { .text($0.rawValue) }, missingBecause: c.missing[.csfJCVPCR] ?? "")
        f.set(
            .csfJCVPCRUltrasensitive, flag: c.csfJCVPCRUltrasensitive,
            missingBecause: c.missing[.csfJCVPCRUltrasensitive] ?? "")
        f.set(.dwiRead, c.dwiRead.map { .text($0.rawValue) }, missingBecause: c.missing[.dwiRead] ?? "")
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
