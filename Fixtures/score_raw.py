#!/usr/bin/env python3
"""Scores a `lesiontrack run` of a generated raw study against the generator's truth.

    python3 Fixtures/score_raw.py STUDY OUT [--json FILE] [--min-length-mm 3]

STUDY is a study written by Fixtures/generate_raw.py (its truth under
derivatives/truth), OUT the output folder of `lesiontrack run STUDY OUT participant`.
For every patient and visit of the truth it compares the run's T2 and Gd label maps
(`…_desc-T2lesions_dseg`, `…_desc-Gdlesions_dseg`, on the baseline grid) with the
truth lesions brought onto that grid, and the run's counts (`…_visits.tsv`: new_t2,
enlarging_t2, gd_lesions) with the truth's (new, enlarging, gd).

Lesion-wise detection, any overlap (the limit α → 0 of animaSegPerfAnalyzer's rule,
Commowick et al., Sci Rep 2018): a truth lesion is detected when a voxel of a
predicted lesion lies in it; a predicted lesion (one label of the run's map, after
the run's own size floors) is a false positive when it touches no truth lesion.
Truth lesions shorter than --min-length-mm (long axis as a reader measures it) are
neither counted as missed nor make a prediction touching them a false positive.
docs/raw-test-data.md describes the rule and the output.
"""

import argparse
import csv
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

DISTRACTOR_NAMES = {1: "dura", 2: "choroid plexus", 3: "vessel", 4: "cortical", 5: "ependymal cap",
                    6: "ependymal rim"}


def fail(message):
    print(f"score_raw.py: {message}", file=sys.stderr)
    sys.exit(1)


def load(path):
    if not os.path.isfile(path):
        fail(f"{path}: missing")
    img = nib.load(path)
    return img, np.asanyarray(img.dataobj)


def onto(volume, volume_affine, subject_to_world, grid_shape, grid_affine):
    """Nearest-neighbour resampling of a subject-space map onto an image's grid.

    A voxel v of the grid is the world point grid_affine · v of that image, the subject
    point inv(subject_to_world) of it, the voxel inv(volume_affine) of that."""
    m = np.linalg.inv(volume_affine) @ np.linalg.inv(subject_to_world) @ grid_affine
    return ndimage.affine_transform(volume, m[:3, :3], offset=m[:3, 3], output_shape=tuple(grid_shape),
                                    order=0, mode="constant", cval=0, prefilter=False)


def to_subject(labels, labels_affine, subject_to_world, subject_shape, subject_affine):
    """A run's label map sampled at the subject grid's voxels (nearest neighbour).

    Subject voxel u is the subject point subject_affine · u, the world point
    subject_to_world of it in the map's image, the map voxel inv(labels_affine) of that."""
    m = np.linalg.inv(labels_affine) @ subject_to_world @ subject_affine
    return ndimage.affine_transform(labels, m[:3, :3], offset=m[:3, 3], output_shape=tuple(subject_shape),
                                    order=0, mode="constant", cval=0, prefilter=False)


def spatial_reference(path, study, fallback):
    """The image a run's map lies on: its sidecar's SpatialReference (`bids:raw:PATH`), else fallback."""
    sidecar = path[: -len(".nii.gz")] + ".json"
    if os.path.isfile(sidecar):
        with open(sidecar) as f:
            ref = json.load(f).get("SpatialReference", "")
        if ref.startswith("bids:raw:"):
            return ref[len("bids:raw:"):]
    return fallback


def reader_length_mm(mask, spacing):
    """Largest distance between two voxel centres plus the voxel's extent along it (mm)."""
    idx = np.argwhere(mask).astype(np.float64) * np.asarray(spacing, np.float64)
    if len(idx) == 0:
        return 0.0
    if len(idx) == 1:
        return float(min(spacing))
    hull = idx
    if len(idx) > 400:  # the extreme points along many directions hold the diameter's ends
        dirs = np.random.default_rng(0).normal(size=(200, 3))
        proj = idx @ dirs.T
        keep = np.unique(np.concatenate([proj.argmax(0), proj.argmin(0)]))
        hull = idx[keep]
    d = hull[:, None, :] - hull[None, :, :]
    dist = np.sqrt((d ** 2).sum(-1))
    a, b = np.unravel_index(dist.argmax(), dist.shape)
    u = (hull[a] - hull[b]) / max(dist[a, b], 1e-9)
    extent = float(np.sum(np.abs(u) * np.asarray(spacing)))
    return float(dist[a, b]) + extent


def truth_paths(study, sub, ses):
    base = os.path.join(study, "derivatives", "truth", sub)
    return (os.path.join(base, ses, f"{sub}_{ses}_space-subject_label-lesion_dseg.nii.gz"),
            os.path.join(base, ses, f"{sub}_{ses}_space-subject_label-gd_mask.nii.gz"),
            os.path.join(base, f"{sub}_space-subject_desc-distractors_dseg.nii.gz"))


