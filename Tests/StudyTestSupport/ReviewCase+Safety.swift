import LesionKernels

/// The patients of the review's safety suite: one per situation the literature describes where a
/// careless review would call PML "rebound", stay silent, or let missing data lower urgency.
/// Each case's doc comment states the answer expected from the literature and the safety policy
/// of `Pipelines/rules.yaml`; the tests hold the review to it.
extension ReviewCase {
    /// A row of `sessions.tsv`: the scan and whatever else is given.
    public static func row(_ scan: String, _ columns: [String: String] = [:]) -> [String: String] {
        var row = columns
        row["acq_time"] = scan
        return row
    }

    /// On natalizumab at the scan (every 4 weeks), with the anti-JCV index when given.
    static func onTreatment(_ scan: String, last: String, count: Int, jcv: String?) -> [String: String] {
        var row = row(
            scan,
            [
                "ntz_status": "on", "ntz_dosing": "standard", "ntz_last_infusion": last, "ntz_infusion_count": String(count),
                "plasma_exchange": "n/a", "ntz_restart": "n/a", "next_therapy": "n/a", "next_therapy_start": "n/a",
                "prior_immunosuppressant": "no",
            ])
        if let jcv { row["jcv_index"] = jcv }
        return row
    }

    /// Stopped natalizumab: the last infusion, the infusions received, the anti-JCV index when given.
    static func stopped(_ scan: String, last: String, count: Int, jcv: String?) -> [String: String] {
        var row = onTreatment(scan, last: last, count: count, jcv: jcv)
        row["ntz_status"] = "stopped"
        row["ntz_stop"] = last
        return row
    }

    /// A 1 cm new lesion reaching the left cortex (8 × 6 × 5 voxels, 9.5 mm between voxel centres).
    public static let smallCorticalLesion = VoxelBox(4...11, 20...25, 10...14)
    /// Two punctate foci (3 × 3 × 1 voxels) 3 mm from it.
    public static let smallCorticalFoci = [VoxelBox(14...16, 20...22, 12...12), VoxelBox(6...8, 28...30, 12...12)]

    /// Early small PML (Wattjes et al., JNNP 2015: focal, cortical; Wijburg et al., JNNP 2016:
    /// punctate foci and cortical involvement predict PML): a new 1 cm juxtacortical lesion with two
    /// punctate foci, 63 days after the last of 46 infusions, anti-JCV index 2.5. Expected:
    /// suspected_pml_iris by pml-imaging-pattern, urgent, safety gate open.
    public static func earlyPML(csf: [String: String] = [:], participant: String = "sub-earlypml") -> ReviewCase {
        var follow = stopped("2021-05-10", last: "2021-03-08", count: 46, jcv: "2.5")
        follow.merge(csf) { $1 }
        return ReviewCase(
            participant: participant,
            sessions: [
                Session(
                    label: "ses-01", clinical: onTreatment("2021-01-04", last: "2020-12-21", count: 44, jcv: "2.5"), t2: oldLesions,
                    gd: [], greyMatter: true, cortex: true),
                Session(
                    label: "ses-02", clinical: follow, t2: oldLesions + [smallCorticalLesion] + smallCorticalFoci, gd: [],
                    greyMatter: true, cortex: true),
            ],
            participants: nil)
    }

    /// PML on treatment: a new juxtacortical lesion while on 4-weekly infusions (the last 14 days
    /// before the scan), 60 infusions, anti-JCV index 1.8. New activity on natalizumab is where PML
    /// arises (Bloomgren et al., NEJM 2012); rebound cannot be named on treatment. Expected:
    /// suspected_pml_iris, urgent, gate open.
    public static let pmlOnTreatment = ReviewCase(
        participant: "sub-pmlontreatment",
        sessions: [
            Session(
                label: "ses-01", clinical: onTreatment("2022-01-10", last: "2022-01-03", count: 54, jcv: "1.8"), t2: oldLesions,
                gd: [], cortex: true),
            Session(
                label: "ses-02", clinical: onTreatment("2022-07-11", last: "2022-06-27", count: 60, jcv: "1.8"),
                t2: oldLesions + [smallCorticalLesion], gd: [], cortex: true),
        ],
        participants: nil)

