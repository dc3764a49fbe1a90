import LesionKernels

/// Satellites: small lesions lying within a few mm of a large one, as the punctate "milky way"
/// foci around a PML lesion (Wijburg et al., JNNP 2016; Hodel et al., Radiology 2016).
///
/// A **host** is a lesion whose largest extent is at least `satelliteHostMinimumExtentMM`; a
/// **satellite** is any other lesion whose largest extent is at most `satelliteMaximumExtentMM`
/// and whose distance to a host — the shortest distance between the centres of a satellite voxel
/// and a host voxel — is at most `satelliteMaximumDistanceMM`. Each satellite belongs to its
/// nearest host (ties: the lower label). Candidates whose bounding box, grown by the ball's reach,
/// meets no host's bounding box are skipped; the others cost O(voxels × ball offsets).
public enum SatelliteSearch {
    /// The host label of each lesion (index label − 1), nil for lesions that are not satellites.
    public static func hosts(
        lesions: [Lesion], voxels: LabelVoxels, parameters: FeatureParameters, geometry: VoxelGeometry
    ) -> [Int?] {
        precondition(lesions.count == voxels.map.count, "one lesion per label")
        let isHost = lesions.map { $0.largestExtentMM >= parameters.satelliteHostMinimumExtentMM }
        guard isHost.contains(true) else { return Array(repeating: nil, count: lesions.count) }
        let ball = BallOffsets(radiusMM: parameters.satelliteMaximumDistanceMM, geometry: geometry)
        let labels = voxels.map.labels.voxels
        let size = voxels.map.size
        let reach = ball.reach
        let hostBoxes = lesions.filter { isHost[$0.label - 1] }.map(\.boundingBox)
        func near(_ box: VoxelBox) -> Bool {
            hostBoxes.contains { host in
                box.lower.i - reach.i <= host.upper.i && host.lower.i <= box.upper.i + reach.i
                    && box.lower.j - reach.j <= host.upper.j && host.lower.j <= box.upper.j + reach.j
                    && box.lower.k - reach.k <= host.upper.k && host.lower.k <= box.upper.k + reach.k
            }
        }
        return lesions.map { lesion in
            guard !isHost[lesion.label - 1], lesion.largestExtentMM <= parameters.satelliteMaximumExtentMM,
                near(lesion.boundingBox)
            else { return nil }
            var best: (distance: Double, host: Int)?
            for centre in voxels.voxels(of: lesion.label) {
                ball.walk(around: centre, in: size) { neighbour, _, offset in
                    if let best, offset.distanceMM > best.distance { return false }
                    let label = Int(labels[neighbour])
                    if label != 0 && isHost[label - 1] {
                        if best == nil || (offset.distanceMM, label) < (best!.distance, best!.host) {
                            best = (offset.distanceMM, label)
                        }
                    }
                    return true
                }
            }
            return best?.host
        }
    }
}
