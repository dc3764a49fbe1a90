import LesionKernels
import LesionLongitudinal
import LesionReview
import Testing

@Suite("The features of a follow-up visit: counts, pre-natalizumab level, timing, clinical record")
struct VisitFeatureTests {
    static let growth = ContiguousGrowth(rule: .default, voxelVolumeMM3: 1)

    func lesion(_ label: Int, voxels: Int, extent: Double) -> Lesion {
        Lesion(
            label: label, voxelCount: voxels, volumeMM3: Double(voxels),
            boundingBox: VoxelBox(lower: VoxelIndex(0, 0, 0), upper: VoxelIndex(0, 0, 0)),
            centroidVoxel: VoxelCoordinate(0, 0, 0), centroidMM: WorldPoint(0, 0, 0), largestExtentMM: extent,
            meanIntensity: 1, maxIntensity: 1)
    }

    func entry(_ id: Int, label: Int?, state: LesionState, voxels: Int, previous: Double?, extent: Double = 3) -> LedgerEntry {
        LedgerEntry(
            id: LesionID(id), visit: 1, state: state, label: label, voxelCount: voxels, volumeMM3: Double(voxels),
            previousVolumeMM3: previous, previousIDs: previous == nil ? [] : [LesionID(id)], mergedInto: [], splitFrom: nil,
            enhancing: nil, lesion: label.map { lesion($0, voxels: voxels, extent: extent) })
    }

    func counts(new: Int, enlarging: Int, gd: Int?) -> VisitCounts {
        VisitCounts(
            visit: 1, t2Lesions: 3, t2VolumeMM3: 100, newT2: new, enlargingT2: enlarging, stableT2: 1, shrinkingT2: 0,
            mergedT2: 0, splitT2: 0, resolvedT2: 1, absorbedT2: 0, gdLesions: gd, enhancingT2: gd.map { min($0, 1) })
    }

    @Test("contiguous growth: a continued lesion that grew by the enlarging rule; new lesions appear elsewhere")
    func contiguousGrowth() {
        let g = Self.growth
        #expect(g.grew(entry(1, label: 1, state: .enlarging, voxels: 45, previous: 30)) == true)
        #expect(g.grew(entry(1, label: 1, state: .merged, voxels: 90, previous: 60)) == true)
        #expect(g.grew(entry(1, label: 1, state: .stable, voxels: 44, previous: 30)) == false)
        #expect(g.grew(entry(1, label: 1, state: .stable, voxels: 12, previous: 8)) == false)  // ×1.5 but +4 mm³
        #expect(g.grew(entry(2, label: 2, state: .new, voxels: 27, previous: nil)) == false)
        #expect(g.grew(entry(3, label: nil, state: .resolved, voxels: 0, previous: 27)) == nil)
        #expect(g.growthMM3(entry(1, label: 1, state: .shrinking, voxels: 10, previous: 30)) == -20)
        #expect(g.growthMM3(entry(2, label: 2, state: .new, voxels: 27, previous: nil)) == nil)
    }

    func inputs(
        image: VisitImageFeatures?, clinical: ClinicalRecord, gd: Int? = 4,
        pre: PreTreatmentLevel = PreTreatmentLevel(gdCount: 2, t2NewCount: nil, gdSource: "participants.tsv", t2NewSource: "not given"),
        acquisition: VisitAcquisition = VisitAcquisition()
    ) -> VisitReviewInputs {
        let entries = [
            entry(1, label: 1, state: .enlarging, voxels: 900, previous: 300, extent: 34),
            entry(2, label: 2, state: .new, voxels: 27, previous: nil, extent: 34),
            entry(3, label: 3, state: .stable, voxels: 27, previous: 27),
            entry(4, label: nil, state: .resolved, voxels: 0, previous: 27),
        ]
        return VisitReviewInputs(
            visit: 1, counts: counts(new: 1, enlarging: 1, gd: gd), entries: entries, image: image,
            clinical: clinical, preTreatment: pre, growth: Self.growth, acquisition: acquisition)
    }

