/// The clinical facts of one session, as read from its row of `sub-<id>_sessions.tsv`.
///
/// A fact is either known, known to be absent (`n/a` in a column where that means "none": no
/// plasma exchange, no next therapy), or missing with a reason (the column is absent, or `n/a`
/// where a value was expected).
public struct ClinicalRecord: Sendable, Equatable {
    public var acquisitionTime: ISODateTime?
    public var lastInfusion: ISODateTime?
    public var infusionCount: Int?
    public var plasmaExchange: ISODateTime?
    public var jcvIndex: Double?
    public var csfJCVPCR: CSFResult?
    public var priorImmunosuppressant: Bool?
    public var nextTherapy: String?
    public var nextTherapyStart: ISODateTime?
    /// Columns whose `n/a` means "none" at this session.
    public var absent: Set<ClinicalColumn>
    /// Why each missing fact is missing.
    public var missing: [ClinicalColumn: String]

    public init() {
        absent = []
        missing = [:]
    }
}
