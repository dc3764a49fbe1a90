/// The clinical columns of `sub-<id>_sessions.tsv` the review reads; each row describes the
/// situation at that session's scan. `n/a`, or an absent column, means unknown — except in the
/// columns whose `naMeansNone` says `n/a` records a known absence.
public enum ClinicalColumn: String, CaseIterable, Sendable {
    /// The scan's date (ISO 8601), also used to order sessions.
    case acquisitionTime = "acq_time"
    /// The therapy whose withdrawal the review concerns: `natalizumab` or `fingolimod`.
    case withdrawnTherapy = "withdrawn_therapy"
    /// Natalizumab at the scan: `on` (receiving infusions), `stopped`, `restarted` (stopped,
    /// then given again before the scan) or `never`.
    case natalizumabStatus = "ntz_status"
    /// `standard` (every 4 weeks) or `extended` (extended-interval dosing, every 5 to 8 weeks).
    case natalizumabDosing = "ntz_dosing"
    /// The last natalizumab infusion before the scan (date).
    case lastInfusion = "ntz_last_infusion"
    /// Natalizumab infusions received by the scan (whole number).
    case infusionCount = "ntz_infusion_count"
    /// The date natalizumab was stopped; `n/a`: not stopped (or unknown, when `ntz_status` is unknown too).
    case natalizumabStop = "ntz_stop"
    /// The date natalizumab was given again after a stop; `n/a`: no restart.
    case natalizumabRestart = "ntz_restart"
    /// The date fingolimod was stopped, for a fingolimod withdrawal; `n/a`: none.
    case fingolimodStop = "fingolimod_stop"
    /// The last plasma exchange before the scan (date); `n/a`: none.
    case plasmaExchange = "plasma_exchange"
    /// Why it was given: `pml` (to remove natalizumab in PML), `rebound` (rescue of a severe
    /// rebound) or `other`.
    case plasmaExchangeReason = "plasma_exchange_reason"
    /// Anti-JCV antibody index (number).
    case jcvIndex = "jcv_index"
    /// `positive`, `negative` or `not_done`.
    case csfJCVPCR = "csf_jcv_pcr"
    /// Whether the CSF PCR was an ultrasensitive assay: `yes` or `no`.
    case csfJCVPCRUltrasensitive = "csf_jcv_pcr_ultrasensitive"
    /// A neuroradiologist's reading of diffusion-weighted imaging at the scan: `pml_pattern`,
    /// `no_pml_pattern` or `not_done`.
    case dwiRead = "dwi_read"
    /// `yes` or `no`.
    case priorImmunosuppressant = "prior_immunosuppressant"
    /// The therapy after natalizumab (text); `n/a`: none.
    case nextTherapy = "next_therapy"
    /// Its start (date); `n/a`: none.
    case nextTherapyStart = "next_therapy_start"

    /// What a cell of the column holds.
    public enum Kind: Sendable, Equatable {
        /// An ISO 8601 date or date and time.
        case date
        /// A whole number, 0 or more.
        case count
        /// A finite number, 0 or more.
        case number
        /// One of a fixed set of words.
        case word([String])
        /// Free text.
        case text
    }

    public var kind: Kind {
        switch self {
        case .acquisitionTime, .lastInfusion, .natalizumabStop, .natalizumabRestart, .fingolimodStop, .plasmaExchange,
            .nextTherapyStart:
            .date
        case .infusionCount: .count
        case .jcvIndex: .number
        case .withdrawnTherapy: .word(WithdrawnTherapy.allCases.map(\.rawValue))
        case .natalizumabStatus: .word(NatalizumabStatus.allCases.map(\.rawValue))
        case .natalizumabDosing: .word(NatalizumabDosing.allCases.map(\.rawValue))
        case .plasmaExchangeReason: .word(PlasmaExchangeReason.allCases.map(\.rawValue))
        case .csfJCVPCR: .word(CSFResult.allCases.map(\.rawValue))
        case .dwiRead: .word(DWIRead.allCases.map(\.rawValue))
        case .csfJCVPCRUltrasensitive, .priorImmunosuppressant: .word(["yes", "no"])
        case .nextTherapy: .text
        }
    }