    /// Lesion 1 (enlarging) touches the cortex and grey matter; lesion 3 (stable, small) lies near
    /// lesion 1. Gd+: two specks on lesion 1, one beside it, one far from everything.
    var image: VisitImageFeatures {
        VisitImageFeatures(
            lesions: [
                LesionImageFeatures(
                    label: 1, isLarge: true, corticalContact: true, greyMatterContact: true, periventricular: nil, nearbyHosts: [],
                    enhancement: RimCoreCounts(rimVoxels: 500, coreVoxels: 400, enhancingRimVoxels: 9, enhancingCoreVoxels: 1)),
                LesionImageFeatures(
                    label: 2, isLarge: true, corticalContact: false, greyMatterContact: false, periventricular: nil, nearbyHosts: [],
                    enhancement: RimCoreCounts(rimVoxels: 26, coreVoxels: 1, enhancingRimVoxels: 0, enhancingCoreVoxels: 0)),
                LesionImageFeatures(
                    label: 3, isLarge: false, corticalContact: false, greyMatterContact: false, periventricular: nil, nearbyHosts: [1],
                    enhancement: RimCoreCounts(rimVoxels: 26, coreVoxels: 1, enhancingRimVoxels: 0, enhancingCoreVoxels: 0)),
            ],
            gdLesions: [
                GdLesionLink(label: 1, overlapsT2: 1, nearbyHosts: []), GdLesionLink(label: 2, overlapsT2: 1, nearbyHosts: []),
                GdLesionLink(label: 3, overlapsT2: nil, nearbyHosts: [1]), GdLesionLink(label: 4, overlapsT2: nil, nearbyHosts: []),
            ], hasCortex: true, hasGreyMatter: true, hasVentricles: false, hasGd: true)
    }

