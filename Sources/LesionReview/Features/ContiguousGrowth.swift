import LesionLongitudinal

/// Contiguous growth: a lesion that extends an earlier lesion, as opposed to one that appears
/// elsewhere.
///
/// A lesion present at a follow-up visit grows contiguously when it shares voxels with lesions of
/// the previous visit (it has previous partners in the ledger, whatever its state: enlarging,
/// merged or split) and its volume grew by the pipeline's enlarging rule — ratio ≥
/// `matching.enlarging_ratio` and increase ≥ `matching.min_volume_change_mm3` — against those
/// partners together. Being one connected component that overlaps the earlier lesion, its new
/// voxels adjoin it. A `new` lesion did not grow contiguously. PML grows contiguously over months
/// (expert opinion; no published threshold).
public struct ContiguousGrowth: Sendable {
    public let rule: MatchingRule
    public let voxelVolumeMM3: Double

    public init(rule: MatchingRule, voxelVolumeMM3: Double) {
        self.rule = rule
        self.voxelVolumeMM3 = voxelVolumeMM3
    }

    /// Nil for baseline rows and IDs that ended; false for new lesions.
    public func grew(_ entry: LedgerEntry) -> Bool? {
        guard entry.state.isPresent, entry.state != .baseline else { return nil }
        guard let previous = entry.previousVolumeMM3 else { return false }
        let previousVoxels = Int((previous / voxelVolumeMM3).rounded())
        return rule.volumeState(earlierVoxels: previousVoxels, laterVoxels: entry.voxelCount, voxelVolumeMM3: voxelVolumeMM3) == .enlarging
    }

    /// The volume gained since the previous visit, mm³ (negative when it shrank); nil unless the
    /// lesion continues earlier lesions.
    public func growthMM3(_ entry: LedgerEntry) -> Double? {
        guard entry.state.isPresent, entry.state != .baseline, let previous = entry.previousVolumeMM3 else { return nil }
        return entry.volumeMM3 - previous
    }
}
