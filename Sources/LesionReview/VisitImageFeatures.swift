import LesionKernels
import LesionLongitudinal

/// The image features of every T2 lesion of one visit, measured on the patient's common grid.
///
/// Each lesion gets: the large flag (extent > `largeLesionExtentMM`), contact with grey matter and
/// with the ventricles (`MaskContact`, when those maps are given), its satellites and host
/// (`SatelliteSearch`), and the rim and core counts of its enhancing voxels (`RimCoreCounts`, when
/// the visit has a Gd source). Pure: the maps come already placed on the grid.
public struct VisitImageFeatures: Sendable {
    /// One per T2 label (index label − 1).
    public let lesions: [LesionImageFeatures]
    public let hasGreyMatter: Bool
    public let hasVentricles: Bool
    public let hasGd: Bool

    public init(lesions: [LesionImageFeatures], hasGreyMatter: Bool, hasVentricles: Bool, hasGd: Bool) {
        self.lesions = lesions
        self.hasGreyMatter = hasGreyMatter
        self.hasVentricles = hasVentricles
        self.hasGd = hasGd
    }

    /// - Parameters:
    ///   - greyMatter, ventricles: masks on the visit's grid, nil when the visit has none.
    public static func measure(
        _ visit: VisitLesions, greyMatter: BitMask?, ventricles: BitMask?, geometry: VoxelGeometry,
        parameters: FeatureParameters
    ) -> VisitImageFeatures {
        let voxels = LabelVoxels(visit.t2Map)
        let contact = BallOffsets(radiusMM: parameters.contactDistanceMM, geometry: geometry)
        let cortical = greyMatter.map { MaskContact.lesionsTouching($0, voxels: voxels, ball: contact) }
        let periventricular = ventricles.map { MaskContact.lesionsTouching($0, voxels: voxels, ball: contact) }
        let hosts = SatelliteSearch.hosts(lesions: visit.t2.lesions, voxels: voxels, parameters: parameters, geometry: geometry)
        var satellites = [Int](repeating: 0, count: visit.t2.lesions.count)
        for host in hosts.compactMap({ $0 }) { satellites[host - 1] += 1 }
        let enhancement = visit.gd.map { gd in
            RimCoreCounts.measure(
                voxels: voxels, enhancing: gd.map,
                ball: BallOffsets(radiusMM: parameters.rimThicknessMM, geometry: geometry))
        }
        let lesions = visit.t2.lesions.enumerated().map { n, lesion in
            LesionImageFeatures(
                label: lesion.label, isLarge: lesion.largestExtentMM > parameters.largeLesionExtentMM,
                corticalContact: cortical?[n], periventricular: periventricular?[n], satelliteOf: hosts[n],
                satellites: satellites[n], enhancement: enhancement?[n])
        }
        return VisitImageFeatures(
            lesions: lesions, hasGreyMatter: greyMatter != nil, hasVentricles: ventricles != nil, hasGd: visit.gd != nil)
    }
}