def baseline_image(pt, sub, sessions):
    """The truth key of the baseline FLAIR: the grid every visit is compared on."""
    key = f"{sub}/{sessions[0]}/anat/{sub}_{sessions[0]}_FLAIR.nii.gz"
    if key not in pt["images"]:
        fail(f"truth.json has no image {key}")
    return key


def detection(pred_ids, pred, truth, counted):
    """(TP, FP, FN) for a predicted and a truth label map on one grid.

    pred_ids: the labels of the run's map (one missing from pred touches nothing);
    counted: the truth labels that count (above the size floor)."""
    touched = set()
    fp = []
    for i in pred_ids:
        under = np.unique(truth[pred == i])
        hits = {int(t) for t in under if t != 0}
        if not hits:
            fp.append(i)
        touched |= hits
    tp = len(counted & touched)
    fn = len(counted - touched)
    return tp, fp, fn


def places(false_positives, pred, distractors):
    """How many false positives lie on each kind of distractor (by most of their voxels), else "other"."""
    kinds = {}
    for i in false_positives:
        under = distractors[pred == i]
        under = under[under > 0].astype(np.int64)
        kind = DISTRACTOR_NAMES.get(int(np.bincount(under).argmax()), "other") if len(under) else "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def ratios(tp, fp, fn):
    precision = tp / (tp + len(fp)) if tp + len(fp) else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def on_subject_grid(path, study, baseline_key, pt):
    """(labels of a run's map, the map sampled on the subject grid through its image's true pose)."""
    img, labels = load(path)
    ref = spatial_reference(path, study, baseline_key)
    if ref not in pt["images"]:
        fail(f"{path}: lies on {ref}, which truth.json does not know")
    pose = np.array(pt["images"][ref]["subject_to_world"])
    ids = [int(i) for i in np.unique(labels) if i != 0]
    grid = pt["subject_grid"]
    return ids, to_subject(labels, img.affine, pose, grid["shape"], np.array(grid["affine"]))