    /// True when `n/a` in a present column means "none" (a known absence) rather than "unknown".
    public var naMeansNone: Bool {
        switch self {
        case .plasmaExchange, .nextTherapy, .nextTherapyStart, .natalizumabRestart, .fingolimodStop: true
        default: false
        }
    }

    /// One line for the BIDS sidecar (`sessions.json`) and docs/review.md.
    public var definition: String {
        switch self {
        case .acquisitionTime: "Date (and time) of the scan; orders the sessions."
        case .withdrawnTherapy: "The disease-modifying therapy whose withdrawal is reviewed."
        case .natalizumabStatus: "Natalizumab at the time of the scan."
        case .natalizumabDosing: "Natalizumab dosing interval."
        case .lastInfusion: "The last natalizumab infusion before the scan."
        case .infusionCount: "Natalizumab infusions received by the scan; 0 marks a scan before natalizumab."
        case .natalizumabStop: "The date natalizumab was stopped."
        case .natalizumabRestart: "The date natalizumab was given again after a stop."
        case .fingolimodStop: "The date fingolimod was stopped."
        case .plasmaExchange: "The last plasma exchange before the scan."
        case .plasmaExchangeReason: "Why the plasma exchange was given."
        case .jcvIndex:
            "Anti-JCV antibody index (STRATIFY JCV DxSelect: below 0.20 negative, 0.20 to 0.40 indeterminate, above 0.40 positive)."
        case .csfJCVPCR: "JC-virus DNA in the CSF by PCR."
        case .csfJCVPCRUltrasensitive: "Whether that PCR was an ultrasensitive assay."
        case .dwiRead: "A neuroradiologist's reading of diffusion-weighted imaging at this scan."
        case .priorImmunosuppressant: "An immunosuppressant before natalizumab."
        case .nextTherapy: "The therapy after natalizumab."
        case .nextTherapyStart: "The start of the next therapy."
        }
    }

    /// The unit of a number or date column, for the sidecar's `Units`; nil for words and text.
    public var units: String? {
        switch kind {
        case .date: "ISO 8601 date or date-time"
        case .count: "infusions"
        case .number: "index (no unit)"
        case .word, .text: nil
        }
    }

    /// The meaning of each word of a `word` column, for the sidecar's `Levels`.
    public var levels: [(String, String)] {
        switch self {
        case .withdrawnTherapy:
            [("natalizumab", "natalizumab withdrawal"), ("fingolimod", "fingolimod withdrawal (not a natalizumab patient)")]
        case .natalizumabStatus:
            [
                ("on", "receiving natalizumab infusions"), ("stopped", "natalizumab stopped, not given again before the scan"),
                ("restarted", "natalizumab stopped, then given again before the scan"), ("never", "never received natalizumab"),
            ]
        case .natalizumabDosing: [("standard", "every 4 weeks"), ("extended", "extended-interval dosing, every 5 to 8 weeks")]
        case .plasmaExchangeReason:
            [
                ("pml", "to remove natalizumab in suspected or confirmed PML"),
                ("rebound", "rescue treatment of a severe rebound"), ("other", "another reason"),
            ]
        case .csfJCVPCR: [("positive", "JC-virus DNA detected"), ("negative", "not detected"), ("not_done", "not done")]
        case .dwiRead:
            [
                ("pml_pattern", "DWI findings suggestive of PML"), ("no_pml_pattern", "DWI read, nothing suggestive of PML"),
                ("not_done", "no DWI read"),
            ]
        case .csfJCVPCRUltrasensitive, .priorImmunosuppressant: [("yes", "yes"), ("no", "no")]
        default: []
        }
    }
}

/// `withdrawn_therapy`.
public enum WithdrawnTherapy: String, CaseIterable, Sendable {
    case natalizumab
    case fingolimod
}

/// `ntz_status`.
public enum NatalizumabStatus: String, CaseIterable, Sendable {
    case on
    case stopped
    case restarted
    case never
}

/// `ntz_dosing`.
public enum NatalizumabDosing: String, CaseIterable, Sendable {
    case standard
    case extended
}

/// `plasma_exchange_reason`.
public enum PlasmaExchangeReason: String, CaseIterable, Sendable {
    case pml
    case rebound
    case other
}

/// `dwi_read`.
public enum DWIRead: String, CaseIterable, Sendable {
    case pmlPattern = "pml_pattern"
    case noPMLPattern = "no_pml_pattern"
    case notDone = "not_done"
}
