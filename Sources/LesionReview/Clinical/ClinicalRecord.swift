/// The clinical facts of one session, as read from its row of `sub-<id>_sessions.tsv`.
///
/// A fact is either known, known to be absent (`n/a` in a column where that means "none": no
/// plasma exchange, no restart, no next therapy), or missing with a reason (the column is absent,
/// or `n/a` where a value was expected). Missing is unknown, never negative.
public struct ClinicalRecord: Sendable, Equatable {
    public var acquisitionTime: ISODateTime?
    public var withdrawnTherapy: WithdrawnTherapy?
    public var natalizumabStatus: NatalizumabStatus?
    public var natalizumabDosing: NatalizumabDosing?
    public var lastInfusion: ISODateTime?
    public var infusionCount: Int?
    public var natalizumabStop: ISODateTime?
    public var natalizumabRestart: ISODateTime?
    public var fingolimodStop: ISODateTime?
    public var plasmaExchange: ISODateTime?
    public var plasmaExchangeReason: PlasmaExchangeReason?
    public var jcvIndex: Double?
    public var csfJCVPCR: CSFResult?
    public var csfJCVPCRUltrasensitive: Bool?
    public var dwiRead: DWIRead?
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

    /// The date of a date column, nil when it is not one or is not known.
    public func date(_ column: ClinicalColumn) -> ISODateTime? {
        switch column {
        case .acquisitionTime: acquisitionTime
        case .lastInfusion: lastInfusion
        case .natalizumabStop: natalizumabStop
        case .natalizumabRestart: natalizumabRestart
        case .fingolimodStop: fingolimodStop
        case .plasmaExchange: plasmaExchange
        case .nextTherapyStart: nextTherapyStart
        default: nil
        }
    }

    /// Records a cell already checked against its column's kind (`ClinicalColumn.Kind`); `date`
    /// for date columns, `number` for counts and numbers, `word` for the others.
    public mutating func set(_ column: ClinicalColumn, date: ISODateTime? = nil, number: Double? = nil, word: String? = nil) {
        switch column {
        case .acquisitionTime: acquisitionTime = date
        case .lastInfusion: lastInfusion = date
        case .natalizumabStop: natalizumabStop = date
        case .natalizumabRestart: natalizumabRestart = date
        case .fingolimodStop: fingolimodStop = date
        case .plasmaExchange: plasmaExchange = date
        case .nextTherapyStart: nextTherapyStart = date
        case .infusionCount: infusionCount = number.map { Int($0) }
        case .jcvIndex: jcvIndex = number
        case .withdrawnTherapy: withdrawnTherapy = word.flatMap(WithdrawnTherapy.init(rawValue:))
        case .natalizumabStatus: natalizumabStatus = word.flatMap(NatalizumabStatus.init(rawValue:))
        case .natalizumabDosing: natalizumabDosing = word.flatMap(NatalizumabDosing.init(rawValue:))
        case .plasmaExchangeReason: plasmaExchangeReason = word.flatMap(PlasmaExchangeReason.init(rawValue:))
        case .csfJCVPCR: csfJCVPCR = word.flatMap(CSFResult.init(rawValue:))
        case .dwiRead: dwiRead = word.flatMap(DWIRead.init(rawValue:))
        case .csfJCVPCRUltrasensitive: csfJCVPCRUltrasensitive = word.map { $0 == "yes" }
        case .priorImmunosuppressant: priorImmunosuppressant = word.map { $0 == "yes" }
        case .nextTherapy: nextTherapy = word
        }
    }
}

extension ClinicalRecord {
    /// The withdrawn therapy the other columns imply when `withdrawn_therapy` is not given:
    /// natalizumab when any natalizumab fact says it was given, else fingolimod when its stop is
    /// dated; nil when nothing is recorded.
    public var impliedWithdrawnTherapy: WithdrawnTherapy? {
        let natalizumab =
            (infusionCount ?? 0) > 0 || lastInfusion != nil || natalizumabStop != nil
            || [.on, .stopped, .restarted].contains(natalizumabStatus)
        if natalizumab { return .natalizumab }
        return fingolimodStop != nil ? .fingolimod : nil
    }
}
