import LesionKernels
import LesionReview

/// A generated patient for the review, built from a published case description: lesion, Gd,
/// grey-matter and ventricle masks as boxes of 1 mm voxels on one 64 × 64 × 24 grid, and the
/// clinical tables (`sub-<id>_sessions.tsv`, `participants.tsv`).
///
/// Grey matter and the cortical ribbon, where given, are the two lateral slabs i ∈ 0…3 and
/// i ∈ 60…63 (a cortex reached by subcortical lesions near the edge); the ventricles, where given, are the box
/// (26…37, 22…41, 8…15). Small lesions are 3 × 3 × 3 boxes (extent 2.83 mm).
public struct ReviewCase: Sendable {
    public struct Session: Sendable {
        public let label: String
        /// The clinical columns of the session's row (`acq_time` included); absent keys are not written.
        public let clinical: [String: String]
        public let t2: [VoxelBox]
        /// Nil: no Gd file at this session; empty: a Gd file with no lesion.
        public let gd: [VoxelBox]?
        public let greyMatter: Bool
        /// A cortical-ribbon map (`label-CGM_mask`) with the grey-matter slabs.
        public let cortex: Bool
        public let ventricles: Bool

        public init(
            label: String, clinical: [String: String], t2: [VoxelBox], gd: [VoxelBox]?, greyMatter: Bool = false,
            cortex: Bool = false, ventricles: Bool = false
        ) {
            self.label = label
            self.clinical = clinical
            self.t2 = t2
            self.gd = gd
            self.greyMatter = greyMatter
            self.cortex = cortex
            self.ventricles = ventricles
        }
    }

    /// `sub-<participant>`.
    public let participant: String
    public let sessions: [Session]
    /// Columns of the participant's row in `participants.tsv`; nil: no such table.
    public let participants: [String: String]?

    public init(participant: String, sessions: [Session], participants: [String: String]?) {
        self.participant = participant
        self.sessions = sessions
        self.participants = participants
    }

    public static let grid = SyntheticGrid(size: GridSize(64, 64, 24), originMM: (-32, -32, -12))
    public static let greyMatterBoxes = [VoxelBox(0...3, 0...63, 0...23), VoxelBox(60...63, 0...63, 0...23)]
    public static let ventricleBoxes = [VoxelBox(26...37, 22...41, 8...15)]

    /// Old lesions, present from the first session, away from the cortex and the ventricles.
    public static let oldLesions = [
        VoxelBox(10...12, 10...12, 10...12), VoxelBox(50...52, 10...12, 10...12), VoxelBox(10...12, 50...52, 10...12),
    ]

    /// Eight small lesions within 2 mm of the ventricles, and four elsewhere.
    public static let periventricular = [
        VoxelBox(22...24, 22...24, 10...12), VoxelBox(22...24, 28...30, 10...12), VoxelBox(22...24, 34...36, 10...12),
        VoxelBox(39...41, 22...24, 10...12), VoxelBox(39...41, 28...30, 10...12), VoxelBox(39...41, 34...36, 10...12),
        VoxelBox(28...30, 18...20, 10...12), VoxelBox(33...35, 18...20, 10...12),
    ]
    public static let elsewhere = [
        VoxelBox(10...12, 30...32, 4...6), VoxelBox(50...52, 30...32, 4...6), VoxelBox(10...12, 30...32, 18...20),
        VoxelBox(50...52, 30...32, 18...20),
    ]

    /// The clinical columns, in the order written.
    static let columns = ClinicalColumn.allCases.map(\.rawValue)

    /// Writes the study under `root` (which must exist): masks under `derivatives/segmenter/`, the
    /// clinical tables, and an empty raw session folder per session. Returns the subject folder.
    @discardableResult
    public func write(into root: String) throws -> String {
        let subject = root + "/" + participant
        try makeDirectories(subject)
        let used = Self.columns.filter { column in sessions.contains { $0.clinical[column] != nil } }
        var table = (["session_id"] + used).joined(separator: "\t") + "\n"
        for s in sessions {
            let derived = "\(root)/derivatives/segmenter/\(participant)/\(s.label)/anat"
            try makeDirectories(derived)
            try makeDirectories("\(subject)/\(s.label)/anat")
            let stem = "\(derived)/\(participant)_\(s.label)"
            try Self.grid.writeMask(s.t2, to: stem + "_label-T2lesion_mask.nii.gz")
            if let gd = s.gd { try Self.grid.writeMask(gd, to: stem + "_label-Gdlesion_mask.nii.gz") }
            if s.greyMatter { try Self.grid.writeMask(Self.greyMatterBoxes, to: stem + "_label-GM_mask.nii.gz") }
            if s.cortex { try Self.grid.writeMask(Self.greyMatterBoxes, to: stem + "_label-CGM_mask.nii.gz") }
            if s.ventricles { try Self.grid.writeMask(Self.ventricleBoxes, to: stem + "_label-ventricles_mask.nii.gz") }
            table += ([s.label] + used.map { s.clinical[$0] ?? "n/a" }).joined(separator: "\t") + "\n"
        }
        try writeText(table, to: "\(subject)/\(participant)_sessions.tsv")
        if let participants {
            let keys = participants.keys.sorted()
            try writeText(
                (["participant_id"] + keys).joined(separator: "\t") + "\n"
                    + ([participant] + keys.map { participants[$0]! }).joined(separator: "\t") + "\n",
                to: root + "/participants.tsv")
        }
        return subject
    }
}