    /// Possible PML-IRIS weeks after stopping, the risk columns missing: three new enhancing lesions
    /// 42 days after the last infusion, no anti-JCV index, infusion count or prior-immunosuppressant
    /// column. New Gd+ lesions after stopping can be PML-IRIS (Gheuens et al., Neurology 2012), and
    /// unknown is not negative. Expected: indeterminate or suspected_pml_iris, urgent, "PML not
    /// excluded"; never rebound.
    public static let irisMissingData: ReviewCase = {
        func bare(_ row: [String: String]) -> [String: String] {
            row.filter { !["jcv_index", "ntz_infusion_count", "prior_immunosuppressant"].contains($0.key) }
        }
        let new = Array(elsewhere.prefix(3))
        return ReviewCase(
            participant: "sub-irismissing",
            sessions: [
                Session(
                    label: "ses-01", clinical: bare(onTreatment("2023-01-09", last: "2023-01-02", count: 0, jcv: nil)), t2: oldLesions,
                    gd: []),
                Session(
                    label: "ses-02", clinical: bare(stopped("2023-03-13", last: "2023-01-30", count: 0, jcv: nil)),
                    t2: oldLesions + new, gd: new),
            ],
            participants: nil)
    }()

    /// One new 12 mm lesion (12 × 8 × 5 voxels, away from cortex and ventricles).
    public static let patchyLesion = VoxelBox(20...31, 20...27, 10...14)
    /// Three new punctate foci 3 mm from it.
    public static let patchyFoci = [
        VoxelBox(34...36, 20...22, 12...12), VoxelBox(34...36, 25...27, 12...12), VoxelBox(24...26, 30...32, 12...12),
    ]
    /// Patchy enhancement: twelve 3 × 3 × 1 specks on the lesion's top and bottom faces, the three
    /// foci, and two specks beside the lesion with no T2 lesion: 17 Gd+ lesions, one process.
    public static let patchyGd: [VoxelBox] = {
        var specks: [VoxelBox] = []
        for k in [10, 14] {
            for i in [20, 24, 28] { for j in [20, 24] { specks.append(VoxelBox(i...(i + 2), j...(j + 2), k...k)) } }
        }
        return specks + patchyFoci + [VoxelBox(33...35, 16...18, 12...12), VoxelBox(16...18, 22...24, 12...12)]
    }()

    /// Punctate foci and patchy enhancement around one new lesion, 70 days after the last infusion,
    /// anti-JCV index 0.9, 40 infusions; 2 Gd+ and 3 new T2 lesions before natalizumab. Punctate
    /// foci around a new lesion are one process (Wijburg et al., JNNP 2016; Tan et al., Neurology
    /// 2011): 4 new T2 and 17 Gd+ lesions count as 1 and 1 for rebound. Expected: grouped counts 1
    /// and 1, many-gd-lesions not fired, gate open: indeterminate, urgent, and rebound not the
    /// leading alternative.
    public static let patchy = ReviewCase(
        participant: "sub-patchy",
        sessions: [
            Session(
                label: "ses-01", clinical: onTreatment("2022-02-07", last: "2022-01-31", count: 38, jcv: "0.9"), t2: oldLesions, gd: []),
            Session(
                label: "ses-02", clinical: stopped("2022-05-09", last: "2022-02-28", count: 40, jcv: "0.9"),
                t2: oldLesions + [patchyLesion] + patchyFoci, gd: patchyGd),
        ],
        participants: ["pre_ntz_gd_count": "2", "pre_ntz_t2_new_count": "3"])

    /// `count` separate 3 × 3 × 3 lesions on a 4-voxel lattice at k = 17…19 (above the old lesions).
    public static func lattice(_ count: Int, k: Int = 17) -> [VoxelBox] {
        var boxes: [VoxelBox] = []
        for j in stride(from: 2, through: 58, by: 4) {
            for i in stride(from: 2, through: 58, by: 4) where boxes.count < count {
                boxes.append(VoxelBox(i...(i + 2), j...(j + 2), k...(k + 2)))
            }
        }
        precondition(boxes.count == count, "the lattice holds 225 lesions")
        return boxes
    }

