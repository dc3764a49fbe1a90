import LesionKernels
import LesionLongitudinal
import LesionReview
import Testing
import TestSupport

@Suite("Image features: balls in mm, contact, satellites, rim and core")
struct ImageFeatureTests {
    @Test("ball offsets on an isotropic grid: 7, 19 and 27 voxels at 1, √2 and √3 mm, nearest first")
    func isotropicBalls() {
        let geometry = BoxVolumes.geometry(GridSize(9, 9, 9))
        #expect(BallOffsets(radiusMM: 0, geometry: geometry).offsets.count == 1)
        #expect(BallOffsets(radiusMM: 1, geometry: geometry).offsets.count == 7)
        #expect(BallOffsets(radiusMM: 2.0.squareRoot(), geometry: geometry).offsets.count == 19)
        #expect(BallOffsets(radiusMM: 3.0.squareRoot(), geometry: geometry).offsets.count == 27)
        let ball = BallOffsets(radiusMM: 2, geometry: geometry)
        #expect(ball.offsets.count == 33)
        let centre = ball.offsets[0]
        #expect(centre.di == 0 && centre.dj == 0 && centre.dk == 0 && centre.distanceMM == 0)
        #expect(zip(ball.offsets, ball.offsets.dropFirst()).allSatisfy { $0.distanceMM <= $1.distanceMM })
    }

    @Test("ball offsets measure mm through the affine: anisotropic and oblique grids against brute force", arguments: [0, 1, 2])
    func obliqueBalls(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let rows = (0..<3).map { r in (0..<3).map { c in (r == c ? 1.5 : 0) + Double.random(in: -0.4...0.4, using: &random) } + [0] }
        let affine = Affine(rows: rows)
        let radius = Double.random(in: 1...4, using: &random)
        let ball = BallOffsets(radiusMM: radius, geometry: VoxelGeometry(size: GridSize(5, 5, 5), affine: affine))
        var expected = 0
        for dk in -12...12 {
            for dj in -12...12 {
                for di in -12...12 {
                    let p = affine.apply(VoxelIndex(di, dj, dk))
                    if (p.x * p.x + p.y * p.y + p.z * p.z).squareRoot() <= radius { expected += 1 }
                }
            }
        }
        #expect(ball.offsets.count == expected)
    }

    @Test("label voxels: each label's storage offsets, ascending")
    func labelVoxels() {
        let labelling = BoxVolumes.labelling(GridSize(8, 6, 4), [(0...1, 0...1, 0...0), (4...6, 2...3, 1...3), (7...7, 5...5, 3...3)])
        let map = labelling.map
        let voxels = LabelVoxels(map)
        for label in 1...map.count {
            let expected = map.labels.voxels.indices.filter { Int(map.labels.voxels[$0]) == label }
            #expect(Array(voxels.voxels(of: label)) == expected)
        }
    }

    @Test("contact: a voxel within the distance of the mask, not one further")
    func contact() {
        let size = GridSize(20, 6, 6)
        let labelling = BoxVolumes.labelling(size, [(2...4, 1...3, 1...3), (8...10, 1...3, 1...3), (15...16, 1...2, 1...2)])
        let mask = BitMask(BoxVolumes.mask(size, [(12...13, 0...5, 0...5)]))
        let voxels = LabelVoxels(labelling.map)
        let ball = BallOffsets(radiusMM: 2, geometry: BoxVolumes.geometry(size))
        // Lesion 1 ends at i = 4 (8 mm away), lesion 2 at i = 10 (2 mm), lesion 3 starts at 15 (2 mm).
        #expect(MaskContact.lesionsTouching(mask, voxels: voxels, ball: ball) == [false, true, true])
        let touching = BallOffsets(radiusMM: 1.5, geometry: BoxVolumes.geometry(size))
        #expect(MaskContact.lesionsTouching(mask, voxels: voxels, ball: touching) == [false, false, false])
        // On 2 mm voxels the same boxes are 4 mm apart: no contact at 2 mm.
        let coarse = BallOffsets(radiusMM: 2, geometry: BoxVolumes.geometry(size, spacing: (2, 2, 2)))
        #expect(MaskContact.lesionsTouching(mask, voxels: voxels, ball: coarse) == [false, false, false])
    }

    @Test("satellites: small lesions within the distance of a host, each with its nearest host")
    func satellites() {
        let size = GridSize(60, 30, 10)
        // Hosts: A (i 0...19, extent 21.4 mm) and B (i 40...59); specks at 3 mm from A, 3 mm from
        // B, 6 mm from A, and one 10 mm from both; a 9 mm lesion 2 mm from A is too long.
        let boxes: [BoxVolumes.Box] = [
            (0...19, 0...5, 0...5), (40...59, 0...5, 0...5),
            (22...23, 2...3, 2...2), (37...37, 2...3, 2...2), (5...6, 11...11, 2...2), (29...30, 2...3, 2...2),
            (5...13, 7...7, 2...2),
        ]
        let labelling = BoxVolumes.labelling(size, boxes)
        let parameters = FeatureParameters(
            largeLesionExtentMM: 30, contactDistanceMM: 2, rimThicknessMM: 3, satelliteHostMinimumExtentMM: 15,
            satelliteMaximumExtentMM: 5, satelliteMaximumDistanceMM: 5, onNatalizumabWeeks: 8)
        func search(_ p: FeatureParameters) -> [[Int]] {
            NearbyHosts.search(
                candidates: labelling.lesions, candidateVoxels: LabelVoxels(labelling.map), t2: labelling.lesions,
                t2Map: labelling.map, sameMap: true, parameters: p, geometry: BoxVolumes.geometry(size))
        }
        let hosts = search(parameters)
        // Labels in storage order: A 1, B 2, then at k = 2: (22,2) 3, (29,2) 4, (37,2) 5, (5,7) 6 (too
        // long), (5,11) 7.
        #expect(labelling.lesions.map { $0.boundingBox.lower.i } == [0, 40, 22, 29, 37, 5, 5])
        #expect(hosts == [[], [], [1], [], [2], [], []])
        var wider = parameters
        wider.satelliteMaximumDistanceMM = 10
        // The speck between the hosts is 10 mm from each: both are listed, the lower label first.
        #expect(search(wider) == [[], [], [1], [1, 2], [2], [], [1]])
    }

