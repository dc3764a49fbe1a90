#!/usr/bin/env python3
"""Write the example patient of `lesiontrack patient` and `compare`: a tiny BIDS study.

Three sessions of one participant, with lesion masks as an upstream segmenter
would write them (under derivatives/), a gadolinium lesion mask at the second
session and a brain mask per session. Lesions are boxes of 1 mm voxels, so every
volume, state and count can be checked by hand (see Fixtures/README.md):

  A  stable                27 voxels at every session
  B  enlarging             18 -> 36 (ratio 2, +18 mm3) -> 36 (stable)
  C  resolved              27 -> gone
  D  new at ses-02         27, enhancing at ses-02 -> 27 (stable)
  E  merged with F         27 + 27 -> one lesion of 63 at ses-03 (keeps E's ID)
  F  absorbed into E       27 -> merged into E at ses-03
  G  split at ses-03       81 -> 45 (keeps G's ID) + 27 (a new ID)
  a two-voxel speck at ses-02, below the 3-voxel floor, and a Gd-only focus.

The NIfTI files are written by generate_fixtures.py's independent writer (standard
library only); gzip streams carry no name and a zero time stamp, so two runs give
byte-identical files.

Usage (from the repository root): python3 Fixtures/generate_longitudinal.py
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_fixtures import Image, box, centred, compress, nifti_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent / "longitudinal"
SHAPE = (32, 32, 16)
SUBJECT = "sub-01"
SESSIONS = [("ses-01", "2021-03-02"), ("ses-02", "2021-09-14"), ("ses-03", "2022-03-08")]

A = box((4, 6), (4, 6), (4, 6))
B_SMALL = box((12, 14), (4, 6), (4, 5))
B_LARGE = box((12, 14), (4, 6), (4, 7))
C = box((20, 22), (4, 6), (4, 6))
D = box((4, 6), (14, 16), (4, 6))
E = box((12, 14), (14, 16), (4, 6))
F = box((12, 14), (18, 20), (4, 6))
BRIDGE = box((12, 14), (17, 17), (4, 6))
G = box((22, 24), (14, 22), (8, 10))
G_PART_1 = box((22, 24), (14, 18), (8, 10))
G_PART_2 = box((22, 24), (20, 22), (8, 10))
SPECK = [(28, 28, 2), (29, 28, 2)]
BRAIN = box((1, 30), (1, 30), (1, 14))

T2 = {
    "ses-01": A + B_SMALL + C + E + F + G,
    "ses-02": A + B_LARGE + D + E + F + G + SPECK,
    "ses-03": A + B_LARGE + D + E + F + BRIDGE + G_PART_1 + G_PART_2,
}
# Gd+ lesions at ses-02: most of D (so D enhances) and a focus touching no T2 lesion.
GD = {"ses-02": box((4, 6), (14, 16), (5, 6)) + box((26, 27), (26, 27), (12, 13))}


def mask(voxels):
    """A uint8 0/1 mask of the example grid, RAS, 1 mm, centred on 0 mm."""
    chosen = set(voxels)
    values = [
        1 if (i, j, k) in chosen else 0
        for k in range(SHAPE[2])
        for j in range(SHAPE[1])
        for i in range(SHAPE[0])
    ]
    return Image(shape=SHAPE, datatype="uint8", stored=values, orientation=centred(SHAPE))


def write(relative, data):
    path = ROOT / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main():
    if ROOT.exists():
        shutil.rmtree(ROOT)
    description = {"Name": "LesionTrack longitudinal example", "BIDSVersion": "1.9.0"}
    write("dataset_description.json", (json.dumps(description, indent=2) + "\n").encode())
    derivative = dict(description, Name="Example lesion segmenter", DatasetType="derivative")
    write("derivatives/segmenter/dataset_description.json", (json.dumps(derivative, indent=2) + "\n").encode())
    write("participants.tsv", f"participant_id\n{SUBJECT}\n".encode())
    rows = "".join(f"{label}\t{time}\n" for label, time in SESSIONS)
    write(f"{SUBJECT}/{SUBJECT}_sessions.tsv", f"session_id\tacq_time\n{rows}".encode())
    for label, _ in SESSIONS:
        stem = f"{SUBJECT}_{label}"
        write(f"{SUBJECT}/{label}/anat/{stem}_desc-brain_mask.nii.gz", compress(nifti_bytes(mask(BRAIN))))
        segmenter = f"derivatives/segmenter/{SUBJECT}/{label}/anat/{stem}"
        write(f"{segmenter}_label-T2lesion_mask.nii.gz", compress(nifti_bytes(mask(T2[label]))))
        if label in GD:
            write(f"{segmenter}_label-Gdlesion_mask.nii.gz", compress(nifti_bytes(mask(GD[label]))))
    files = sorted(p for p in ROOT.rglob("*") if p.is_file())
    print(f"wrote {len(files)} files under {ROOT}")


if __name__ == "__main__":
    main()
