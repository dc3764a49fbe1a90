import LesionLongitudinal

/// The patient's disease activity before natalizumab, against which rebound is measured.
///
/// Rebound is activity after stopping natalizumab above the level before it; reactivation is a
/// return to about that level (Prosperini et al., Ther Adv Neurol Disord 2019). Each value comes
/// from `participants.tsv` (`pre_ntz_gd_count`, `pre_ntz_t2_new_count`) when given there, else from
/// the last scan before natalizumab (`beforeTreatment`): its Gd+ count and, unless it is the
/// baseline, its new-or-enlarging T2 count. For a fingolimod withdrawal the same columns hold the
/// level before fingolimod. A count from that scan's limited series (short of the brain, or with
/// coarse voxels) is only a lower bound of the level (`gdBound`, `t2NewBound`).
public struct PreTreatmentLevel: Sendable, Equatable {
    public var gdCount: Int?
    public var t2NewCount: Int?
    /// Where each value came from (`participants.tsv`, `ses-00 (ntz_infusion_count 0)`), or why it is missing.
    public var gdSource: String
    public var t2NewSource: String
    /// Why each value is only a lower bound of the level (its session's series could have missed
    /// lesions, `FeatureParameters.lowerBoundLimitation`); nil when it is exact.
    public var gdBound: String?
    public var t2NewBound: String?

    public init(
        gdCount: Int?, t2NewCount: Int?, gdSource: String, t2NewSource: String, gdBound: String? = nil, t2NewBound: String? = nil
    ) {
        self.gdCount = gdCount
        self.t2NewCount = t2NewCount
        self.gdSource = gdSource
        self.t2NewSource = t2NewSource
        self.gdBound = gdBound
        self.t2NewBound = t2NewBound
    }

    /// - Parameters:
    ///   - participantsGd, participantsT2New: the participant's values in `participants.tsv` (nil
    ///     when not given), named by `participantsSource`; `gdMissing`, `t2NewMissing` say why not.
    ///   - sessions: each visit's label, infusion count and counts, in visit order.
    ///   - bounds: for each visit, why its T2 and Gd counts are only lower bounds (nil when exact);
    ///     empty when every count is exact.
    public static func resolve(
        participantsGd: Int?, gdMissing: String, participantsT2New: Int?, t2NewMissing: String,
        participantsSource: String, sessions: [(label: String, infusionCount: Int?, counts: VisitCounts)],
        bounds: [(t2: String?, gd: String?)] = []
    ) -> PreTreatmentLevel {
        let before = beforeTreatment(sessions.map(\.infusionCount)).lastIndex(of: true)
        let sessionName = before.map { "\(sessions[$0].label) (ntz_infusion_count 0)" }
        var level = PreTreatmentLevel(gdCount: nil, t2NewCount: nil, gdSource: "", t2NewSource: "")
        if let gd = participantsGd {
            level.gdCount = gd
            level.gdSource = participantsSource
        } else if let before, let gd = sessions[before].counts.gdLesions {
            level.gdCount = gd
            level.gdSource = sessionName!
            level.gdBound = bounds.isEmpty ? nil : bounds[before].gd
        } else {
            level.gdSource =
                gdMissing
                + (before == nil
                    ? ", and no session is before natalizumab (ntz_infusion_count 0 before a session with infusions)"
                    : ", and \(sessionName!) has no Gd source")
        }
        if let t2 = participantsT2New {
            level.t2NewCount = t2
            level.t2NewSource = participantsSource
        } else if let before, let t2 = sessions[before].counts.newOrEnlargingT2 {
            level.t2NewCount = t2
            level.t2NewSource = sessionName!
            level.t2NewBound = bounds.isEmpty ? nil : bounds[before].t2
        } else {
            level.t2NewSource =
                t2NewMissing
                + (before == nil
                    ? ", and no session is before natalizumab (ntz_infusion_count 0 before a session with infusions)"
                    : ", and \(sessionName!) is the baseline (no earlier scan to count new lesions against)")
        }
        return level
    }

    /// For each session, whether it is a scan before natalizumab: `ntz_infusion_count` 0 with a
    /// later session that has had infusions. A patient whose every count is 0 or unknown has no
    /// such scan (a fingolimod withdrawal, say): each of its visits is reviewed.
    public static func beforeTreatment(_ infusionCounts: [Int?]) -> [Bool] {
        var treatedLater = false
        var before = [Bool](repeating: false, count: infusionCounts.count)
        for n in infusionCounts.indices.reversed() {
            before[n] = treatedLater && infusionCounts[n] == 0
            if let count = infusionCounts[n], count > 0 { treatedLater = true }
        }
        return before
    }
}
