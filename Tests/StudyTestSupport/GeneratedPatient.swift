import LesionKernels

/// A generated patient with known truth over four visits, written as a BIDS study.
///
/// Lesions are boxes, given in baseline voxel coordinates (1 mm voxels, so voxels = mm³):
///
/// | lesion | visit 1 | visit 2 | visit 3 | visit 4 |
/// |---|---|---|---|---|
/// | A | 27 | 27 | 27 | 27 |
/// | B | 18 | 36 (×2, +18: enlarging) | 36 | 18 (shrinking) |
/// | C | 27 | resolved | | |
/// | H | 4 | 8 (×2 but +4 mm³: stable) | 8 | 8 |
/// | I | 64 | 80 (×1.25, but +16 mm³ in one piece, a confluent region: enlarging) | 80 | 80 |
/// | E, F | 36, 27 | 36, 27 | merged into 72 (E's ID) | 72 |
/// | J | 30 | 45 (×1.5 exactly, +15 in one piece: enlarging, confluent) | 45 | 45 |
/// | G | 81 | 81 | split into 45 + 27 | 45 + 27 |
/// | D | | 27, new, enhancing | 27 | 27 |
/// | K | | | | 27, new |
///
/// Visit 2 also holds a 2-voxel speck (below the floor). Visits 1 and 2 share the baseline grid;
/// visit 3 is on a grid twice as fine (each baseline voxel split in 2×2×2); visit 4 is on a grid
/// whose origin is shifted by whole voxels (its voxel = baseline voxel − (2, −1, 0)), so 92.625 %
/// of the baseline's voxel centres lie in its field. Gd masks at visits 2 (part of D and a
/// Gd-only focus) and 3 (part of the merged lesion); brain masks at every visit.
public enum GeneratedPatient {
    public static let participant = "sub-01"
    public static let sessions = ["ses-01", "ses-02", "ses-03", "ses-04"]
    public static let acquisitionTimes = ["2020-01-15", "2020-07-20", "2021-01-18T09:30:00", "2022-01-10"]

    public static let baselineGrid = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-20, -20, -10))
    public static let fineGrid = SyntheticGrid(size: GridSize(80, 80, 40), spacingMM: 0.5, originMM: (-20.25, -20.25, -10.25))
    public static let shiftedGrid = SyntheticGrid(size: GridSize(40, 40, 20), originMM: (-18, -21, -10))

    /// The grid of each visit.
    public static let grids = [baselineGrid, baselineGrid, fineGrid, shiftedGrid]

    static let a = VoxelBox(3...5, 3...5, 3...5)
    static let b18 = VoxelBox(12...14, 3...5, 3...4), b36 = VoxelBox(12...14, 3...5, 3...6)
    static let c = VoxelBox(20...22, 3...5, 3...5)
    static let h4 = VoxelBox(30...31, 3...4, 3...3), h8 = VoxelBox(30...31, 3...6, 3...3)
    static let i64 = VoxelBox(30...33, 10...13, 3...6), i80 = VoxelBox(30...33, 10...13, 3...7)
    static let d = VoxelBox(3...5, 12...14, 3...5)
    static let e = VoxelBox(12...14, 11...14, 3...5), f = VoxelBox(12...14, 16...18, 3...5)
    static let bridge = VoxelBox(12...14, 15...15, 3...5)
    static let j30 = VoxelBox(30...32, 18...22, 3...4), j45 = VoxelBox(30...32, 18...22, 3...5)
    static let g = VoxelBox(22...24, 12...20, 8...10)
    static let g1 = VoxelBox(22...24, 12...16, 8...10), g2 = VoxelBox(22...24, 18...20, 8...10)
    static let k = VoxelBox(3...5, 30...32, 3...5)
    static let speck = VoxelBox(35...36, 35...35, 15...15)

    /// T2 lesion boxes of each visit, in baseline voxel coordinates.
    public static let t2: [[VoxelBox]] = [
        [a, b18, c, h4, i64, e, f, j30, g],
        [a, b36, h8, i80, d, e, f, j45, g, speck],
        [a, b36, h8, i80, d, e, f, bridge, j45, g1, g2],
        [a, b18, h8, i80, d, e, f, bridge, j45, g1, g2, k],
    ]

    /// Gd+ lesion boxes of each visit (nil: no Gd file), in baseline voxel coordinates.
    public static let gd: [[VoxelBox]?] = [
        nil,
        [VoxelBox(3...5, 12...14, 4...5), VoxelBox(35...36, 3...4, 12...13)],
        [VoxelBox(12...14, 14...15, 4...4)],
        nil,
    ]

    public static let brain = VoxelBox(1...38, 1...38, 1...18)

    /// A baseline box on the grid of `visit`.
    public static func onGrid(ofVisit visit: Int, _ box: VoxelBox) -> VoxelBox {
        switch visit {
        case 2: box.refined(2)
        case 3: box.shifted(-2, 1, 0)
        default: box
        }
    }

    /// The BIDS stem of a visit's files: `sub-01_ses-0N`.
    public static func stem(_ visit: Int) -> String { "\(participant)_\(sessions[visit])" }

    /// Writes the study under `root` (which must exist): raw brain masks, segmenter maps under
    /// `derivatives/segmenter/`, and `sub-01_sessions.tsv`. Returns the subject folder.
    @discardableResult
    public static func write(into root: String, visits: Range<Int> = 0..<4) throws -> String {
        let subject = root + "/" + participant
        try makeDirectories(subject)
        var table = "session_id\tacq_time\n"
        for v in visits {
            let raw = "\(subject)/\(sessions[v])/anat"
            let derived = "\(root)/derivatives/segmenter/\(participant)/\(sessions[v])/anat"
            try makeDirectories(raw)
            try makeDirectories(derived)
            let grid = grids[v]
            try grid.writeMask([onGrid(ofVisit: v, brain)], to: "\(raw)/\(stem(v))_desc-brain_mask.nii.gz")
            try grid.writeMask(t2[v].map { onGrid(ofVisit: v, $0) }, to: "\(derived)/\(stem(v))_label-T2lesion_mask.nii.gz")
            if let gd = gd[v] {
                try grid.writeMask(gd.map { onGrid(ofVisit: v, $0) }, to: "\(derived)/\(stem(v))_label-Gdlesion_mask.nii.gz")
            }
            table += "\(sessions[v])\t\(acquisitionTimes[v])\n"
        }
        try writeText(table, to: "\(subject)/\(participant)_sessions.tsv")
        return subject
    }

    /// The T2 mask of a visit.
    public static func t2File(root: String, visit: Int) -> String {
        "\(root)/derivatives/segmenter/\(participant)/\(sessions[visit])/anat/\(stem(visit))_label-T2lesion_mask.nii.gz"
    }

    /// The brain mask of a visit.
    public static func brainMaskFile(root: String, visit: Int) -> String {
        "\(root)/\(participant)/\(sessions[visit])/anat/\(stem(visit))_desc-brain_mask.nii.gz"
    }
}