    /// A PML visit followed by a rebound-like visit: ses-02 is `earlyPML`'s follow-up; ses-03, 240
    /// days after the last infusion, has 12 new enhancing lesions. Expected: the patient is
    /// suspected_pml_iris and urgent, decided by ses-02, whatever ses-03 is.
    public static let pmlThenRebound: ReviewCase = {
        let early = earlyPML(participant: "sub-pmlthenrebound")
        let burst = lattice(12)
        return ReviewCase(
            participant: early.participant,
            sessions: early.sessions + [
                Session(
                    label: "ses-03", clinical: stopped("2021-11-04", last: "2021-03-08", count: 46, jcv: "2.5"),
                    t2: early.sessions[1].t2 + burst, gd: burst, greyMatter: true, cortex: true)
            ],
            participants: ["pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "1"])
    }()

    /// An old 34 mm confluent plaque reaching the cortex, unchanged, 10 weeks after the last
    /// infusion, anti-JCV index 2.5. Old, stable lesions are not evidence. Expected: no_new_activity,
    /// not urgent, no PML rule fired.
    public static let oldPlaque = ReviewCase(
        participant: "sub-oldplaque",
        sessions: [
            Session(
                label: "ses-01", clinical: onTreatment("2020-01-06", last: "2019-12-30", count: 50, jcv: "2.5"),
                t2: [pmlLesionAfter], gd: [], greyMatter: true, cortex: true),
            Session(
                label: "ses-02", clinical: stopped("2020-05-11", last: "2020-03-02", count: 52, jcv: "2.5"), t2: [pmlLesionAfter],
                gd: [], greyMatter: true, cortex: true),
        ],
        participants: nil)

    /// The same plaque with no clinical data at all, grown by a 3 × 3 × 1 patch (9 mm³, under every
    /// growth floor). Expected: no_new_activity, not urgent.
    public static let plaqueGrewALittle = ReviewCase(
        participant: "sub-plaquegrew",
        sessions: [
            Session(label: "ses-01", clinical: [:], t2: [pmlLesionAfter], gd: nil, cortex: true),
            Session(label: "ses-02", clinical: [:], t2: [pmlLesionAfter, VoxelBox(28...28, 20...22, 10...12)], gd: nil, cortex: true),
        ],
        participants: nil)

    /// Rebound after fingolimod withdrawal (Havla et al., Arch Neurol 2012; Ghezzi et al., J Neurol
    /// 2012): 20 new enhancing lesions 13 weeks after stopping fingolimod, never on natalizumab;
    /// 2 Gd+ and 3 new T2 lesions before fingolimod. Expected: every follow-up reviewed, rebound,
    /// not urgent (no natalizumab: the PML gate stays closed), withdrawn_therapy fingolimod.
    public static let fingolimod: ReviewCase = {
        let burst = lattice(20)
        let base = ["withdrawn_therapy": "fingolimod", "ntz_status": "never", "ntz_infusion_count": "0", "plasma_exchange": "n/a"]
        return ReviewCase(
            participant: "sub-fingolimod",
            sessions: [
                Session(
                    label: "ses-01", clinical: row("2019-01-10", base.merging(["fingolimod_stop": "n/a"]) { $1 }), t2: oldLesions, gd: []),
                Session(
                    label: "ses-02", clinical: row("2019-06-03", base.merging(["fingolimod_stop": "2019-03-04"]) { $1 }),
                    t2: oldLesions + burst, gd: burst),
            ],
            participants: ["pre_ntz_gd_count": "2", "pre_ntz_t2_new_count": "3"])
    }()

    /// A single scan with 15 Gd+ lesions, 17 weeks after the last of 40 infusions, the anti-JCV
    /// index given or not. Gd+ activity is reviewed at any scan. Expected without the index:
    /// indeterminate, urgent, rebound the leading alternative; with an index of 0.1 (negative):
    /// rebound, not urgent.
    public static func singleScan(jcv: String?) -> ReviewCase {
        let burst = lattice(15)
        return ReviewCase(
            participant: "sub-single",
            sessions: [
                Session(label: "ses-01", clinical: stopped("2021-08-02", last: "2021-04-05", count: 40, jcv: jcv), t2: burst, gd: burst)
            ],
            participants: nil)
    }

    /// 70 Gd+ lesions 150 days after the last of 50 infusions, anti-JCV negative (0.1), no level
    /// before natalizumab recorded. An absolute count supports rebound (many-gd-lesions). Expected:
    /// rebound, not urgent.
    public static let seventyLesions: ReviewCase = {
        let burst = lattice(70, k: 10)
        return ReviewCase(
            participant: "sub-seventy",
            sessions: [
                Session(label: "ses-01", clinical: onTreatment("2020-01-06", last: "2019-12-30", count: 44, jcv: "0.1"), t2: [], gd: []),
                Session(label: "ses-02", clinical: stopped("2020-08-03", last: "2020-03-06", count: 50, jcv: "0.1"), t2: burst, gd: burst),
            ],
            participants: nil)
    }()

    /// No gadolinium: 3 new T2 lesions 21 weeks after the last of 30 infusions, anti-JCV negative
    /// (0.1), 4 new T2 lesions a year before natalizumab. At the pre-treatment level: reactivation
    /// (Prosperini et al., Ther Adv Neurol Disord 2019). Expected: reactivation, not urgent.
    public static let noGadolinium = ReviewCase(
        participant: "sub-nogd",
        sessions: [
            Session(
                label: "ses-01", clinical: onTreatment("2020-01-06", last: "2019-12-30", count: 24, jcv: "0.1"), t2: oldLesions, gd: nil),
            Session(
                label: "ses-02", clinical: stopped("2020-08-03", last: "2020-03-02", count: 30, jcv: "0.1"),
                t2: oldLesions + Array(elsewhere.prefix(3)), gd: nil),
        ],
        participants: ["pre_ntz_t2_new_count": "4"])

    /// Tapering (Weinstock-Guttman et al., JNNP 2016): stopped on 2020-01-06, tapering infusions at
    /// 6 and 14 weeks (the last on 2020-04-13), scanned 8 weeks after it, no new lesion. Timing runs
    /// from the last tapering infusion. Expected: no_new_activity, not urgent, weeks since
    /// withdrawal 8, off natalizumab.
    public static let tapering: ReviewCase = {
        var follow = stopped("2020-06-08", last: "2020-04-13", count: 62, jcv: "1.2")
        follow["ntz_stop"] = "2020-01-06"
        return ReviewCase(
            participant: "sub-tapering",
            sessions: [
                Session(
                    label: "ses-01", clinical: onTreatment("2019-12-30", last: "2019-12-09", count: 60, jcv: "1.2"), t2: oldLesions, gd: []),
                Session(label: "ses-02", clinical: follow, t2: oldLesions, gd: []),
            ],
            participants: nil)
    }()

    /// Natalizumab restarted during rebound (Beume et al., J Clin Neurosci 2014): 12 new enhancing
    /// lesions 13 weeks after stopping (anti-JCV 0.1), then natalizumab given again and, 4 weeks
    /// later, 4 more. Expected at ses-03: activity-after-restart fired, on natalizumab, reported.
    public static let restart: ReviewCase = {
        let first = lattice(12), more = Array(lattice(16).suffix(4))
        var again = stopped("2021-06-07", last: "2021-05-10", count: 31, jcv: "0.1")
        again["ntz_status"] = "restarted"
        again["ntz_stop"] = "2021-01-04"
        again["ntz_restart"] = "2021-05-10"
        return ReviewCase(
            participant: "sub-restart",
            sessions: [
                Session(
                    label: "ses-01", clinical: onTreatment("2020-12-28", last: "2020-12-21", count: 30, jcv: "0.1"), t2: oldLesions, gd: []),
                Session(
                    label: "ses-02", clinical: stopped("2021-04-05", last: "2021-01-04", count: 30, jcv: "0.1"), t2: oldLesions + first,
                    gd: first),
                Session(label: "ses-03", clinical: again, t2: oldLesions + first + more, gd: more),
            ],
            participants: ["pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "1"])
    }()
}

extension ReviewCase {
    /// `earlyPML` with foci of 2 × 2 × 1 voxels: a reader's length of 2.8 mm, under the 3 mm
    /// reading threshold. Expected: they are not counted as lesions (new_or_enlarging_t2 1), yet the
    /// review sees them as 2 new punctate foci: suspected_pml_iris by pml-imaging-pattern, urgent.
    public static let earlyPMLTinyFoci: ReviewCase = {
        let early = earlyPML(participant: "sub-tinyfoci")
        let tiny = [VoxelBox(14...15, 20...21, 12...12), VoxelBox(6...7, 28...29, 12...12)]
        let follow = early.sessions[1]
        return ReviewCase(
            participant: early.participant,
            sessions: [
                early.sessions[0],
                Session(
                    label: follow.label, clinical: follow.clinical, t2: oldLesions + [smallCorticalLesion] + tiny, gd: follow.gd,
                    greyMatter: true, cortex: true),
            ],
            participants: nil)
    }()
}