extension ReviewCase {
    /// Rebound-like: many new Gd+ lesions four months after the last infusion, in a patient stable
    /// for years on natalizumab, above the level before it (rebound: activity above the
    /// pre-treatment level, Prosperini et al., Ther Adv Neurol Disord 2019). Ses-03 is 119 days
    /// (17 weeks) after the last infusion: 12 new lesions, all enhancing, 8 of them
    /// periventricular; 3 Gd+ and 4 new T2 lesions before natalizumab. The anti-JCV index, 0.3, is
    /// not negative (below 0.20 is), and 119 days is within the 6 months of PML vigilance.
    /// Expected: ses-02 no_new_activity; ses-03 indeterminate with urgent review, PML not excluded,
    /// rebound the leading alternative (rebound 10, reactivation 3); rebound when anti-JCV negative.
    public static let rebound = ReviewCase(
        participant: "sub-rebound",
        sessions: [
            Session(
                label: "ses-01", clinical: onNatalizumab("2019-03-01", last: "2019-02-15", count: 30, jcv: "0.3"),
                t2: oldLesions, gd: [], ventricles: true),
            Session(
                label: "ses-02", clinical: onNatalizumab("2020-03-02", last: "2020-02-17", count: 43, jcv: "0.3"),
                t2: oldLesions, gd: [], ventricles: true),
            Session(
                label: "ses-03", clinical: onNatalizumab("2020-08-03", last: "2020-04-06", count: 45, jcv: "0.3"),
                t2: oldLesions + periventricular + elsewhere, gd: periventricular + elsewhere, ventricles: true),
        ],
        participants: ["pre_ntz_gd_count": "3", "pre_ntz_t2_new_count": "4"])

    /// The subcortical lesion of `pml` at ses-01: 12 × 12 × 8 voxels touching the left cortex (extent 17.1 mm).
    public static let pmlLesionBefore = VoxelBox(4...15, 20...31, 8...15)
    /// ... grown contiguously by ses-02: 24 × 24 × 12 voxels (extent 34.3 mm, volume × 6).
    public static let pmlLesionAfter = VoxelBox(4...27, 16...39, 6...17)
    /// Three punctate satellites (3 × 3 × 1 voxels, 2.8 mm between voxel centres) 3 mm from the grown lesion.
    public static let pmlSatellites = [
        VoxelBox(30...32, 20...22, 10...10), VoxelBox(10...12, 42...44, 10...10), VoxelBox(12...14, 25...27, 20...20),
    ]

    /// Suspected PML: a subcortical lesion reaching the cortex that grew contiguously, with three
    /// new punctate foci, in an anti-JCV positive patient (index 3.2) after 40 infusions, on
    /// natalizumab (21 days after the last infusion), no enhancement, a prior immunosuppressant.
    /// Punctate foci and cortical involvement predict PML (Wijburg et al., JNNP 2016). Expected:
    /// ses-02 suspected_pml_iris by the urgent-review flag of pml-imaging-pattern
    /// (suspected_pml_iris 9).
    public static let pml = ReviewCase(
        participant: "sub-pml",
        sessions: [
            Session(
                label: "ses-01", clinical: onNatalizumab("2021-01-10", last: "2020-12-20", count: 36, jcv: "3.2", prior: "yes"),
                t2: [VoxelBox(10...12, 50...52, 10...12), VoxelBox(50...52, 50...52, 10...12), pmlLesionBefore], gd: [],
                greyMatter: true, cortex: true),
            Session(
                label: "ses-02", clinical: onNatalizumab("2021-04-12", last: "2021-03-22", count: 40, jcv: "3.2", prior: "yes"),
                t2: [VoxelBox(10...12, 50...52, 10...12), VoxelBox(50...52, 50...52, 10...12), pmlLesionAfter] + pmlSatellites,
                gd: [], greyMatter: true, cortex: true),
        ],
        participants: nil)