def read_visits_table(path):
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        rows = [r for r in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")]
    return {r["session_id"]: r for r in rows}


def count_of(row, column):
    value = row.get(column, "n/a") if row else "n/a"
    return None if value in ("n/a", "", None) else int(float(value))


def score(study, out, min_length_mm):
    with open(os.path.join(study, "derivatives", "truth", "truth.json")) as f:
        truth = json.load(f)
    result = {"study": study, "run": out, "min_length_mm": min_length_mm,
              "overlap_rule": "any overlap (one voxel) between a predicted and a truth lesion",
              "visits": [], "patients": {}}
    for sub in sorted(truth["patients"]):
        pt = truth["patients"][sub]
        sessions = sorted(pt["counts"])
        spacing_s = np.abs(np.diag(np.array(pt["subject_grid"]["affine"]))[:3])
        key = baseline_image(pt, sub, sessions)
        table = read_visits_table(os.path.join(out, sub, f"{sub}_visits.tsv"))
        _, _, distractor_path = truth_paths(study, sub, sessions[0])
        _, distractors_s = load(distractor_path)
        rows = []
        for ses in sessions:
            lesion_path, gd_path, _ = truth_paths(study, sub, ses)
            _, truth_s = load(lesion_path)
            _, gd_s = load(gd_path)
            ids = [int(i) for i in np.unique(truth_s) if i != 0]
            lengths = {i: reader_length_mm(truth_s == i, spacing_s) for i in ids}
            counted = {i for i in ids if lengths[i] >= min_length_mm}
            anat = os.path.join(out, sub, ses, "anat")
            t2_path = os.path.join(anat, f"{sub}_{ses}_desc-T2lesions_dseg.nii.gz")
            gd_pred_path = os.path.join(anat, f"{sub}_{ses}_desc-Gdlesions_dseg.nii.gz")
            row = {"participant_id": sub, "session_id": ses, "truth_lesions": len(counted),
                   "truth_below_floor": len(ids) - len(counted)}
            tc = pt["counts"][ses]
            run_row = table.get(ses)
            if not os.path.isfile(t2_path) or run_row is None:
                row.update({"missing": True, "tp": 0, "fp": 0, "fn": len(counted), "precision": 0.0,
                            "recall": 0.0, "f1": 0.0, "fp_kinds": {}})
            else:
                pred_ids, pred = on_subject_grid(t2_path, study, key, pt)
                tp, fp, fn = detection(pred_ids, pred, truth_s, counted)
                precision, recall, f1 = ratios(tp, fp, fn)
                kinds = places(fp, pred, distractors_s)
                row.update({"missing": False, "predicted": len(pred_ids), "tp": tp, "fp": len(fp), "fn": fn,
                            "precision": precision, "recall": recall, "f1": f1, "fp_kinds": kinds})
                if os.path.isfile(gd_pred_path):
                    gd_pred_ids, gpred = on_subject_grid(gd_pred_path, study, key, pt)
                    gd_truth = np.where(gd_s > 0, truth_s, 0)
                    gd_ids = {int(i) for i in np.unique(gd_truth) if i != 0}
                    gtp, gfp, gfn = detection(gd_pred_ids, gpred, gd_truth, gd_ids & counted)
                    row.update({"gd_tp": gtp, "gd_fp": len(gfp), "gd_fn": gfn,
                                "gd_fp_kinds": places(gfp, gpred, distractors_s)})
            counts = {}
            off = 0
            exact = True
            for name, column in (("new", "new_t2"), ("enlarging", "enlarging_t2"), ("gd", "gd_lesions")):
                want = tc[name]
                got = count_of(run_row, column)
                if name != "gd" and ses == sessions[0]:
                    got = 0 if got is None else got  # the baseline has no earlier visit: n/a is 0
                counts[name] = {"run": got, "truth": want}
                if got is None:
                    exact = False
                    off = max(off, 99)
                else:
                    exact &= got == want
                    off = max(off, abs(got - want))
            row.update({"counts": counts, "counts_exact": exact, "counts_max_off": off})
            rows.append(row)
            result["visits"].append(row)
        f1s = [r["f1"] for r in rows]
        result["patients"][sub] = {"visits": len(rows), "mean_f1": float(np.mean(f1s)), "min_f1": float(min(f1s)),
                                   "counts_exact": sum(r["counts_exact"] for r in rows),
                                   "counts_max_off": max(r["counts_max_off"] for r in rows)}
    v = result["visits"]
    result["summary"] = {
        "visits": len(v),
        "mean_f1": float(np.mean([r["f1"] for r in v])) if v else 0.0,
        "min_f1": float(min(r["f1"] for r in v)) if v else 0.0,
        "visits_f1_at_least_0_9": sum(r["f1"] >= 0.9 for r in v),
        "counts_exact": sum(r["counts_exact"] for r in v),
        "counts_max_off": max((r["counts_max_off"] for r in v), default=0),
        "missing_visits": sum(r["missing"] for r in v),
    }
    return result


def print_table(result):
    print("participant  session  truth  pred   TP   FP   FN  precision  recall     F1  "
          "new run/truth  enlarging run/truth  Gd+ run/truth  false positives by place")
    for r in result["visits"]:
        c = r["counts"]
        fmt = lambda k: f"{'n/a' if c[k]['run'] is None else c[k]['run']}/{c[k]['truth']}"
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r["fp_kinds"].items())) or "-"
        if r["missing"]:
            kinds = "visit missing from the run"
        print(f"{r['participant_id']:<11}  {r['session_id']:<7}  {r['truth_lesions']:>5}  {r.get('predicted', 0):>4}  "
              f"{r['tp']:>3}  {r['fp']:>3}  {r['fn']:>3}  {r['precision']:>9.3f}  {r['recall']:>6.3f}  {r['f1']:>5.3f}  "
              f"{fmt('new'):>13}  {fmt('enlarging'):>19}  {fmt('gd'):>13}  {kinds}")
    for sub, p in result["patients"].items():
        print(f"{sub}: F1 mean {p['mean_f1']:.3f}, lowest {p['min_f1']:.3f}; counts exact at "
              f"{p['counts_exact']} of {p['visits']} visits, off by at most {p['counts_max_off']}")
    s = result["summary"]
    print(f"summary: {s['visits']} visits, F1 mean {s['mean_f1']:.3f}, lowest {s['min_f1']:.3f}, "
          f"{s['visits_f1_at_least_0_9']} with F1 >= 0.9; counts exact at {s['counts_exact']} "
          f"({100.0 * s['counts_exact'] / max(s['visits'], 1):.0f} %), off by at most {s['counts_max_off']}; "
          f"{s['missing_visits']} visits missing; lesions >= {result['min_length_mm']} mm, any overlap")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("study", help="a study written by Fixtures/generate_raw.py")
    ap.add_argument("out", help="the output folder of `lesiontrack run STUDY OUT participant`")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    ap.add_argument("--min-length-mm", type=float, default=3.0,
                    help="truth lesions shorter than this (long axis, mm) are not scored (default 3)")
    args = ap.parse_args()
    for folder in (args.study, args.out):
        if not os.path.isdir(folder):
            fail(f"{folder}: not a folder")
    result = score(args.study, args.out, args.min_length_mm)
    print_table(result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
