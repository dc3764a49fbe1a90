/// The review's safety gate: while PML is possible and has not been addressed, a visit is
/// `suspected_pml_iris` or `indeterminate`, always with urgent review, never rebound, reactivation
/// or no new activity.
///
/// Calling PML "rebound" invites steroids alone, a natalizumab restart or another immunotherapy,
/// which can be fatal in PML; calling rebound "suspected PML" costs a lumbar puncture, a DWI and a
/// short-interval scan. The gate makes that asymmetry part of the rules file (`safety:`):
/// - **PML possible** when `pmlPossible` is true **or cannot be settled** for missing data: unknown
///   is not negative, so missing data never closes the gate.
/// - **PML addressed** only when `pmlAddressed` is true: missing data never counts as addressed.
/// The gate is open when PML is possible and not addressed. Rebound or reactivation may then be
/// named as the leading alternative, beside "PML not excluded", never instead of it.
public struct SafetyPolicy: Sendable, Equatable {
    public var pmlPossible: Condition
    public var pmlAddressed: Condition
    /// What would exclude PML, in plain words (repeated in every open gate's reasons).
    public var excludedBy: String
    /// The sources of the gate's conditions.
    public var source: String

    public init(pmlPossible: Condition, pmlAddressed: Condition, excludedBy: String, source: String) {
        self.pmlPossible = pmlPossible
        self.pmlAddressed = pmlAddressed
        self.excludedBy = excludedBy
        self.source = source
    }

    /// The `safety` section of `Pipelines/rules.yaml`.
    public static let standard = SafetyPolicy(
        pmlPossible: .all([
            .comparison(try! Comparison.parse("new_activity == true")),
            .any([
                .comparison(try! Comparison.parse("on_natalizumab == true")),
                .comparison(try! Comparison.parse("days_since_last_infusion <= 183")),
            ]),
            .comparison(try! Comparison.parse("jcv_index >= 0.2")),
        ]),
        pmlAddressed: .all([
            .comparison(try! Comparison.parse("csf_jcv_pcr == negative")),
            .comparison(try! Comparison.parse("csf_jcv_pcr_ultrasensitive == true")),
            .comparison(try! Comparison.parse("dwi_read == no_pml_pattern")),
        ]),
        excludedBy:
            "an ultrasensitive CSF JC-virus PCR, a DWI read by a neuroradiologist, and a short-interval MRI to see whether the lesion grows",
        source:
            "PML vigilance for about 6 months after the last dose (natalizumab product labelling); anti-JCV index below 0.20 negative (STRATIFY JCV DxSelect assay); a negative PCR does not exclude small PML (Wijburg et al., JAMA Neurol 2018); DWI (Hodel et al., Radiology 2016)"
    )

    /// The gate at one visit.
    public func evaluate(_ features: VisitFeatures) -> SafetyGate {
        SafetyGate(
            possible: ConditionOutcome(pmlPossible, features), addressed: ConditionOutcome(pmlAddressed, features),
            policy: self)
    }
}

/// The state of the safety gate at one visit (`SafetyPolicy`).
public struct SafetyGate: Sendable {
    public let possible: ConditionOutcome
    public let addressed: ConditionOutcome
    public let policy: SafetyPolicy

    /// PML possible: its condition is true or unknown.
    public var pmlPossible: Bool { possible.truth != .no }
    /// PML addressed: its condition is true.
    public var pmlAddressed: Bool { addressed.truth == .yes }
    /// The gate holds the visit at suspected PML or indeterminate, with urgent review.
    public var isOpen: Bool { pmlPossible && !pmlAddressed }

    /// One line: `PML possible (…); not addressed (…)`.
    public var text: String {
        func tests(_ o: ConditionOutcome) -> String {
            o.tests.map { t in
                "\(t.comparison.feature.rawValue) = \(t.actual?.description ?? "missing"): \(t.comparison) is \(t.truth == .yes ? "true" : t.truth == .no ? "false" : "unknown")"
            }.joined(separator: "; ")
        }
        let possibleText =
            switch possible.truth {
            case .yes: "PML possible (\(tests(possible)))"
            case .unknown: "PML possible: not excluded for missing data, and unknown is not negative (\(tests(possible)))"
            case .no: "PML not possible by the gate (\(tests(possible)))"
            }
        guard pmlPossible else { return possibleText }
        let addressedText = pmlAddressed ? "addressed (\(tests(addressed)))" : "not addressed (\(tests(addressed)))"
        return possibleText + "; " + addressedText
    }
}
