/// A named input of the review rules: one fact about a follow-up visit, from its images, its
/// timing or the clinical record.
///
/// Rules name features by their raw value (`gd_lesions`). Each feature has a kind, which fixes the
/// comparisons a rule may make with it, and a one-line definition (printed by `explain` and the
/// README). "The visit" is the follow-up visit being reviewed, "the previous visit" the one before
/// it in the patient's order; counts are those of the ledger (after the pipeline's size floor).
public enum Feature: String, CaseIterable, Sendable, Comparable {
    // Counts of the visit, from the ledger.
    case t2Lesions = "t2_lesions"
    case newT2 = "new_t2"
    case enlargingT2 = "enlarging_t2"
    case newOrEnlargingT2 = "new_or_enlarging_t2"
    case gdLesions = "gd_lesions"
    case enhancingT2 = "enhancing_t2"

    // The level before natalizumab, and the visit's activity against it.
    case preNTZGdCount = "pre_ntz_gd_count"
    case preNTZT2NewCount = "pre_ntz_t2_new_count"
    case gdLesionsAbovePreNTZ = "gd_lesions_above_pre_ntz"
    case newT2AbovePreNTZ = "new_t2_above_pre_ntz"
    case gdRatioToPreNTZ = "gd_ratio_to_pre_ntz"

    // Shape and place of the visit's lesions.
    case largestExtentMM = "largest_extent_mm"
    case largeLesions = "large_lesions"
    case contiguousGrowthLesions = "contiguous_growth_lesions"
    case satellites = "satellites"
    case largestLesionContiguousGrowth = "largest_lesion_contiguous_growth"
    case largestLesionSatellites = "largest_lesion_satellites"
    case largestLesionCorticalContact = "largest_lesion_cortical_contact"
    case largestLesionPeriventricular = "largest_lesion_periventricular"
    case largestLesionEnhancing = "largest_lesion_enhancing"
    case largestLesionEnhancingRimShare = "largest_lesion_enhancing_rim_share"
    case newLesionsPeriventricularShare = "new_lesions_periventricular_share"
    case newLesionsCorticalShare = "new_lesions_cortical_share"

    // Timing, from the dates of the visit's row in sessions.tsv.
    case daysSinceLastInfusion = "days_since_last_infusion"
    case weeksSinceLastInfusion = "weeks_since_last_infusion"
    case daysSincePlasmaExchange = "days_since_plasma_exchange"
    case weeksOnNextTherapy = "weeks_on_next_therapy"
    case washoutWeeks = "washout_weeks"

    // The clinical record of the visit's row.
    case ntzInfusionCount = "ntz_infusion_count"
    case jcvIndex = "jcv_index"
    case csfJCVPCR = "csf_jcv_pcr"
    case priorImmunosuppressant = "prior_immunosuppressant"
    case nextTherapy = "next_therapy"

    /// What a rule may compare a feature with.
    public enum Kind: Sendable, Equatable {
        /// A number: `<`, `<=`, `>`, `>=`, `==`, `!=` with a number.
        case number
        /// `true` or `false`: `==`, `!=`.
        case boolean
        /// One of a fixed set of words: `==`, `!=` with one of them.
        case category([String])
        /// Free text, compared without regard to case: `==`, `!=`.
        case text
    }

    public var kind: Kind {
        switch self {
        case .largestLesionContiguousGrowth, .largestLesionCorticalContact, .largestLesionPeriventricular,
            .largestLesionEnhancing, .priorImmunosuppressant:
            .boolean
        case .csfJCVPCR: .category(CSFResult.allCases.map(\.rawValue))
        case .nextTherapy: .text
        default: .number
        }
    }

    public static func < (a: Feature, b: Feature) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The feature's definition in one line.
    public var definition: String {
        switch self {
        case .t2Lesions: "T2 lesions at the visit"
        case .newT2: "T2 lesions new since the previous visit"
        case .enlargingT2: "T2 lesions enlarging since the previous visit"
        case .newOrEnlargingT2: "new_t2 + enlarging_t2"
        case .gdLesions: "Gd+ lesions at the visit (missing without a Gd source)"
        case .enhancingT2: "T2 lesions sharing a voxel with a Gd+ lesion"
        case .preNTZGdCount: "Gd+ lesions before natalizumab (participants.tsv, else the last session with ntz_infusion_count 0)"
        case .preNTZT2NewCount: "new T2 lesions before natalizumab (participants.tsv, else that session's new_or_enlarging_t2)"
        case .gdLesionsAbovePreNTZ: "gd_lesions − pre_ntz_gd_count"
        case .newT2AbovePreNTZ: "new_or_enlarging_t2 − pre_ntz_t2_new_count"
        case .gdRatioToPreNTZ: "gd_lesions / pre_ntz_gd_count (missing when pre_ntz_gd_count is 0)"
        case .largestExtentMM: "the largest Feret diameter among the visit's T2 lesions, mm (0 without lesions)"
        case .largeLesions: "T2 lesions whose extent exceeds features.large_lesion_extent_mm"
        case .contiguousGrowthLesions: "T2 lesions growing contiguously (see contiguous growth)"
        case .satellites: "T2 lesions that are satellites of a host lesion"
        case .largestLesionContiguousGrowth: "the largest lesion continues an earlier lesion and grew by the enlarging rule"
        case .largestLesionSatellites: "satellites of the largest lesion"
        case .largestLesionCorticalContact: "the largest lesion comes within features.contact_distance_mm of grey matter"
        case .largestLesionPeriventricular: "the largest lesion comes within features.contact_distance_mm of the ventricles"
        case .largestLesionEnhancing: "the largest lesion holds a Gd+ voxel"
        case .largestLesionEnhancingRimShare: "share of the largest lesion's Gd+ voxels that lie in its rim"
        case .newLesionsPeriventricularShare: "share of the new and enlarging lesions in contact with the ventricles"
        case .newLesionsCorticalShare: "share of the new and enlarging lesions in contact with grey matter"
        case .daysSinceLastInfusion: "days from ntz_last_infusion to the scan"
        case .weeksSinceLastInfusion: "days_since_last_infusion / 7"
        case .daysSincePlasmaExchange: "days from plasma_exchange to the scan"
        case .weeksOnNextTherapy: "weeks from next_therapy_start to the scan (negative: not started yet)"
        case .washoutWeeks: "weeks from ntz_last_infusion to next_therapy_start"
        case .ntzInfusionCount: "natalizumab infusions received by the scan"
        case .jcvIndex: "anti-JCV antibody index"
        case .csfJCVPCR: "JC-virus DNA in the CSF by PCR: positive, negative or not_done"
        case .priorImmunosuppressant: "an immunosuppressant before natalizumab (yes / no)"
        case .nextTherapy: "the therapy after natalizumab, as written in sessions.tsv"
        }
    }
}