    @Test("counts, grouped counts, the largest active lesion (ties: the lower ID) and shares over active lesions")
    func imageFeatures() {
        var clinical = ClinicalRecord()
        for column in ClinicalColumn.allCases { clinical.missing[column] = "no column \(column.rawValue)" }
        let f = inputs(image: image, clinical: clinical).features()
        #expect(f.number(.newOrEnlargingT2) == 2 && f.number(.gdLesions) == 4 && f[.newActivity] == .flag(true))
        // Lesion 3 is near lesion 1 but stable, so no focus; Gd+ 1 and 2 are one lesion's, 3 is beside it.
        #expect(f.number(.newPunctateFoci) == 0 && f.number(.newOrEnlargingT2Grouped) == 2 && f.number(.gdLesionsGrouped) == 2)
        #expect(f.number(.gdLesionsAbovePreNTZ) == 0 && f.number(.gdRatioToPreNTZ) == 1)
        #expect(f.missing[.newT2AbovePreNTZ] == "not given" && f.missing[.preNTZT2NewCount] == "not given")
        #expect(f.number(.largestExtentMM) == 34 && f.number(.largeLesions) == 2)
        #expect(f.number(.contiguousGrowthLesions) == 1 && f.number(.newLesionContiguousGrowth) == 0)
        #expect(f.number(.largestActiveExtentMM) == 34 && f.number(.activeCorticalLesions) == 1)
        #expect(f.number(.largestActiveEnhancingRimShare) == 0.9)
        #expect(f.number(.newLesionsCorticalShare) == 0.5 && f.number(.newLesionsGreyMatterShare) == 0.5)
        #expect(f.missing[.newLesionsPeriventricularShare] == "no ventricle map at this visit or an earlier one")
        #expect(f.missing[.weeksSinceLastInfusion] == "no column acq_time; no column ntz_last_infusion")
        #expect(f.missing[.jcvIndex] == "no column jcv_index")
        for feature in Feature.allCases { #expect((f[feature] == nil) != (f.missing[feature] == nil), "\(feature)") }
    }

    @Test("without a Gd source the Gd features are missing; without image features the shape features are")
    func missingSources() {
        let f = inputs(image: nil, clinical: ClinicalRecord(), gd: nil).features()
        #expect(f.missing[.gdLesions] == "no Gd source at this visit")
        #expect(f.missing[.gdLesionsAbovePreNTZ] == "image features were not measured")
        #expect(f.missing[.newPunctateFoci] == "image features were not measured")
        #expect(f.missing[.largestExtentMM] == "image features were not measured")
        #expect(f.number(.newOrEnlargingT2) == 2)
    }

    @Test("timing from the row's dates; n/a plasma exchange and next therapy mean none")
    func timing() throws {
        var c = ClinicalRecord()
        c.acquisitionTime = ISODateTime("2020-08-03")
        c.lastInfusion = ISODateTime("2020-04-06")
        c.plasmaExchange = ISODateTime("2020-07-01")
        c.absent = [.nextTherapy, .nextTherapyStart]
        c.infusionCount = 45
        c.jcvIndex = 0.3
        c.csfJCVPCR = .notDone
        c.priorImmunosuppressant = false
        let f = inputs(image: image, clinical: c).features()
        #expect(f.number(.daysSinceLastInfusion) == 119 && f.number(.weeksSinceLastInfusion) == 17)
        #expect(f.number(.daysSincePlasmaExchange) == 33)
        #expect(f[.weeksOnNextTherapy] == .notApplicable && f[.washoutWeeks] == .notApplicable && f[.nextTherapy] == .notApplicable)
        #expect(f[.csfJCVPCR] == .text("not_done") && f[.priorImmunosuppressant] == .flag(false) && f.number(.ntzInfusionCount) == 45)
        // No ntz_status: 17 weeks after the last of 45 infusions is off natalizumab, a natalizumab withdrawal.
        #expect(f[.onNatalizumab] == .flag(false) && f[.withdrawnTherapy] == .text("natalizumab") && f.number(.weeksSinceWithdrawal) == 17)
        #expect(f.missing[.ntzRestarted] != nil)
        var on = c
        on.lastInfusion = ISODateTime("2020-07-06")
        #expect(inputs(image: image, clinical: on).features()[.onNatalizumab] == .flag(true))
        var restarted = c
        restarted.natalizumabStatus = .restarted
        let r = inputs(image: image, clinical: restarted).features()
        #expect(r[.onNatalizumab] == .flag(true) && r[.ntzRestarted] == .flag(true))
        var fingolimod = ClinicalRecord()
        fingolimod.acquisitionTime = ISODateTime("2020-08-03")
        fingolimod.natalizumabStatus = .never
        fingolimod.fingolimodStop = ISODateTime("2020-05-04")
        let g = inputs(image: image, clinical: fingolimod).features()
        #expect(g[.withdrawnTherapy] == .text("fingolimod") && g.number(.weeksSinceWithdrawal) == 13)
        #expect(g[.onNatalizumab] == .flag(false) && g[.daysSinceLastInfusion] == .notApplicable)
    }

    @Test("punctate foci: a new small lesion beside an active one is counted with it, and so is the Gd+ on it")
    func punctateFoci() {
        let entries = [
            entry(1, label: 1, state: .enlarging, voxels: 900, previous: 300, extent: 20),
            entry(2, label: 2, state: .new, voxels: 9, previous: nil, extent: 2.8),
            entry(3, label: 3, state: .new, voxels: 9, previous: nil, extent: 2.8),
            entry(4, label: 4, state: .new, voxels: 9, previous: nil, extent: 2.8),
        ]
        func lesion(_ label: Int, _ hosts: [Int]) -> LesionImageFeatures {
            LesionImageFeatures(
                label: label, isLarge: false, corticalContact: nil, greyMatterContact: nil, periventricular: nil, nearbyHosts: hosts,
                enhancement: RimCoreCounts(rimVoxels: 9, coreVoxels: 0, enhancingRimVoxels: 0, enhancingCoreVoxels: 0))
        }
        // Lesions 2 and 3 lie near the growing lesion 1; lesion 4 near nothing. Gd+: on 1, on focus 2,
        // one beside 1 with no T2, one alone.
        let image = VisitImageFeatures(
            lesions: [lesion(1, []), lesion(2, [1]), lesion(3, [1]), lesion(4, [])],
            gdLesions: [
                GdLesionLink(label: 1, overlapsT2: 1, nearbyHosts: []), GdLesionLink(label: 2, overlapsT2: 2, nearbyHosts: []),
                GdLesionLink(label: 3, overlapsT2: nil, nearbyHosts: [1]), GdLesionLink(label: 4, overlapsT2: nil, nearbyHosts: []),
            ], hasCortex: false, hasGreyMatter: false, hasVentricles: false, hasGd: true)
        let foci = PunctateFoci(entries: entries, image: image, growth: Self.growth)
        #expect(foci.hostOf == [2: 1, 3: 1] && foci.gdLesionsGrouped == 2)
        let f = VisitReviewInputs(
            visit: 1, counts: counts(new: 3, enlarging: 1, gd: 4), entries: entries, image: image, clinical: ClinicalRecord(),
            preTreatment: PreTreatmentLevel(gdCount: 1, t2NewCount: 1, gdSource: "participants.tsv", t2NewSource: "participants.tsv"),
            growth: Self.growth
        ).features()
        #expect(f.number(.newOrEnlargingT2) == 4 && f.number(.newPunctateFoci) == 2 && f.number(.newOrEnlargingT2Grouped) == 2)
        #expect(f.number(.gdLesions) == 4 && f.number(.gdLesionsGrouped) == 2)
        #expect(f.number(.gdLesionsAbovePreNTZ) == 1 && f.number(.newT2AbovePreNTZ) == 1)
        // Stable, the host leaves its neighbours as ordinary new lesions.
        var stableHost = entries
        stableHost[0] = entry(1, label: 1, state: .stable, voxels: 300, previous: 300, extent: 20)
        #expect(PunctateFoci(entries: stableHost, image: image, growth: Self.growth).hostOf.isEmpty)
    }

    @Test("no lesions: nothing is large, grows or has satellites")
    func noLesions() {
        let empty = VisitReviewInputs(
            visit: 1, counts: counts(new: 0, enlarging: 0, gd: 0), entries: [],
            image: VisitImageFeatures(lesions: [], gdLesions: [], hasCortex: true, hasGreyMatter: true, hasVentricles: true, hasGd: true),
            clinical: ClinicalRecord(),
            preTreatment: PreTreatmentLevel(gdCount: 0, t2NewCount: 0, gdSource: "participants.tsv", t2NewSource: "participants.tsv"),
            growth: Self.growth)
        let f = empty.features()
        #expect(f.number(.largestExtentMM) == 0 && f.number(.largestActiveExtentMM) == 0 && f.number(.activeCorticalLesions) == 0)
        #expect(f[.largestActiveEnhancingRimShare] == .notApplicable && f[.newActivity] == .flag(false))
        #expect(f[.newLesionsPeriventricularShare] == .notApplicable && f[.gdRatioToPreNTZ] == .notApplicable)
    }

    @Test("the pre-natalizumab level: participants.tsv first, else the last session with no infusion")
    func preTreatment() {
        func c(_ gd: Int?, _ new: Int?) -> VisitCounts {
            VisitCounts(
                visit: 0, t2Lesions: 1, t2VolumeMM3: 1, newT2: new, enlargingT2: new.map { _ in 0 }, stableT2: nil,
                shrinkingT2: nil, mergedT2: nil, splitT2: nil, resolvedT2: nil, absorbedT2: nil, gdLesions: gd, enhancingT2: nil)
        }
        let sessions: [(label: String, infusionCount: Int?, counts: VisitCounts)] = [
            ("ses-00", 0, c(5, nil)), ("ses-01", 0, c(nil, 3)), ("ses-02", 12, c(0, 0)),
        ]
        let level = PreTreatmentLevel.resolve(
            participantsGd: nil, gdMissing: "no participants.tsv", participantsT2New: 7, t2NewMissing: "",
            participantsSource: "participants.tsv", sessions: sessions)
        // ses-01 is the last session before natalizumab, but it has no Gd source.
        #expect(
            level
                == PreTreatmentLevel(
                    gdCount: nil, t2NewCount: 7, gdSource: "no participants.tsv, and ses-01 (ntz_infusion_count 0) has no Gd source",
                    t2NewSource: "participants.tsv"))
        let fromSession = PreTreatmentLevel.resolve(
            participantsGd: nil, gdMissing: "no participants.tsv", participantsT2New: nil, t2NewMissing: "no participants.tsv",
            participantsSource: "participants.tsv", sessions: Array(sessions.prefix(2)) + [("ses-02", 12, c(0, 0))])
        #expect(fromSession.t2NewCount == 3 && fromSession.t2NewSource == "ses-01 (ntz_infusion_count 0)")
    }

