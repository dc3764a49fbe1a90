/// The image features of one T2 lesion at one visit, beside its ledger row.
public struct LesionImageFeatures: Sendable, Equatable {
    /// The lesion's label in the visit's T2 map.
    public let label: Int
    /// Largest extent above `FeatureParameters.largeLesionExtentMM`.
    public let isLarge: Bool
    /// In contact with grey matter; nil without a grey-matter map.
    public let corticalContact: Bool?
    /// In contact with the ventricles; nil without a ventricle map.
    public let periventricular: Bool?
    /// The label of the host lesion it is a satellite of.
    public let satelliteOf: Int?
    /// Satellites of this lesion.
    public let satellites: Int
    /// Rim and core counts; nil without a Gd source at the visit.
    public let enhancement: RimCoreCounts?

    public init(
        label: Int, isLarge: Bool, corticalContact: Bool?, periventricular: Bool?, satelliteOf: Int?, satellites: Int,
        enhancement: RimCoreCounts?
    ) {
        self.label = label
        self.isLarge = isLarge
        self.corticalContact = corticalContact
        self.periventricular = periventricular
        self.satelliteOf = satelliteOf
        self.satellites = satellites
        self.enhancement = enhancement
    }

    /// Holds a Gd+ voxel; nil without a Gd source.
    public var enhancing: Bool? { enhancement.map { $0.enhancingVoxels > 0 } }
}
