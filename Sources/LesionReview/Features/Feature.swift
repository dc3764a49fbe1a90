/// A named input of the review rules: one fact about a follow-up visit, from its images, its
/// timing or the clinical record.
///
/// Rules name features by their raw value (`gd_lesions`). Each feature has a kind, which fixes the
/// comparisons a rule may make with it, and a one-line definition (printed by `explain` and in
/// docs/review.md). "The visit" is the follow-up visit being reviewed, "the previous visit" the one before
/// it in the patient's order; counts are those of the ledger (after the pipeline's size floor).
public enum Feature: String, CaseIterable, Sendable, Comparable {
    // Counts of the visit, from the ledger.
    case t2Lesions = "t2_lesions"
    case newT2 = "new_t2"
    case enlargingT2 = "enlarging_t2"
    case newOrEnlargingT2 = "new_or_enlarging_t2"
    case gdLesions = "gd_lesions"
    case enhancingT2 = "enhancing_t2"
    // The same activity with punctate foci and patchy enhancement counted with their lesion.
    case newPunctateFoci = "new_punctate_foci"
    case newOrEnlargingT2Grouped = "new_or_enlarging_t2_grouped"
    case gdLesionsGrouped = "gd_lesions_grouped"
    case newActivity = "new_activity"

    // The level before the withdrawn therapy, and the visit's activity against it.
    case preNTZGdCount = "pre_ntz_gd_count"
    case preNTZT2NewCount = "pre_ntz_t2_new_count"
    case gdLesionsAbovePreNTZ = "gd_lesions_above_pre_ntz"
    case newT2AbovePreNTZ = "new_t2_above_pre_ntz"
    case gdRatioToPreNTZ = "gd_ratio_to_pre_ntz"

    // Shape and place of the visit's lesions; "active" lesions are new, enlarging or grew contiguously.
    case largestExtentMM = "largest_extent_mm"
    case largeLesions = "large_lesions"
    case contiguousGrowthLesions = "contiguous_growth_lesions"
    case newLesionContiguousGrowth = "new_lesion_contiguous_growth"
    case largestActiveExtentMM = "largest_active_extent_mm"
    case activeCorticalLesions = "active_cortical_lesions"
    case largestActiveEnhancingRimShare = "largest_active_enhancing_rim_share"
    case newLesionsPeriventricularShare = "new_lesions_periventricular_share"
    case newLesionsCorticalShare = "new_lesions_cortical_share"
    case newLesionsGreyMatterShare = "new_lesions_grey_matter_share"

    // The treatment course and timing, from the visit's row in sessions.tsv.
    case withdrawnTherapy = "withdrawn_therapy"
    case onNatalizumab = "on_natalizumab"
    case ntzRestarted = "ntz_restarted"
    case daysSinceLastInfusion = "days_since_last_infusion"
    case weeksSinceLastInfusion = "weeks_since_last_infusion"
    case weeksSinceWithdrawal = "weeks_since_withdrawal"
    case daysSincePlasmaExchange = "days_since_plasma_exchange"
    case plasmaExchangeReason = "plasma_exchange_reason"
    case weeksOnNextTherapy = "weeks_on_next_therapy"
    case washoutWeeks = "washout_weeks"

