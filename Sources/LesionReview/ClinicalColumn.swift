/// The clinical columns of `sub-<id>_sessions.tsv` the review reads; each row describes the
/// situation at that session's scan.
public enum ClinicalColumn: String, CaseIterable, Sendable {
    /// The scan's date (ISO 8601), also used to order sessions.
    case acquisitionTime = "acq_time"
    /// The last natalizumab infusion before the scan (date).
    case lastInfusion = "ntz_last_infusion"
    /// Natalizumab infusions received by the scan (whole number).
    case infusionCount = "ntz_infusion_count"
    /// The last plasma exchange before the scan (date); `n/a`: none.
    case plasmaExchange = "plasma_exchange"
    /// Anti-JCV antibody index (number).
    case jcvIndex = "jcv_index"
    /// `positive`, `negative` or `not_done`.
    case csfJCVPCR = "csf_jcv_pcr"
    /// `yes` or `no`.
    case priorImmunosuppressant = "prior_immunosuppressant"
    /// The therapy after natalizumab (text); `n/a`: none.
    case nextTherapy = "next_therapy"
    /// Its start (date); `n/a`: none.
    case nextTherapyStart = "next_therapy_start"

    /// True when `n/a` in a present column means "none" (a known absence) rather than "unknown".
    public var naMeansNone: Bool {
        self == .plasmaExchange || self == .nextTherapy || self == .nextTherapyStart
    }
}
