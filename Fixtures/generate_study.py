#!/usr/bin/env python3
"""Write the example study of `lesiontrack run`: a small BIDS study of five participants.

Lesion masks as an upstream segmenter writes them (derivatives/segmenter/), a brain
mask per session, clinical columns in sub-<id>_sessions.tsv and participants.tsv,
and one deliberately broken scan. Lesions are boxes of 1 mm voxels, so every count
can be checked by hand (Fixtures/README.md lists them):

  sub-01  3 sessions  a lesion appears and enhances at ses-02, one enlarges at ses-03
  sub-02  4 sessions  ses-03 is on a grid twice as fine (resampled); one lesion resolves
  sub-03  3 sessions  ses-02's T2 mask is a truncated gzip stream: the broken scan
  sub-04  2 sessions  nothing changes
  sub-05  3 sessions  T2 probability maps instead of masks; two lesions merge at ses-03

The NIfTI files are written by generate_fixtures.py's independent writer (standard
library only); gzip streams carry no name and a zero time stamp, so two runs give
byte-identical files.

Usage (from the repository root): python3 Fixtures/generate_study.py
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_fixtures import Image, box, centred, compress, nifti_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent / "study"
SHAPE = (32, 32, 16)
FINE = (64, 64, 32)
BRAIN = box((1, 30), (1, 30), (1, 14))

# Lesion boxes, inclusive voxel ranges on the 1 mm grid.
L1 = box((4, 6), (4, 6), (4, 6))          # 27 voxels
L2 = box((12, 14), (4, 6), (4, 5))        # 18
L2_BIG = box((12, 14), (4, 6), (4, 7))    # 36: enlarging (ratio 2, +18 mm3)
L3 = box((20, 22), (4, 6), (4, 6))        # 27
L4 = box((4, 6), (14, 16), (4, 6))        # 27
L5 = box((12, 14), (14, 16), (4, 6))      # 27
L6 = box((12, 14), (18, 20), (4, 6))      # 27
BRIDGE = box((12, 14), (17, 17), (4, 6))  # joins L5 and L6
L7 = box((22, 24), (14, 22), (8, 10))     # 81

SESSIONS_COLUMNS = [
    "session_id", "acq_time", "ntz_last_infusion", "ntz_infusion_count", "plasma_exchange", "jcv_index",
    "csf_jcv_pcr", "prior_immunosuppressant", "next_therapy", "next_therapy_start",
]

PARTICIPANTS = {
    "sub-01": {
        "age": "34", "sex": "F", "pre_ntz_gd_count": "2", "pre_ntz_t2_new_count": "3",
        "sessions": [
            ("ses-01", "2021-01-12", "2020-12-20", "36", "n/a", "0.4", "not_done", "no", "n/a", "n/a"),
            ("ses-02", "2021-05-10", "2021-01-10", "37", "n/a", "0.5", "not_done", "no", "ocrelizumab", "2021-03-01"),
            ("ses-03", "2021-11-02", "2021-01-10", "37", "n/a", "n/a", "not_done", "no", "ocrelizumab", "2021-03-01"),
        ],
        "t2": {"ses-01": L1 + L2 + L3, "ses-02": L1 + L2 + L3 + L4, "ses-03": L1 + L2_BIG + L3 + L4},
        "gd": {"ses-02": box((4, 6), (14, 16), (5, 6))},
    },
    "sub-02": {
        "age": "41", "sex": "M", "pre_ntz_gd_count": "0", "pre_ntz_t2_new_count": "1",
        "sessions": [
            ("ses-01", "2020-03-03", "2020-02-15", "24", "n/a", "1.8", "negative", "yes", "n/a", "n/a"),
            ("ses-02", "2020-09-01", "2020-08-20", "30", "n/a", "2.1", "negative", "yes", "n/a", "n/a"),
            ("ses-03", "2021-03-02", "2020-08-20", "30", "2020-09-10", "2.4", "positive", "yes", "n/a", "n/a"),
            ("ses-04", "2021-09-07", "2020-08-20", "30", "2020-09-10", "n/a", "positive", "yes", "dimethyl_fumarate", "2021-04-01"),
        ],
        "t2": {"ses-01": L1 + L3 + L7, "ses-02": L1 + L3 + L7, "ses-03": L1 + L7, "ses-04": L1 + L7 + L6},
        "gd": {"ses-03": box((22, 24), (14, 16), (8, 9)), "ses-04": box((12, 14), (18, 20), (5, 6))},
        "fine": {"ses-03"},
    },
    "sub-03": {
        "age": "29", "sex": "F", "pre_ntz_gd_count": "n/a", "pre_ntz_t2_new_count": "n/a",
        "sessions": [
            ("ses-01", "2022-02-01", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"),
            ("ses-02", "2022-08-01", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"),
            ("ses-03", "2023-02-01", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"),
        ],
        "t2": {"ses-01": L2 + L5, "ses-02": L2 + L5 + L4, "ses-03": L2 + L5 + L4 + L3},
        "broken": "ses-02",
    },
    "sub-04": {
        "age": "52", "sex": "M", "pre_ntz_gd_count": "1", "pre_ntz_t2_new_count": "0",
        "sessions": [
            ("ses-01", "2019-06-11", "2019-05-30", "60", "n/a", "0.2", "not_done", "no", "n/a", "n/a"),
            ("ses-02", "2020-06-09", "2020-05-28", "72", "n/a", "0.2", "not_done", "no", "n/a", "n/a"),
        ],
        "t2": {"ses-01": L1 + L7, "ses-02": L1 + L7},
    },
    "sub-05": {
        "age": "38", "sex": "F", "pre_ntz_gd_count": "4", "pre_ntz_t2_new_count": "5",
        "sessions": [
            ("ses-01", "2021-04-20", "2021-04-01", "18", "n/a", "3.1", "not_done", "no", "n/a", "n/a"),
            ("ses-02", "2021-10-19", "2021-06-01", "20", "n/a", "3.3", "not_done", "no", "natalizumab_stopped", "2021-06-01"),
            ("ses-03", "2022-04-12", "2021-06-01", "20", "n/a", "n/a", "not_done", "no", "n/a", "n/a"),
        ],
        "t2": {"ses-01": L5 + L6, "ses-02": L5 + L6 + L1, "ses-03": L5 + L6 + BRIDGE + L1},
        "probseg": True,
    },
}


def refined(voxels):
    """The same world region on a grid twice as fine whose voxels split each 1 mm voxel in 8."""
    return [(2 * i + a, 2 * j + b, 2 * k + c) for (i, j, k) in voxels for a in (0, 1) for b in (0, 1) for c in (0, 1)]


def image(voxels, fine=False, probseg=False):
    """A uint8 0/1 mask (or a float32 probability map: 0.9 inside, 0.1 in a rim) of the grid."""
    shape = FINE if fine else SHAPE
    chosen = set(refined(voxels) if fine else voxels)
    pixdim = (0.5, 0.5, 0.5) if fine else (1.0, 1.0, 1.0)
    # Both grids centre their field of view on 0 mm: the fine grid's voxel centres sit a quarter
    # millimetre inside each 1 mm voxel, so every fine voxel lies in exactly one coarse voxel.
    orientation = centred(shape, pixdim)
    order = [(i, j, k) for k in range(shape[2]) for j in range(shape[1]) for i in range(shape[0])]
    if probseg:
        values = [0.9 if v in chosen else 0.0 for v in order]
        return Image(shape=shape, datatype="float32", stored=values, orientation=orientation)
    return Image(shape=shape, datatype="uint8", stored=[1 if v in chosen else 0 for v in order], orientation=orientation)


def write(relative, data):
    path = ROOT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main():
    if ROOT.exists():
        shutil.rmtree(ROOT)
    description = {"Name": "LesionTrack example study", "BIDSVersion": "1.9.0"}
    write("dataset_description.json", (json.dumps(description, indent=2) + "\n").encode())
    derivative = dict(description, Name="Example lesion segmenter", DatasetType="derivative")
    write("derivatives/segmenter/dataset_description.json", (json.dumps(derivative, indent=2) + "\n").encode())
    header = "participant_id\tage\tsex\tpre_ntz_gd_count\tpre_ntz_t2_new_count\n"
    rows = "".join(
        f"{pid}\t{p['age']}\t{p['sex']}\t{p['pre_ntz_gd_count']}\t{p['pre_ntz_t2_new_count']}\n"
        for pid, p in PARTICIPANTS.items()
    )
    write("participants.tsv", (header + rows).encode())
    for pid, p in PARTICIPANTS.items():
        table = "\t".join(SESSIONS_COLUMNS) + "\n" + "".join("\t".join(row) + "\n" for row in p["sessions"])
        write(f"{pid}/{pid}_sessions.tsv", table.encode())
        for row in p["sessions"]:
            label = row[0]
            stem = f"{pid}_{label}"
            fine = label in p.get("fine", set())
            write(f"{pid}/{label}/anat/{stem}_desc-brain_mask.nii.gz", compress(nifti_bytes(image(BRAIN, fine))))
            segmenter = f"derivatives/segmenter/{pid}/{label}/anat/{stem}"
            if p.get("probseg"):
                t2 = compress(nifti_bytes(image(p["t2"][label], fine, probseg=True)))
                name = f"{segmenter}_label-T2lesion_probseg.nii.gz"
            else:
                t2 = compress(nifti_bytes(image(p["t2"][label], fine)))
                name = f"{segmenter}_label-T2lesion_mask.nii.gz"
            if p.get("broken") == label:
                t2 = t2[: len(t2) // 2]  # a transfer cut short: half the gzip stream
            write(name, t2)
            if label in p.get("gd", {}):
                write(f"{segmenter}_label-Gdlesion_mask.nii.gz", compress(nifti_bytes(image(p["gd"][label], fine))))
    files = sorted(p for p in ROOT.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files ({size} bytes) under {ROOT}")


if __name__ == "__main__":
    main()
