/// A time window a rule scores: a closed range of days after a therapy event, read from the
/// rule's condition, with the hypothesis the rule supports.
///
/// A rule defines a window when the comparisons its condition requires (the condition itself, or
/// the members of `all:` lists, nested; never those under `any:`) bound one time-since-event
/// feature from both sides: `days_since_last_infusion`, `weeks_since_last_infusion` and
/// `weeks_since_withdrawal` (× 7) after the last infusion (windows are dated only from a
/// natalizumab infusion, so a fingolimod patient has none), `days_since_plasma_exchange` after the plasma exchange. Several bounds on
/// one event intersect; `==` bounds both sides; `!=` bounds neither. Strict and non-strict bounds
/// give the same window (the window is for display, at day resolution). The hypotheses are those
/// the rule adds a positive weight to, and `suspected_pml_iris` for an urgent-review rule.
///
/// Equivalent, for `Pipelines/rules.yaml`: `rebound-typical-window` gives rebound 84…210 days
/// after the last infusion, `iris-after-stopping` suspected_pml_iris 0…183 days after it,
/// `iris-after-plasma-exchange` suspected_pml_iris 0…183 days after the plasma exchange. They
/// overlap: timing alone never decides between the hypotheses.
public struct TimeWindow: Sendable, Equatable {
    /// The therapy event a window is counted from.
    public enum Event: String, Sendable, CaseIterable {
        /// `ntz_last_infusion` of the sessions table.
        case lastInfusion = "last_infusion"
        /// `plasma_exchange` of the sessions table.
        case plasmaExchange = "plasma_exchange"
    }

    public let rule: RuleID
    public let hypothesis: ReviewClass
    public let event: Event
    /// The features that bound it, as written in the rule, in the order first written.
    public let features: [Feature]
    /// Days after the event: the window is `fromDays...toDays`.
    public let fromDays: Double
    public let toDays: Double

    public init(rule: RuleID, hypothesis: ReviewClass, event: Event, features: [Feature], fromDays: Double, toDays: Double) {
        self.rule = rule
        self.hypothesis = hypothesis
        self.event = event
        self.features = features
        self.fromDays = fromDays
        self.toDays = toDays
    }

    /// The event a feature counts from and the days in one of its units; nil for other features.
    static func timing(_ feature: Feature) -> (event: Event, daysPerUnit: Double)? {
        switch feature {
        case .daysSinceLastInfusion: (.lastInfusion, 1)
        case .weeksSinceLastInfusion: (.lastInfusion, 7)
        // For a natalizumab withdrawal, the weeks since its last dose are those since the last infusion.
        case .weeksSinceWithdrawal: (.lastInfusion, 7)
        case .daysSincePlasmaExchange: (.plasmaExchange, 1)
        default: nil
        }
    }

    /// The windows of every rule, in rule order, then hypothesis order (`ReviewClass.hypotheses`),
    /// then event order. Linear in the size of the rule set.
    public static func windows(in rules: RuleSet) -> [TimeWindow] {
        var found: [TimeWindow] = []
        for rule in rules.rules {
            var hypotheses = ReviewClass.hypotheses.filter { (rule.weights[$0] ?? 0) > 0 }
            if rule.urgentReview && !hypotheses.contains(.suspectedPMLIRIS) { hypotheses.append(.suspectedPMLIRIS) }
            guard !hypotheses.isEmpty else { continue }
            var low: [Event: Double] = [:], high: [Event: Double] = [:]
            var features: [Event: [Feature]] = [:]
            for comparison in required(rule.condition) {
                guard let (event, unit) = timing(comparison.feature), case .number(let value) = comparison.value else { continue }
                let days = value * unit
                switch comparison.op {
                case .greater, .greaterOrEqual: low[event] = max(low[event] ?? -.infinity, days)
                case .less, .lessOrEqual: high[event] = min(high[event] ?? .infinity, days)
                case .equal:
                    low[event] = max(low[event] ?? -.infinity, days)
                    high[event] = min(high[event] ?? .infinity, days)
                case .notEqual: continue
                }
                if !(features[event] ?? []).contains(comparison.feature) { features[event, default: []].append(comparison.feature) }
            }
            for hypothesis in hypotheses {
                for event in Event.allCases {
                    guard let from = low[event], let to = high[event], from <= to else { continue }
                    found.append(
                        TimeWindow(
                            rule: rule.id, hypothesis: hypothesis, event: event, features: features[event] ?? [],
                            fromDays: from, toDays: to))
                }
            }
        }
        return found
    }

    /// The comparisons that must all hold for `condition` to hold.
    static func required(_ condition: Condition) -> [Comparison] {
        switch condition {
        case .comparison(let c): [c]
        case .all(let parts): parts.flatMap(required)
        case .any(let parts): parts.count == 1 ? required(parts[0]) : []
        }
    }
}

extension ISODateTime {
    /// The calendar date `days` whole days after this one's date (fractions dropped toward the
    /// earlier day), as `YYYY-MM-DD`.
    public func date(addingDays days: Double) -> String {
        let day = Int((secondsSinceEpoch / Self.secondsPerDay).rounded(.down)) + Int(days.rounded(.down))
        let (year, month, dayOfMonth) = Self.civil(fromDays: day)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))"
    }

    /// The civil date of a day count from 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
