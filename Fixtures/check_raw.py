#!/usr/bin/env python3
"""Checks a study written by generate_raw.py against its own truth.

    python3 Fixtures/check_raw.py OUT [--min-correlation 0.9]

Reloads every file with nibabel and checks:
- each image's affine (sform if its code > 0, else qform) is axis-aligned,
  matches the recorded spacing, and the header kind (sform+qform / qform-only)
  is the recorded one;
- resampling each image back onto the subject grid with the recorded
  subject_to_world correlates with the noise-free subject-space image of the
  same series (over the head) above the threshold (for the thick-slice image,
  with the reference averaged over the slice thickness along z);
- per visit, the lesion IDs in the truth label map are exactly the lesions
  present then, the new / enlarging / Gd+ counts of truth.json follow from the
  lesion list, enlarging lesions grow, and the Gd mask lies inside Gd+ lesions.

Prints one line per image and per visit; exits 1 on the first class of failure
found, after printing all.
"""

import argparse
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage


def load(path):
    if not os.path.isfile(path):
        raise SystemExit(f"check_raw.py: {path}: missing")
    img = nib.load(path)
    return img, np.asanyarray(img.dataobj)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--min-correlation", type=float, default=0.9)
    args = ap.parse_args()
    truth_dir = os.path.join(args.out, "derivatives", "truth")
    with open(os.path.join(truth_dir, "truth.json")) as f:
        truth = json.load(f)
    problems = []
    lowest = 1.0
    highest_control = -1.0
    for sub, pt in truth["patients"].items():
        grid = pt["subject_grid"]
        s_aff = np.array(grid["affine"])
        s_shape = tuple(grid["shape"])
        head = None
        for rel, rec in sorted(pt["images"].items()):
            img, data = load(os.path.join(args.out, rel))
            hdr = img.header
            sform, qform = int(hdr["sform_code"]), int(hdr["qform_code"])
            kind = "sform+qform" if sform > 0 and qform > 0 else ("qform-only" if qform > 0 else "other")
            if kind != rec["header"]:
                problems.append(f"{rel}: header is {kind}, truth says {rec['header']}")
            aff = img.affine
            off_diag = aff[:3, :3] - np.diag(np.diag(aff[:3, :3]))
            if np.abs(off_diag).max() > 1e-6:
                problems.append(f"{rel}: affine is not axis-aligned")
            if not np.allclose(np.abs(np.diag(aff)[:3]), rec["spacing_mm"], atol=1e-5):
                problems.append(f"{rel}: spacing {np.diag(aff)[:3]} differs from {rec['spacing_mm']}")
            s2w = np.array(rec["subject_to_world"])
            det = np.linalg.det(s2w[:3, :3])
            if rec["variant"] == "flipped":
                if det > 0:
                    problems.append(f"{rel}: flipped but subject_to_world keeps handedness")
            elif abs(det - 1.0) > 1e-6 or not np.allclose(s2w[:3, :3] @ s2w[:3, :3].T, np.eye(3), atol=1e-6):
                problems.append(f"{rel}: subject_to_world is not rigid (det {det:.6f})")
            else:
                # The recorded angles, centre and shift give the same matrix.
                a, b, c = np.deg2rad(rec["rotation_deg"])
                rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
                ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
                rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
                r = rz @ ry @ rx
                centre = np.array(rec["rotation_centre_mm"])
                t = centre - r @ centre + np.array(rec["translation_mm"])
                if not (np.allclose(r, s2w[:3, :3], atol=1e-5) and np.allclose(t, s2w[:3, 3], atol=1e-3)):
                    problems.append(f"{rel}: rotation_deg / translation_mm do not give subject_to_world")
            ses = rel.split("/")[1]
            series = rel.split(f"{ses}_", 1)[1].replace(".nii.gz", "")
            _, ref = load(os.path.join(truth_dir, sub, ses, f"{sub}_{ses}_space-subject_{series}.nii.gz"))
            ref = ref.astype(np.float32)
            if rec["thick_slice"]:
                # The thick slices average along the scanner's z, which is the subject's
                # z within the pose's tilt: average the reference the same way.
                width = int(round(max(rec["spacing_mm"]) / abs(s_aff[2, 2])))
                ref = ndimage.uniform_filter1d(ref, width, axis=2)
            if head is None:
                _, brain = load(os.path.join(truth_dir, sub, f"{sub}_space-subject_label-brain_mask.nii.gz"))
                head = ndimage.binary_dilation(brain > 0, iterations=int(round(10 / abs(s_aff[0, 0]))))
            volume = data.astype(np.float32)

            def correlation(subject_to_world):
                # image voxel <- image world <- subject point <- subject voxel
                m = np.linalg.inv(aff) @ subject_to_world @ s_aff
                back = ndimage.affine_transform(volume, m[:3, :3], offset=m[:3, 3], output_shape=s_shape,
                                                order=1, mode="constant", cval=np.nan)
                sel = head & np.isfinite(back)
                return float(np.corrcoef(back[sel], ref[sel])[0, 1]), int(sel.sum())

            r, n = correlation(s2w)
            # A control: the same image taken as if the head had not moved (or, for the
            # flipped image, as if it were not mirrored) must correlate clearly less.
            if rec["variant"] == "flipped":
                mirror = np.eye(4)
                mirror[0, 0], mirror[0, 3] = -1, data.shape[0] - 1
                control_name, control = "ignoring the mirror", aff @ mirror @ np.linalg.inv(aff) @ s2w
            else:
                control_name, control = "ignoring the pose", np.eye(4)
            r_control, _ = correlation(control)
            if rec["variant"] is None:
                lowest = min(lowest, r)
                highest_control = max(highest_control, r_control)
            if r_control > r - 0.05 and rec["variant"] != "other-head":
                problems.append(f"{rel}: the control ({control_name}) correlates {r_control:.3f}, "
                                f"nearly as well as the true transform ({r:.3f})")
            print(f"{rel}: r = {r:.3f} over {n} voxels ({control_name}: {r_control:.3f}); {rec['header']}, "
                  f"spacing {rec['spacing_mm']}{', thick' if rec['thick_slice'] else ''}"
                  f"{', ' + rec['variant'] if rec['variant'] else ''}")
            if r < args.min_correlation and rec["variant"] != "other-head":
                problems.append(f"{rel}: correlation {r:.3f} < {args.min_correlation}")

        lesions = pt["lesions"]
        sessions = sorted({rel.split("/")[1] for rel in pt["images"]})
        prev = None
        for ses in sessions:
            _, dseg = load(os.path.join(truth_dir, sub, ses, f"{sub}_{ses}_space-subject_label-lesion_dseg.nii.gz"))
            _, gd = load(os.path.join(truth_dir, sub, ses, f"{sub}_{ses}_space-subject_label-gd_mask.nii.gz"))
            present = {l["id"] for l in lesions if l["first_visit"] <= ses}
            found = set(np.unique(dseg).tolist()) - {0}
            if found != present:
                problems.append(f"{sub} {ses}: lesion IDs {sorted(found)} differ from the truth list {sorted(present)}")
            gd_ids = {l["id"] for l in lesions if ses in l["gd_visits"]}
            gd_found = set(np.unique(dseg[gd > 0]).tolist()) - {0}
            if gd_found != gd_ids or (dseg[gd > 0] == 0).any():
                problems.append(f"{sub} {ses}: Gd mask covers lesions {sorted(gd_found)}, truth says {sorted(gd_ids)}")
            sizes = ndimage.sum(np.ones_like(dseg), dseg, sorted(present)) if present else []
            size_of = dict(zip(sorted(present), np.asarray(sizes).astype(int).tolist()))
            counts = pt["counts"][ses]
            new = sum(1 for l in lesions if l["first_visit"] == ses) if prev else 0
            enl = [l["id"] for l in lesions if l["enlarges_at"] == ses]
            if counts["new"] != new or counts["enlarging"] != len(enl) or counts["gd"] != len(gd_ids) \
                    or counts["lesions"] != len(present):
                problems.append(f"{sub} {ses}: counts {counts} do not follow from the lesion list")
            for i in enl:
                if prev is None or size_of[i] < 1.5 * prev[i]:
                    problems.append(f"{sub} {ses}: lesion {i} should enlarge ({prev and prev.get(i)} -> {size_of[i]} voxels)")
            print(f"{sub} {ses}: {len(present)} lesions ({new} new, {len(enl)} enlarging, {len(gd_ids)} Gd+), "
                  f"{int((dseg > 0).sum())} lesion voxels, smallest {min(size_of.values()) if size_of else 0}")
            prev = size_of

        # FLAIR mimics: never in white matter, and most of them bright enough for a
        # z >= 3 threshold over the whole brain (noise-free FLAIR of the first visit).
        _, dmap = load(os.path.join(truth_dir, sub, f"{sub}_space-subject_desc-distractors_dseg.nii.gz"))
        _, wm = load(os.path.join(truth_dir, sub, f"{sub}_space-subject_label-WM_mask.nii.gz"))
        _, brain = load(os.path.join(truth_dir, sub, f"{sub}_space-subject_label-brain_mask.nii.gz"))
        first = sessions[0]
        _, flair = load(os.path.join(truth_dir, sub, first, f"{sub}_{first}_space-subject_FLAIR.nii.gz"))
        inside = flair[brain > 0].astype(np.float64)
        cut = inside.mean() + 3 * inside.std()
        summary = []
        for value, name in ((4, "cortical"), (5, "ependymal cap"), (6, "ependymal rim")):
            comps, n = ndimage.label(dmap == value, np.ones((3, 3, 3)))
            peaks = ndimage.maximum(flair, comps, range(1, n + 1)) if n else []
            hot = int(np.sum(np.asarray(peaks) >= cut))
            in_wm = int(((dmap == value) & (wm > 0)).sum())
            if n == 0 or in_wm or hot * 2 < n:
                problems.append(f"{sub}: {name} FLAIR distractors: {n} components, {hot} at z >= 3, "
                                f"{in_wm} voxels in white matter (want some, most at z >= 3, none in WM)")
            summary.append(f"{name} {hot}/{n}")
        print(f"{sub}: FLAIR distractors at z >= 3 over the brain: {', '.join(summary)}; none in white matter")
    print(f"unmodified images: lowest correlation {lowest:.3f}; highest control {highest_control:.3f}")
    if problems:
        for p in problems:
            print(f"FAIL {p}", file=sys.stderr)
        sys.exit(1)
    print("check_raw.py: all checks passed")


if __name__ == "__main__":
    main()