    // The clinical record of the visit's row.
    case ntzInfusionCount = "ntz_infusion_count"
    case jcvIndex = "jcv_index"
    case csfJCVPCR = "csf_jcv_pcr"
    case csfJCVPCRUltrasensitive = "csf_jcv_pcr_ultrasensitive"
    case dwiRead = "dwi_read"
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
        case .newActivity, .onNatalizumab, .ntzRestarted, .csfJCVPCRUltrasensitive, .priorImmunosuppressant: .boolean
        case .csfJCVPCR: .category(CSFResult.allCases.map(\.rawValue))
        case .dwiRead: .category(DWIRead.allCases.map(\.rawValue))
        case .withdrawnTherapy: .category(WithdrawnTherapy.allCases.map(\.rawValue))
        case .plasmaExchangeReason: .category(PlasmaExchangeReason.allCases.map(\.rawValue))
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
        case .newOrEnlargingT2: "new_t2 + enlarging_t2 + merged, split or recurrent lesions counted as activity (confluent or grown)"
        case .gdLesions: "Gd+ lesions at the visit (missing without a Gd source)"
        case .enhancingT2: "T2 lesions sharing a voxel with a Gd+ lesion"
        case .newPunctateFoci:
            "new T2 lesions, and new specks under the reader's length floor, that are punctate foci of a new or growing lesion (features.satellites)"
        case .newOrEnlargingT2Grouped: "new_or_enlarging_t2 less the punctate foci it counted: each focus counted with its lesion"
        case .gdLesionsGrouped: "Gd+ lesions, patchy enhancement of one lesion and enhancing foci around an active lesion counted once"
        case .newActivity:
            "a new or enlarging T2 lesion, a new punctate focus or a Gd+ lesion; without a Gd source, the T2 activity alone (PML shows on T2/FLAIR)"
        case .preNTZGdCount:
            "Gd+ lesions before the withdrawn therapy (participants.tsv, else the last session before the first natalizumab infusion)"
        case .preNTZT2NewCount: "new T2 lesions before the withdrawn therapy (participants.tsv, else that session's new_or_enlarging_t2)"
        case .gdLesionsAbovePreNTZ: "gd_lesions_grouped − pre_ntz_gd_count"
        case .newT2AbovePreNTZ: "new_or_enlarging_t2_grouped − pre_ntz_t2_new_count"
        case .gdRatioToPreNTZ: "gd_lesions_grouped / pre_ntz_gd_count (none when pre_ntz_gd_count is 0)"
        case .largestExtentMM: "the largest Feret diameter among the visit's T2 lesions, mm (0 without lesions)"
        case .largeLesions: "T2 lesions whose extent exceeds features.large_lesion_extent_mm"
        case .contiguousGrowthLesions: "T2 lesions growing contiguously (see contiguous growth)"
        case .newLesionContiguousGrowth:
            "T2 lesions first seen after the first scan on natalizumab (or after the first scan) that grew contiguously, at any size"
        case .largestActiveExtentMM: "the largest extent among the new, enlarging or contiguously growing T2 lesions, mm (0 without)"
        case .activeCorticalLesions:
            "new, enlarging or contiguously growing T2 lesions within features.contact_distance_mm of the cortical ribbon"
        case .largestActiveEnhancingRimShare:
            "share of the largest active lesion's Gd+ voxels that lie in its rim (none when it does not enhance or is too small to have a core)"
        case .newLesionsPeriventricularShare: "share of the new, enlarging or growing lesions in contact with the ventricles"
        case .newLesionsCorticalShare: "share of the new, enlarging or growing lesions in contact with the cortical ribbon"
        case .newLesionsGreyMatterShare:
            "share of the new, enlarging or growing lesions in contact with grey matter (deep grey matter included)"
        case .withdrawnTherapy:
            "withdrawn_therapy, else natalizumab when natalizumab is recorded, else fingolimod when fingolimod_stop is"
        case .onNatalizumab:
            "receiving natalizumab at the scan: ntz_status on or restarted; else inferred from ntz_restart, ntz_stop, a count of 0, or an infusion within features.on_natalizumab_weeks"
        case .ntzRestarted: "natalizumab was given again after a stop, before the scan (ntz_status restarted, or an ntz_restart date)"
        case .daysSinceLastInfusion: "days from ntz_last_infusion (else ntz_stop) to the scan"
        case .weeksSinceLastInfusion: "days_since_last_infusion / 7"
        case .weeksSinceWithdrawal:
            "weeks from the withdrawn therapy's last dose (ntz_last_infusion, else ntz_stop; fingolimod_stop) to the scan"
        case .daysSincePlasmaExchange: "days from plasma_exchange to the scan"
        case .plasmaExchangeReason: "why the plasma exchange was given: pml, rebound or other"
        case .weeksOnNextTherapy: "weeks from next_therapy_start to the scan (negative: not started yet)"
        case .washoutWeeks: "weeks from ntz_last_infusion to next_therapy_start"
        case .ntzInfusionCount: "natalizumab infusions received by the scan"
        case .jcvIndex: "anti-JCV antibody index"
        case .csfJCVPCR: "JC-virus DNA in the CSF by PCR: positive, negative or not_done"
        case .csfJCVPCRUltrasensitive: "the CSF PCR was an ultrasensitive assay (yes / no)"
        case .dwiRead: "a neuroradiologist's DWI read: pml_pattern, no_pml_pattern or not_done"
        case .priorImmunosuppressant: "an immunosuppressant before natalizumab (yes / no)"
        case .nextTherapy: "the therapy after natalizumab, as written in sessions.tsv"
        }
    }
}
