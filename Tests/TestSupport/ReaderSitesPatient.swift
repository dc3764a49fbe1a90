import LesionKernels

/// A patient with one site per counting rule a reader applies, over four visits, built from boxes.
///
/// Voxel counts (floor: 3 voxels, so the 2-voxel speck of visit 2 is no lesion):
///
/// | site | visit 1 | visit 2 | visit 3 | visit 4 | the rule |
/// |---|---|---|---|---|---|
/// | conf | 100 | 100 + 18 touching a face | 118 | 118 | confluent: enlarging, ×1.18 |
/// | corner | 100 | 100 + 18 touching a corner only | = | = | one lesion at 26, two at 6 |
/// | merge | 27, 27 (gap 3) | one of 81, bridge 27 | 81 | 81 | merged and grown |
/// | mergeFlat | 27, 27 (gap 1) | one of 63, bridge 9 | 63 | 63 | merged, not grown |
/// | under | 144 | 180: three bumps of 12 | 180 | 180 | ×1.25, +36 mm³, no region ≥ 14.1: stable |
/// | flicker | 4 | 2 (below the floor) | 4 | 4 | recurrent with its old ID |
/// | gone | 27 | absent | absent | 27 | absent 2 visits: new again |
/// | large | 2500 | 3500 | 3500 | 3500 | ×1.4 but +1000 mm³: enlarging |
///
/// Sites are at least 3 voxels apart; the corner blob touches its lesion at one corner and the
/// bumps touch nothing but their lesion, at any connectivity. Baseline labels (first voxel in
/// storage order) are conf 1, corner 2, merge 3 and 4, mergeFlat 5 and 6, under 7, flicker 8,
/// gone 9, large 10.
public enum ReaderSitesPatient {
    public typealias Box = BoxMask.Box
    public static let size = GridSize(54, 24, 18)

    static let conf = Box(2...6, 2...6, 2...5)
    static let confBlob = Box(7...9, 3...5, 3...4)
    static let corner = Box(14...18, 2...6, 2...5)
    static let cornerBlob = Box(19...21, 7...9, 6...7)
    static let mergeA = Box(26...28, 2...4, 2...4), mergeB = Box(32...34, 2...4, 2...4)
    static let mergeBridge = Box(29...31, 2...4, 2...4)
    static let flatA = Box(38...40, 2...4, 2...4), flatB = Box(42...44, 2...4, 2...4)
    static let flatBridge = Box(41...41, 2...4, 2...4)
    static let under = Box(2...7, 12...17, 2...5)
    static let bumps = [Box(8...9, 13...14, 2...4), Box(0...1, 15...16, 3...5), Box(4...5, 18...19, 2...4)]
    static let flicker = Box(14...15, 12...13, 2...2), speck = Box(14...15, 12...12, 2...2)
    static let gone = Box(20...22, 12...14, 2...4)
    static let large = Box(26...50, 12...21, 2...11), larger = Box(26...50, 12...21, 2...15)

    /// The T2 lesion boxes of each visit.
    public static let t2: [[Box]] = {
        let grown = [conf, confBlob, corner, cornerBlob, mergeA, mergeBridge, mergeB, flatA, flatBridge, flatB, under] + bumps
        return [
            [conf, corner, mergeA, mergeB, flatA, flatB, under, flicker, gone, large],
            grown + [speck, larger],
            grown + [flicker, larger],
            grown + [flicker, gone, larger],
        ]
    }()

    public static func masks() -> [Volume<Bool>] { t2.map { BoxMask.mask(size, $0) } }
}
