import LesionKernels
import LesionLongitudinal

/// The image features of every T2 and Gd+ lesion of one visit, measured on the patient's common grid.
///
/// Each T2 lesion gets: the large flag (extent > `largeLesionExtentMM`), contact with the cortical
/// ribbon, with grey matter and with the ventricles (`MaskContact`, when those maps are given),
/// the hosts near it when it is small (`NearbyHosts`), and the rim and core counts of its
/// enhancing voxels (`RimCoreCounts`, when the visit has a Gd source). Each Gd+ lesion gets the T2
/// lesion it overlaps most, or the hosts near it when it overlaps none (`GdLesionLink`). Pure: the
/// maps come already placed on the grid.
public struct VisitImageFeatures: Sendable {
    /// One per T2 label (index label − 1).
    public let lesions: [LesionImageFeatures]
    /// One per Gd+ label (index label − 1); empty without a Gd source.
    public let gdLesions: [GdLesionLink]
    /// One per T2 speck under the reader's length floor (index label − 1); empty when the floor is off.
    public let specks: [SpeckLink]
    public let hasCortex: Bool
    public let hasGreyMatter: Bool
    public let hasVentricles: Bool
    public let hasGd: Bool

    public init(
        lesions: [LesionImageFeatures], gdLesions: [GdLesionLink], specks: [SpeckLink] = [], hasCortex: Bool, hasGreyMatter: Bool,
        hasVentricles: Bool, hasGd: Bool
    ) {
        self.lesions = lesions
        self.gdLesions = gdLesions
        self.specks = specks
        self.hasCortex = hasCortex
        self.hasGreyMatter = hasGreyMatter
        self.hasVentricles = hasVentricles
        self.hasGd = hasGd
    }

    /// - Parameters:
    ///   - cortex, greyMatter, ventricles: masks on the visit's grid, nil when the visit has none.
    ///   - previous: the previous visit's `footprint`, nil at the first visit: a speck outside it is new.
    public static func measure(
        _ visit: VisitLesions, cortex: BitMask?, greyMatter: BitMask?, ventricles: BitMask?, previous: BitMask? = nil,
        geometry: VoxelGeometry, parameters: FeatureParameters
    ) -> VisitImageFeatures {
        let voxels = LabelVoxels(visit.t2Map)
        let contact = BallOffsets(radiusMM: parameters.contactDistanceMM, geometry: geometry)
        func touching(_ mask: BitMask?) -> [Bool]? { mask.map { MaskContact.lesionsTouching($0, voxels: voxels, ball: contact) } }
        let (cortical, grey, periventricular) = (touching(cortex), touching(greyMatter), touching(ventricles))
        let t2 = visit.t2.lesions
        let hosts = NearbyHosts.search(
            candidates: t2, candidateVoxels: voxels, t2: t2, t2Map: visit.t2Map, sameMap: true, parameters: parameters,
            geometry: geometry)
        let enhancement = visit.gd.map { gd in
            RimCoreCounts.measure(
                voxels: voxels, enhancing: gd.map,
                ball: BallOffsets(radiusMM: parameters.rimThicknessMM, geometry: geometry))
        }
        let lesions = t2.enumerated().map { n, lesion in
            LesionImageFeatures(
                label: lesion.label, isLarge: lesion.largestExtentMM > parameters.largeLesionExtentMM,
                corticalContact: cortical?[n], greyMatterContact: grey?[n], periventricular: periventricular?[n],
                nearbyHosts: hosts[n], enhancement: enhancement?[n])
        }
        var links: [GdLesionLink] = []
        if let gd = visit.gd {
            let gdVoxels = LabelVoxels(gd.map)
            let gdHosts = NearbyHosts.search(
                candidates: gd.lesions, candidateVoxels: gdVoxels, t2: t2, t2Map: visit.t2Map, sameMap: false,
                parameters: parameters, geometry: geometry)
            var overlap = [(t2: Int, voxels: Int)?](repeating: nil, count: gd.lesions.count)
            for pair in OverlapTable(visit.t2Map, gd.map).pairs {
                let best = overlap[pair.second - 1]
                if best == nil || pair.voxels > best!.voxels { overlap[pair.second - 1] = (pair.first, pair.voxels) }
            }
            links = gd.lesions.indices.map { n in
                GdLesionLink(label: n + 1, overlapsT2: overlap[n]?.t2, nearbyHosts: overlap[n] == nil ? gdHosts[n] : [])
            }
        }
        var specks: [SpeckLink] = []
        if let below = visit.t2Specks, !below.lesions.isEmpty {
            let speckVoxels = LabelVoxels(below.map)
            let speckHosts = NearbyHosts.search(
                candidates: below.lesions, candidateVoxels: speckVoxels, t2: t2, t2Map: visit.t2Map, sameMap: false,
                parameters: parameters, geometry: geometry)
            specks = below.lesions.indices.map { n in
                let isNew = previous.map { before in !speckVoxels.voxels(of: n + 1).contains { before[offset: $0] } }
                return SpeckLink(label: n + 1, isNew: isNew, nearbyHosts: speckHosts[n])
            }
        }
        return VisitImageFeatures(
            lesions: lesions, gdLesions: links, specks: specks, hasCortex: cortex != nil, hasGreyMatter: greyMatter != nil,
            hasVentricles: ventricles != nil, hasGd: visit.gd != nil)
    }

    /// Where the visit has T2 lesions or specks: a later visit's speck outside it is new.
    public static func footprint(_ visit: VisitLesions) -> BitMask {
        var mask = BitMask(size: visit.t2.size)
        for map in [visit.t2Map] + (visit.t2Specks.map { [$0.map] } ?? []) {
            for (offset, label) in map.labels.voxels.enumerated() where label != 0 { mask[offset: offset] = true }
        }
        return mask
    }
}

/// A T2 component under the reader's length floor: not a lesion, not counted, but a possible
/// punctate focus.
public struct SpeckLink: Sendable, Equatable {
    /// Its label among the visit's specks.
    public let label: Int
    /// It touches nothing of the previous visit's footprint; nil at the first visit.
    public let isNew: Bool?
    /// The T2 hosts near it, nearest first (`NearbyHosts`).
    public let nearbyHosts: [Int]

    public init(label: Int, isNew: Bool?, nearbyHosts: [Int]) {
        self.label = label
        self.isNew = isNew
        self.nearbyHosts = nearbyHosts
    }
}

extension BitMask {
    /// The bit of a storage offset (i fastest, then j, then k).
    subscript(offset offset: Int) -> Bool {
        get { self[offset % size.nx, offset / size.nx % size.ny, offset / (size.nx * size.ny)] }
        set { self[offset % size.nx, offset / size.nx % size.ny, offset / (size.nx * size.ny)] = newValue }
    }
}

/// Where one Gd+ lesion lies relative to the visit's T2 lesions.
public struct GdLesionLink: Sendable, Equatable {
    /// Its label in the visit's Gd+ map.
    public let label: Int
    /// The T2 label it shares most voxels with (ties: the lower label); nil when it overlaps none.
    public let overlapsT2: Int?
    /// When it overlaps no T2 lesion and is small: the T2 hosts near it, nearest first (`NearbyHosts`).
    public let nearbyHosts: [Int]

    public init(label: Int, overlapsT2: Int?, nearbyHosts: [Int]) {
        self.label = label
        self.overlapsT2 = overlapsT2
        self.nearbyHosts = nearbyHosts
    }
}
