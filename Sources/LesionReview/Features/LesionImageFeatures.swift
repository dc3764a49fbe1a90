/// The image features of one T2 lesion at one visit, beside its ledger row.
public struct LesionImageFeatures: Sendable, Equatable {
    /// The lesion's label in the visit's T2 map.
    public let label: Int
    /// Largest extent above `FeatureParameters.largeLesionExtentMM`.
    public let isLarge: Bool
    /// In contact with the cortical ribbon (the `cortex` map); nil without one.
    public let corticalContact: Bool?
    /// In contact with grey matter (the `grey_matter` map, which may include deep grey matter); nil without one.
    public let greyMatterContact: Bool?
    /// In contact with the ventricles; nil without a ventricle map.
    public let periventricular: Bool?
    /// For a lesion small enough to be a punctate focus: the host lesions near it, nearest first
    /// (`NearbyHosts`); empty otherwise.
    public let nearbyHosts: [Int]
    /// Rim and core counts; nil without a Gd source at the visit.
    public let enhancement: RimCoreCounts?

    public init(
        label: Int, isLarge: Bool, corticalContact: Bool?, greyMatterContact: Bool?, periventricular: Bool?,
        nearbyHosts: [Int], enhancement: RimCoreCounts?
    ) {
        self.label = label
        self.isLarge = isLarge
        self.corticalContact = corticalContact
        self.greyMatterContact = greyMatterContact
        self.periventricular = periventricular
        self.nearbyHosts = nearbyHosts
        self.enhancement = enhancement
    }

    /// Holds a Gd+ voxel; nil without a Gd source.
    public var enhancing: Bool? { enhancement.map { $0.enhancingVoxels > 0 } }
}
