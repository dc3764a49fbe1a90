import LesionKernels

/// The host lesions near each small lesion: the search behind punctate foci, the small T2 and Gd+
/// foci that lie within a few mm of a larger lesion (Wijburg et al., JNNP 2016; Hodel et al.,
/// Radiology 2016).
///
/// A **host** is a T2 lesion whose largest extent is at least `satelliteHostMinimumExtentMM`. For
/// each candidate (a T2 or Gd+ lesion) whose largest extent is at most `satelliteMaximumExtentMM`,
/// the hosts whose distance to it — the shortest distance between the centres of a candidate
/// voxel and a host voxel — is at most `satelliteMaximumDistanceMM` are listed, nearest first
/// (ties: the lower label). A candidate is never its own host. Whether a host is new or growing,
/// and so whether the candidate is a punctate focus, is decided with the ledger (`PunctateFoci`).
/// Candidates whose bounding box, grown by the ball's reach, meets no host's bounding box are
/// skipped; the others cost O(voxels × ball offsets).
public enum NearbyHosts {
    /// For each candidate (index label − 1 of `candidateVoxels`), the T2 host labels within reach,
    /// nearest first; empty for candidates too large to be foci or with no host near.
    /// - Parameters:
    ///   - sameMap: the candidates are the T2 lesions themselves (a lesion is not its own host).
    public static func search(
        candidates: [Lesion], candidateVoxels: LabelVoxels, t2: [Lesion], t2Map: LabelMap, sameMap: Bool,
        parameters: FeatureParameters, geometry: VoxelGeometry
    ) -> [[Int]] {
        precondition(candidates.count == candidateVoxels.map.count, "one lesion per candidate label")
        precondition(t2.count == t2Map.count && t2Map.size == candidateVoxels.map.size, "one grid")
        let isHost = t2.map { $0.largestExtentMM >= parameters.satelliteHostMinimumExtentMM }
        guard isHost.contains(true) else { return Array(repeating: [], count: candidates.count) }
        let ball = BallOffsets(radiusMM: parameters.satelliteMaximumDistanceMM, geometry: geometry)
        let labels = t2Map.labels.voxels
        let size = t2Map.size
        let reach = ball.reach
        let hostBoxes = t2.filter { isHost[$0.label - 1] }.map(\.boundingBox)
        func near(_ box: VoxelBox) -> Bool {
            hostBoxes.contains { host in
                box.lower.i - reach.i <= host.upper.i && host.lower.i <= box.upper.i + reach.i
                    && box.lower.j - reach.j <= host.upper.j && host.lower.j <= box.upper.j + reach.j
                    && box.lower.k - reach.k <= host.upper.k && host.lower.k <= box.upper.k + reach.k
            }
        }
        return candidates.map { candidate in
            guard candidate.largestExtentMM <= parameters.satelliteMaximumExtentMM, near(candidate.boundingBox) else { return [] }
            var nearest: [Int: Double] = [:]
            for centre in candidateVoxels.voxels(of: candidate.label) {
                ball.walk(around: centre, in: size) { neighbour, _, offset in
                    let label = Int(labels[neighbour])
                    if label != 0 && isHost[label - 1] && !(sameMap && label == candidate.label) {
                        nearest[label] = min(nearest[label] ?? .infinity, offset.distanceMM)
                    }
                    return true
                }
            }
            return nearest.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
        }
    }
}
