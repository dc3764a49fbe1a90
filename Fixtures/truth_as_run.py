#!/usr/bin/env python3
"""Writes a generated study's truth in the layout of a `lesiontrack run`, to test the scorer.

    python3 Fixtures/truth_as_run.py STUDY OUT [--drop SUB:SES:ID] [--add-blob SUB:SES]
        [--count SUB:SES:COLUMN:DELTA]

For every patient and visit of STUDY's truth (Fixtures/generate_raw.py) it writes what a
perfect run would: the truth lesions and Gd+ lesions on the baseline FLAIR's grid
(`OUT/sub-X/ses-Y/anat/sub-X_ses-Y_desc-{T2,Gd}lesions_dseg.nii.gz`, nearest neighbour
through the recorded poses, with a sidecar naming that FLAIR as its SpatialReference) and a visits table
with the truth's counts (`OUT/sub-X/sub-X_visits.tsv`). The options spoil it in known
ways: --drop removes one truth lesion from a visit's T2 map, --add-blob adds a 3 × 3 × 3
voxel lesion in white matter as far from every lesion as the visit allows, --count adds
DELTA to one count (new_t2, enlarging_t2, gd_lesions). Each may be repeated.
"""

import argparse
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_raw import baseline_image, load, onto, truth_paths  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("study")
    ap.add_argument("out")
    ap.add_argument("--drop", action="append", default=[], help="SUB:SES:ID")
    ap.add_argument("--add-blob", action="append", default=[], help="SUB:SES")
    ap.add_argument("--count", action="append", default=[], help="SUB:SES:COLUMN:DELTA")
    args = ap.parse_args()
    with open(os.path.join(args.study, "derivatives", "truth", "truth.json")) as f:
        truth = json.load(f)
    drops = {}
    for d in args.drop:
        sub, ses, i = d.split(":")
        drops.setdefault((sub, ses), set()).add(int(i))
    blobs = {tuple(b.split(":")) for b in args.add_blob}
    deltas = {}
    for c in args.count:
        sub, ses, column, delta = c.split(":")
        deltas[(sub, ses, column)] = deltas.get((sub, ses, column), 0) + int(delta)
    for sub, pt in sorted(truth["patients"].items()):
        sessions = sorted(pt["counts"])
        key = baseline_image(pt, sub, sessions)
        pose = np.array(pt["images"][key]["subject_to_world"])
        grid = nib.load(os.path.join(args.study, key))
        s_aff = np.array(pt["subject_grid"]["affine"])
        _, wm_s = load(os.path.join(args.study, "derivatives", "truth", sub, f"{sub}_space-subject_label-WM_mask.nii.gz"))
        wm = onto(wm_s, s_aff, pose, grid.shape, grid.affine) > 0
        rows = []
        for ses in sessions:
            lesion_path, gd_path, _ = truth_paths(args.study, sub, ses)
            _, lesions_s = load(lesion_path)
            _, gd_s = load(gd_path)
            t2 = onto(lesions_s, s_aff, pose, grid.shape, grid.affine).astype(np.uint16)
            gd = onto(np.where(gd_s > 0, lesions_s, 0).astype(np.uint16), s_aff, pose, grid.shape, grid.affine)
            for i in drops.get((sub, ses), ()):
                t2[t2 == i] = 0
            if (sub, ses) in blobs:
                far = ndimage.distance_transform_edt(t2 == 0) * ndimage.binary_erosion(wm, iterations=1)
                c = np.unravel_index(int(far.argmax()), far.shape)
                box = tuple(slice(a - 1, a + 2) for a in c)
                t2[box] = int(t2.max()) + 1000
            anat = os.path.join(args.out, sub, ses, "anat")
            os.makedirs(anat, exist_ok=True)
            for name, data in (("T2lesions", t2), ("Gdlesions", gd.astype(np.uint16))):
                img = nib.Nifti1Image(data, grid.affine)
                img.header.set_sform(grid.affine, code=1)
                img.header.set_qform(grid.affine, code=1)
                nib.save(img, os.path.join(anat, f"{sub}_{ses}_desc-{name}_dseg.nii.gz"))
                with open(os.path.join(anat, f"{sub}_{ses}_desc-{name}_dseg.json"), "w") as f:
                    json.dump({"SpatialReference": f"bids:raw:{key}"}, f)
            counts = pt["counts"][ses]
            row = {"new_t2": counts["new"], "enlarging_t2": counts["enlarging"], "gd_lesions": counts["gd"]}
            for column in row:
                row[column] += deltas.get((sub, ses, column), 0)
            if ses == sessions[0]:
                row["new_t2"] = row["enlarging_t2"] = "n/a"
            rows.append((ses, row))
        with open(os.path.join(args.out, sub, f"{sub}_visits.tsv"), "w") as f:
            f.write("visit\tsession_id\tnew_t2\tenlarging_t2\tgd_lesions\n")
            for n, (ses, row) in enumerate(rows, 1):
                f.write(f"{n}\t{ses}\t{row['new_t2']}\t{row['enlarging_t2']}\t{row['gd_lesions']}\n")


if __name__ == "__main__":
    main()