    /// Expected before the code: the level before natalizumab from a limited series is only a lower
    /// bound of that level (`pre_ntz_gd_count` at least 2), so the visit's excess over it, and its
    /// ratio to it, are only upper bounds; with the visit's own count a lower bound too, the excess
    /// could be anything and is missing; a ratio to a bounded level of 0 is missing, not "none".
    @Test("a level before natalizumab from a limited series: the excess over it is only an upper bound")
    func boundedLevel() {
        let whole = VisitAcquisition(t2: Self.series(1, 1), gd: Self.series(1, 1, file: "gd.nii.gz"))
        let bounded = PreTreatmentLevel(
            gdCount: 2, t2NewCount: 1, gdSource: "ses-00", t2NewSource: "ses-00", gdBound: "G short", t2NewBound: "T thick")
        let f = inputs(image: image, clinical: ClinicalRecord(), pre: bounded, acquisition: whole).features()
        let plain = inputs(
            image: image, clinical: ClinicalRecord(),
            pre: PreTreatmentLevel(gdCount: 2, t2NewCount: 1, gdSource: "ses-00", t2NewSource: "ses-00"), acquisition: whole
        ).features()
        #expect(plain.lowerBounds.isEmpty && plain.upperBounds.isEmpty)
        let grouped = f.number(.gdLesionsGrouped)!
        #expect(f.number(.gdLesionsAbovePreNTZ) == grouped - 2 && f.number(.gdRatioToPreNTZ) == grouped / 2)
        #expect(f.number(.newT2AbovePreNTZ) == f.number(.newOrEnlargingT2Grouped)! - 1)
        for feature in Feature.allCases where feature != .newActivity {
            #expect(f[feature] == plain[feature], "\(feature.rawValue): the same numbers")
        }
        #expect(f.upperBounds[.gdLesionsAbovePreNTZ] == "the level before natalizumab is only a lower bound: G short")
        #expect(f.upperBounds[.gdRatioToPreNTZ] == "the level before natalizumab is only a lower bound: G short")
        #expect(f.upperBounds[.newT2AbovePreNTZ] == "the level before natalizumab is only a lower bound: T thick")
        #expect(f.lowerBounds == [.preNTZGdCount: "G short", .preNTZT2NewCount: "T thick"])

        // The visit's FLAIR is 5 mm too: its T2 excess is missing, naming both bounds; the Gd one,
        // from a whole-brain 1 mm series, stays an upper bound.
        let thick = VisitAcquisition(t2: Self.series(1, 5), gd: Self.series(1, 1, file: "gd.nii.gz"))
        let both = inputs(image: image, clinical: ClinicalRecord(), pre: bounded, acquisition: thick).features()
        #expect(both[.newT2AbovePreNTZ] == nil && both.lowerBounds[.newT2AbovePreNTZ] == nil && both.upperBounds[.newT2AbovePreNTZ] == nil)
        #expect(both.missing[.newT2AbovePreNTZ]?.hasPrefix("the visit's count is only a lower bound (its voxels") == true)
        #expect(both.missing[.newT2AbovePreNTZ]?.hasSuffix("), and the level before natalizumab is only a lower bound: T thick") == true)
        #expect(both.upperBounds[.gdLesionsAbovePreNTZ] != nil && both.lowerBounds[.newOrEnlargingT2] != nil)

        // A bounded level of 0: the ratio is missing, the excess an upper bound.
        let zero = PreTreatmentLevel(gdCount: 0, t2NewCount: nil, gdSource: "ses-00", t2NewSource: "none", gdBound: "G short")
        let none = inputs(image: image, clinical: ClinicalRecord(), pre: zero, acquisition: whole).features()
        #expect(none[.gdRatioToPreNTZ] == nil)
        #expect(
            none.missing[.gdRatioToPreNTZ] == "none before natalizumab, but the level before natalizumab is only a lower bound: G short")
        #expect(none.number(.gdLesionsAbovePreNTZ) == grouped && none.upperBounds[.gdLesionsAbovePreNTZ] != nil)
    }

    /// A visit whose T2 series found `new` new and `enlarging` enlarging lesions, its Gd series
    /// `gd`, with the acquisition given.
    func limited(new: Int, enlarging: Int, gd: Int?, acquisition: VisitAcquisition) -> VisitFeatures {
        let entries = [entry(3, label: 1, state: .stable, voxels: 27, previous: 27)]
        let pre = PreTreatmentLevel(gdCount: 2, t2NewCount: 3, gdSource: "participants.tsv", t2NewSource: "participants.tsv")
        return VisitReviewInputs(
            visit: 1, counts: counts(new: new, enlarging: enlarging, gd: gd), entries: entries, image: nil,
            clinical: ClinicalRecord(), preTreatment: pre, growth: Self.growth, acquisition: acquisition
        ).features()
    }

    static func series(
        _ coverage: Double, _ voxelMM: Double, file: String = "/study/sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii.gz"
    )
        -> SeriesAcquisition
    {
        SeriesAcquisition(file: file, coverage: coverage, coarsestVoxelMM: voxelMM)
    }

    @Test("zero counts from a series short of the whole brain or with slices over 3 mm are missing, not zero; counts above zero stay")
    func zeroCountsNeedWholeBrainAndThinSlices() {
        let gdFile = "/study/sub-01/ses-02/anat/sub-01_ses-02_ce-gadolinium_T1w.nii.gz"
        let full = Self.series(1, 1, file: gdFile)
        // Whole brain at 1 mm: zero is zero, and no new activity is a finding.
        let plain = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(1, 1), gd: full))
        #expect(plain.number(.newOrEnlargingT2) == 0 && plain.number(.gdLesions) == 0 && plain[.newActivity] == .flag(false))
        // The default acquisition (nothing recorded) changes nothing.
        let unrecorded = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition())
        #expect(unrecorded.number(.newOrEnlargingT2) == 0 && unrecorded[.newActivity] == .flag(false))

        // The FLAIR covers 95.8 % of the brain: every count of what is new on T2 is unknown, and so
        // is new activity, although the Gd series (whole brain) found none.
        let cut = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(0.958, 1), gd: full))
        for feature: Feature in [.newT2, .enlargingT2, .newOrEnlargingT2, .newOrEnlargingT2Grouped, .newPunctateFoci] {
            #expect(cut[feature] == nil)
            #expect(cut.missing[feature]?.hasPrefix("none found, but it covers 95.8 % of the baseline's brain") == true)
            #expect(cut.missing[feature]?.contains("(sub-01_ses-02_FLAIR.nii.gz): a lesion there could be missed") == true)
        }
        #expect(cut[.newT2AbovePreNTZ] == nil && cut.number(.gdLesions) == 0 && cut.number(.t2Lesions) == 3)
        #expect(cut[.newActivity] == nil && cut.missing[.newActivity]?.hasPrefix("T2: none found, but it covers 95.8 %") == true)

        // 5 mm slices (or a 5 mm baseline grid): the same; 3 mm is within the guidelines.
        let thick = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(1, 5), gd: full))
        #expect(thick[.newOrEnlargingT2] == nil && thick[.newActivity] == nil)
        #expect(thick.missing[.newOrEnlargingT2]?.contains("are 5 mm thick, over features.zero_counts.max_voxel_mm 3") == true)
        let three = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(0.99, 3), gd: full))
        #expect(three.number(.newOrEnlargingT2) == 0 && three[.newActivity] == .flag(false))

        // Lesions found by a limited series are counted: they are there, but only a lower bound.
        let found = limited(new: 1, enlarging: 1, gd: 0, acquisition: VisitAcquisition(t2: Self.series(0.9, 5), gd: full))
        #expect(found.number(.newOrEnlargingT2) == 2 && found.number(.newT2) == 1 && found[.newActivity] == .flag(true))
        #expect(
            found.lowerBounds[.newOrEnlargingT2]
                == "it covers 90 % of the baseline's brain, under features.zero_counts.min_coverage 99 % and its voxels (or the grid it is compared on) are 5 mm thick, over features.zero_counts.max_voxel_mm 3 (sub-01_ses-02_FLAIR.nii.gz): more lesions there could be missed"
        )
        let t2Bounds: Set<Feature> = [
            .t2Lesions, .newT2, .enlargingT2, .newOrEnlargingT2, .newPunctateFoci, .newOrEnlargingT2Grouped, .newT2AbovePreNTZ,
            .enhancingT2,
        ]
        #expect(Set(found.lowerBounds.keys) == t2Bounds.subtracting([.newPunctateFoci, .newOrEnlargingT2Grouped, .newT2AbovePreNTZ]))
        #expect(found.lowerBounds[.enhancingT2] != nil && found.lowerBounds[.gdLesions] == nil)
        // A whole-brain 1 mm series: no bounds.
        #expect(limited(new: 1, enlarging: 1, gd: 2, acquisition: VisitAcquisition(t2: Self.series(1, 1), gd: full)).lowerBounds.isEmpty)

        // A Gd series short of the brain found nothing: Gd counts unknown; T2 activity still decides.
        let gdCut = VisitAcquisition(t2: Self.series(1, 1), gd: Self.series(0.93, 1, file: gdFile))
        let gdOnly = limited(new: 0, enlarging: 0, gd: 0, acquisition: gdCut)
        #expect(gdOnly[.gdLesions] == nil && gdOnly[.enhancingT2] == nil && gdOnly[.gdLesionsAbovePreNTZ] == nil)
        #expect(gdOnly.missing[.gdLesions]?.contains("(sub-01_ses-02_ce-gadolinium_T1w.nii.gz)") == true)
        #expect(gdOnly.number(.newOrEnlargingT2) == 0 && gdOnly[.newActivity] == nil)
        #expect(gdOnly.missing[.newActivity]?.hasPrefix("Gd: none found, but it covers 93 %") == true)
        let t2Active = limited(new: 2, enlarging: 0, gd: 0, acquisition: gdCut)
        #expect(t2Active[.gdLesions] == nil && t2Active[.newActivity] == .flag(true))

        // A whole-brain 1 mm Gd series whose regions were kept by a 5 mm FLAIR's check found
        // nothing: Gd counts unknown (a small enhancing lesion can fail the check there); by a
        // 3 mm FLAIR's, zero. Positive counts stay.
        let flair = "/study/sub-01/ses-02/anat/sub-01_ses-02_FLAIR.nii.gz"
        func checked(_ mm: Double) -> SeriesAcquisition {
            SeriesAcquisition(file: gdFile, coverage: 1, coarsestVoxelMM: 1, checkFile: flair, checkVoxelMM: mm)
        }
        let thickCheck = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(1, 3), gd: checked(5)))
        #expect(thickCheck[.gdLesions] == nil && thickCheck[.enhancingT2] == nil && thickCheck[.newActivity] == nil)
        #expect(
            thickCheck.missing[.gdLesions]
                == "none found, but its findings were checked on sub-01_ses-02_FLAIR.nii.gz, whose voxels are 5 mm thick, over features.zero_counts.max_voxel_mm 3 (partial volume there can drop a small lesion) (sub-01_ses-02_ce-gadolinium_T1w.nii.gz): a lesion there could be missed"
        )
        let thinCheck = limited(new: 0, enlarging: 0, gd: 0, acquisition: VisitAcquisition(t2: Self.series(1, 3), gd: checked(3)))
        #expect(thinCheck.number(.gdLesions) == 0 && thinCheck[.newActivity] == .flag(false))
        let foundChecked = limited(new: 0, enlarging: 0, gd: 1, acquisition: VisitAcquisition(t2: Self.series(1, 3), gd: checked(5)))
        #expect(foundChecked.number(.gdLesions) == 1 && foundChecked[.newActivity] == .flag(true))
    }
}