    @Test("rim and core: a 7-voxel cube with a 1 mm rim has 218 rim and 125 core voxels")
    func rimAndCore() {
        let size = GridSize(11, 11, 11)
        let labelling = BoxVolumes.labelling(size, [(2...8, 2...8, 2...8)])
        let voxels = LabelVoxels(labelling.map)
        let ball = BallOffsets(radiusMM: 1, geometry: BoxVolumes.geometry(size))
        let shell = BoxVolumes.labelling(size, [(2...8, 2...8, 2...2)]).map
        let border = RimCoreCounts.measure(voxels: voxels, enhancing: shell, ball: ball)[0]
        #expect(border == RimCoreCounts(rimVoxels: 218, coreVoxels: 125, enhancingRimVoxels: 49, enhancingCoreVoxels: 0))
        #expect(border.enhancingRimShare == 1)
        let whole = RimCoreCounts.measure(
            voxels: voxels, enhancing: BoxVolumes.labelling(size, [(0...10, 0...10, 0...10)]).map, ball: ball)[0]
        #expect(whole.enhancingRimShare == 218.0 / 343)
        let none = RimCoreCounts.measure(voxels: voxels, enhancing: BoxVolumes.labelling(size, []).map, ball: ball)[0]
        #expect(none.enhancingRimShare == nil && none.enhancingVoxels == 0)
        // A lesion at the grid's edge has its rim there too: only its centre voxel is core.
        let edge = BoxVolumes.labelling(size, [(0...2, 0...2, 0...2)])
        let counts = RimCoreCounts.measure(
            voxels: LabelVoxels(edge.map), enhancing: BoxVolumes.labelling(size, [(0...0, 0...0, 0...0)]).map, ball: ball)[0]
        #expect(counts.rimVoxels == 26 && counts.coreVoxels == 1 && counts.enhancingRimVoxels == 1)
    }

    @Test("a visit's features: large, contact, nearby hosts and enhancement per lesion; Gd+ links; nil without the maps")
    func visitFeatures() {
        let size = GridSize(60, 30, 12)
        let t2 = BoxVolumes.labelling(size, [(4...40, 4...20, 2...9), (44...45, 10...11, 5...5)])
        // Gd+: the large lesion's border, a speck 3 mm beyond its far edge (no T2 lesion), one 20 mm away.
        let gd = BoxVolumes.labelling(size, [(4...40, 4...4, 2...9), (20...21, 24...24, 5...5), (55...56, 28...28, 5...5)])
        let visit = VisitLesions(t2: t2, gd: gd)
        let geometry = BoxVolumes.geometry(size)
        let grey = BitMask(BoxVolumes.mask(size, [(0...3, 0...29, 0...11)]))
        let cortex = BitMask(BoxVolumes.mask(size, [(46...59, 0...29, 0...11)]))
        let measured = VisitImageFeatures.measure(
            visit, cortex: cortex, greyMatter: grey, ventricles: nil, geometry: geometry, parameters: .standard)
        #expect(measured.hasCortex && measured.hasGreyMatter && !measured.hasVentricles && measured.hasGd)
        let large = measured.lesions[0], speck = measured.lesions[1]
        #expect(large.isLarge && large.greyMatterContact == true && large.corticalContact == false && large.periventricular == nil)
        #expect(large.nearbyHosts == [] && speck.nearbyHosts == [1])
        #expect(!speck.isLarge && speck.greyMatterContact == false && speck.corticalContact == true && speck.enhancing == false)
        #expect(large.enhancing == true && large.enhancement?.enhancingRimShare == 1)
        #expect(
            measured.gdLesions == [
                GdLesionLink(label: 1, overlapsT2: 1, nearbyHosts: []), GdLesionLink(label: 2, overlapsT2: nil, nearbyHosts: [1]),
                GdLesionLink(label: 3, overlapsT2: nil, nearbyHosts: []),
            ])
        let bare = VisitImageFeatures.measure(
            VisitLesions(t2: t2, gd: nil), cortex: nil, greyMatter: nil, ventricles: nil, geometry: geometry, parameters: .standard)
        #expect(bare.lesions[0].corticalContact == nil && bare.lesions[0].enhancement == nil && !bare.hasGd && bare.gdLesions.isEmpty)
    }
}