    /// Reactivation-like: a few new lesions at the level before natalizumab, 16 weeks after the last
    /// infusion (112 days), four weeks into fingolimod after a 12-week washout: 2 new T2 lesions, 1
    /// enhancing; 2 Gd+ and 3 new T2 lesions before natalizumab; anti-JCV index 0.4 (not
    /// negative). Expected: ses-02 indeterminate with urgent review, PML not excluded,
    /// reactivation the leading alternative (reactivation 8, rebound 3); reactivation when
    /// anti-JCV negative.
    public static let reactivation = ReviewCase(
        participant: "sub-reactivation",
        sessions: [
            Session(
                label: "ses-01", clinical: onNatalizumab("2019-06-01", last: "2019-05-15", count: 24, jcv: "0.4"),
                t2: oldLesions, gd: []),
            Session(
                label: "ses-02",
                clinical: onNatalizumab("2019-12-02", last: "2019-08-12", count: 27, jcv: "0.4", next: ("fingolimod", "2019-11-04")),
                t2: oldLesions + [elsewhere[0], elsewhere[1]], gd: [elsewhere[1]]),
        ],
        participants: ["pre_ntz_gd_count": "2", "pre_ntz_t2_new_count": "3"])

    /// Two scans before natalizumab (`ntz_infusion_count` 0), then the reactivation case's two
    /// visits: the level before natalizumab comes from ses-01 (1 Gd+ lesion, 1 new T2 lesion). At
    /// ses-03, one Gd+ lesion (as many as before) and two new T2 lesions (one more).
    public static var beforeNatalizumab: ReviewCase {
        let e = elsewhere, old = oldLesions
        func before(_ scan: String) -> [String: String] {
            var row = reactivation.sessions[0].clinical
            row["acq_time"] = scan
            row["ntz_infusion_count"] = "0"
            row["ntz_last_infusion"] = "n/a"
            return row
        }
        let sessions = [
            Session(label: "ses-00", clinical: before("2018-01-10"), t2: old, gd: []),
            Session(label: "ses-01", clinical: before("2018-07-10"), t2: old + [e[2]], gd: [e[2]]),
            Session(label: "ses-02", clinical: reactivation.sessions[0].clinical, t2: old + [e[2]], gd: []),
            Session(
                label: "ses-03", clinical: reactivation.sessions[1].clinical,
                t2: old + [e[2], e[0], e[1]], gd: [e[1]]),
        ]
        return ReviewCase(participant: "sub-before", sessions: sessions, participants: nil)
    }

    /// No new activity: the same lesions 131 days after the last infusion, on ocrelizumab, no Gd+
    /// lesion. Expected: ses-02 no_new_activity (no_new_activity 3).
    public static let stable = ReviewCase(
        participant: "sub-stable",
        sessions: [
            Session(
                label: "ses-01", clinical: onNatalizumab("2020-01-10", last: "2019-12-20", count: 50, jcv: "0.2"),
                t2: oldLesions, gd: []),
            Session(
                label: "ses-02",
                clinical: onNatalizumab("2020-07-10", last: "2020-03-01", count: 52, jcv: "0.2", next: ("ocrelizumab", "2020-04-01")),
                t2: oldLesions, gd: []),
        ],
        participants: ["pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "2"])

    /// Conflicting evidence: many new Gd+ lesions (12) 45 days after the last infusion — within the
    /// dosing delay that still counts as on natalizumab — above the level before it (1 Gd+, 2 new
    /// T2), in an anti-JCV positive patient (index 2.1) after 30 infusions with a prior
    /// immunosuppressant; new Gd+ lesions around stopping can be PML-IRIS (Gheuens et al.,
    /// Neurology 2012). Expected: ses-02 indeterminate with urgent review (rebound 5,
    /// suspected_pml_iris 4, margin 1 < 2).
    public static let conflicting = ReviewCase(
        participant: "sub-conflicting",
        sessions: [
            Session(
                label: "ses-01", clinical: onNatalizumab("2022-01-05", last: "2021-12-20", count: 28, jcv: "2.1", prior: "yes"),
                t2: oldLesions, gd: []),
            Session(
                label: "ses-02", clinical: onNatalizumab("2022-04-04", last: "2022-02-18", count: 30, jcv: "2.1", prior: "yes"),
                t2: oldLesions + periventricular + elsewhere, gd: periventricular + elsewhere),
        ],
        participants: ["pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "2"])

    /// The five cases with the class expected of the patient.
    public static let all: [(ReviewCase, String)] = [
        (rebound, "indeterminate"), (pml, "suspected_pml_iris"), (reactivation, "indeterminate"), (stable, "no_new_activity"),
        (conflicting, "indeterminate"),
    ]

    /// A session row: the scan, the last infusion and count, the anti-JCV index, CSF not done, no
    /// plasma exchange, and the next therapy with its start when given.
    static func onNatalizumab(
        _ scan: String, last: String, count: Int, jcv: String, prior: String = "no", next: (String, String)? = nil
    ) -> [String: String] {
        var row = [
            "acq_time": scan, "ntz_last_infusion": last, "ntz_infusion_count": String(count), "jcv_index": jcv,
            "csf_jcv_pcr": "not_done", "prior_immunosuppressant": prior, "plasma_exchange": "n/a",
            "next_therapy": "n/a", "next_therapy_start": "n/a",
        ]
        if let next {
            row["next_therapy"] = next.0
            row["next_therapy_start"] = next.1
        }
        return row
    }
}
