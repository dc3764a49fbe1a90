#!/usr/bin/env python3
"""Time cc3d, scipy.ndimage and SimpleITK on LesionTrack's benchmark volumes.

Reads the figures that `lesiontrack bench --json FILE --write-volumes DIR`
wrote, then for every volume DIR/<name>.nii: thresholds it (value >= 0.5),
times numpy's thresholding, cc3d.connected_components, cc3d.statistics,
scipy.ndimage.label and SimpleITK's ConnectedComponent at each connectivity,
checks that the peers find the same components as cc3d, and checks that
LesionTrack's 26-connected label map DIR/<name>_labels_c26.nii partitions the
foreground exactly as cc3d does. Prints the figures side by side with the
benchmark's, with ratios.

Every peer runs on one thread; each time is the median of --reps runs after
one warm-up run. Exits 1 on any disagreement, 2 on bad input.

Normally run through run-peers.sh, which sets up the Python environment.
"""
import os

# One thread for every peer. These must be set before numpy, scipy and
# SimpleITK are imported.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

import cc3d  # noqa: E402
import nibabel as nib  # noqa: E402
import numpy as np  # noqa: E402
import scipy.ndimage as ndi  # noqa: E402
import SimpleITK as sitk  # noqa: E402

sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)

THRESHOLD = 0.5
MAP_CONNECTIVITY = 26  # the label map that the benchmark writes
SCIPY_RANK = {6: 1, 18: 2, 26: 3}  # generate_binary_structure(3, rank)
SITK_FULLY_CONNECTED = {6: False, 26: True}  # SimpleITK has no 18-connectivity


class InputError(Exception):
    """The benchmark's figures or volumes are missing or malformed."""


# --- LesionTrack's figures --------------------------------------------------

def lesiontrack_steps(threads):
    """The benchmark rows this comparison reads: key -> (step name, per connectivity?)."""
    many = f"{threads} threads" if threads != 1 else "1 thread"
    return {
        "threshold": ("threshold → bit mask (SIMD)", False),
        "label_1": ("label bit mask (runs), 1 thread", True),
        "label_n": (f"label bit mask (runs), {many}", True),
        "fused_no_extent_1": ("fused, no extent, 1 thread", True),
        "fused_1": ("fused threshold+label+statistics, 1 thread", True),
        "fused_n": (f"fused, {many}", True),
    }


def lesiontrack_figures(volume, connectivity, threads):
    """Median ms, MVx/s and note of each row this comparison needs."""
    rows = {}
    for row in volume.get("rows", []):
        rows[(row.get("connectivity"), row.get("step"))] = row
    found, missing = {}, []
    for key, (step, per_connectivity) in lesiontrack_steps(threads).items():
        row = rows.get((connectivity if per_connectivity else None, step))
        if row is None or row.get("median_ms") is None:
            where = f"connectivity {connectivity}" if per_connectivity else "no connectivity"
            missing.append(f"'{step}' ({where})")
        else:
            found[key] = row
    if missing:
        have = sorted({r[1] for r in rows})
        raise InputError(
            f"the benchmark figures for volume '{volume.get('name')}' lack the step(s) "
            + ", ".join(missing)
            + ". Steps present: " + "; ".join(have)
            + ". Was the benchmark run with a different version of lesiontrack?")
    return found


def reported_count(row):
    """The component count in a benchmark row's note, if it states one."""
    match = re.search(r"(\d+) components?", row.get("note") or "")
    return int(match.group(1)) if match else None


# --- timing -----------------------------------------------------------------

def timed(fn, reps):
    """Run fn once to warm up, then reps times; return (warm-up result, median ms)."""
    result = fn()
    samples = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(reps):
            start = time.perf_counter_ns()
            out = fn()
            samples.append(time.perf_counter_ns() - start)
            del out
    finally:
        if collecting:
            gc.enable()
    return result, statistics.median(samples) / 1e6


# --- partition checks -------------------------------------------------------

def flat_i_fastest(array):
    """The voxels in storage order of a NIfTI file: i fastest, then j, then k."""
    return array.ravel(order="F")


def first_voxel_of_each_label(labels_fg):
    """Position (within labels_fg) of each label's first occurrence; -1 if absent."""
    top = int(labels_fg.max()) if labels_fg.size else 0
    sentinel = np.iinfo(np.int64).max
    first = np.full(top + 1, sentinel, dtype=np.int64)
    np.minimum.at(first, labels_fg, np.arange(labels_fg.size, dtype=np.int64))
    first[first == sentinel] = -1
    first[0] = -1
    return first


def compare_partitions(candidate, reference, mask, cand_name, ref_name):
    """Compare two label volumes over the foreground `mask`.

    Returns (count of distinct nonzero labels in candidate, problem), where
    problem is None when both label exactly the foreground and there is a
    one-to-one mapping between their labels, else a sentence naming the first
    differing voxel in i-fastest order.
    """
    if candidate.shape != mask.shape:
        return None, f"{cand_name} has shape {candidate.shape}, the volume {mask.shape}"
    shape = mask.shape
    where = lambda flat: "voxel (i, j, k) = " + str(tuple(int(x) for x in np.unravel_index(flat, shape, order="F")))  # noqa: E731

    cand = flat_i_fastest(candidate)
    ref = flat_i_fastest(reference)
    fg = flat_i_fastest(mask)

    wrong_fg = (cand != 0) != fg
    if wrong_fg.any():
        at = int(wrong_fg.argmax())
        state = "foreground" if fg[at] else "background"
        return None, (f"{cand_name} does not label exactly the foreground (value >= {THRESHOLD}): "
                      f"first at {where(at)}, which is {state} but has {cand_name} label {int(cand[at])}")
    del wrong_fg

    positions = np.flatnonzero(fg)
    cand_fg = cand[positions]
    ref_fg = ref[positions]
    first = first_voxel_of_each_label(cand_fg)
    labels = np.flatnonzero(first >= 0)
    count = int(labels.size)

    # Each candidate label must cover one reference label: the one at its first voxel.
    image = np.zeros(first.size, dtype=ref_fg.dtype)
    image[labels] = ref_fg[first[labels]]
    mixed = ref_fg != image[cand_fg]
    merge_at = int(mixed.argmax()) if mixed.any() else None
    del mixed

    # Different candidate labels must cover different reference labels.
    by_first = labels[np.argsort(first[labels], kind="stable")]
    targets = image[by_first]
    _, keep = np.unique(targets, return_index=True)
    repeated = np.ones(targets.size, dtype=bool)
    repeated[keep] = False
    split_at = int(first[by_first[repeated.argmax()]]) if repeated.any() else None

    if merge_at is None and split_at is None:
        return count, None
    if split_at is None or (merge_at is not None and merge_at < split_at):
        lab = int(cand_fg[merge_at])
        return count, (f"{cand_name} label {lab} spans {ref_name} components {int(image[lab])} and "
                       f"{int(ref_fg[merge_at])} (merged): its first voxel is in {ref_name} component "
                       f"{int(image[lab])}, but {where(int(positions[merge_at]))} is in {int(ref_fg[merge_at])}")
    lab = int(cand_fg[split_at])
    target = int(ref_fg[split_at])
    earlier = int(by_first[np.flatnonzero(targets == target)[0]])
    return count, (f"{ref_name} component {target} is split between {cand_name} labels {earlier} "
                   f"and {lab}: label {lab} starts at {where(int(positions[split_at]))}")


def numbered_by_first_voxel(labels_map, mask):
    """True when labels are 1..N, numbered in order of their first voxel (i fastest)."""
    seq = flat_i_fastest(labels_map)[np.flatnonzero(flat_i_fastest(mask))]
    if seq.size == 0:
        return True
    running = np.maximum.accumulate(seq)
    return bool(seq[0] == 1 and (np.diff(running) <= 1).all())


# --- the peers --------------------------------------------------------------

def cc3d_labeller(mask, connectivity, notes):
    """A function labelling `mask` with cc3d; works around boolean-input failures."""
    def on_bool():
        return cc3d.connected_components(mask, connectivity=connectivity, return_N=True)
    try:
        on_bool()
        return on_bool
    except Exception as error:  # cc3d 4.1.1 can fail on some boolean masks
        notes.append(f"cc3d failed on the boolean mask ({error}); timed on a uint8 view instead")
        as_bytes = mask.view(np.uint8)
        return lambda: cc3d.connected_components(as_bytes, connectivity=connectivity, return_N=True)


def sitk_labeller(mask, connectivity):
    """A function labelling `mask` with SimpleITK; returns (filter output, filter)."""
    # mask is (i, j, k) in Fortran order; its transpose is the C-ordered
    # (k, j, i) array that SimpleITK reads as an image of size (i, j, k).
    image = sitk.GetImageFromArray(mask.view(np.uint8).T)
    labeller = sitk.ConnectedComponentImageFilter()
    labeller.SetFullyConnected(SITK_FULLY_CONNECTED[connectivity])
    labeller.SetNumberOfThreads(1)
    return lambda: (labeller.Execute(image), labeller)


# --- reporting --------------------------------------------------------------

def fmt_ms(ms):
    if ms is None:
        return "-"
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def fmt_rate(voxels, ms):
    return "-" if not ms else f"{voxels / ms / 1e3:.0f}"


def fmt_ratio(peer_ms, ours_ms):
    if peer_ms is None or not ours_ms:
        return "-"
    ratio = peer_ms / ours_ms
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"


RATIOS = (
    # key, peer time, LesionTrack time, label
    ("cc3d_label_vs_fused_no_extent", "cc3d_label", "fused_no_extent_1",
     "cc3d label ÷ LT fused, no extent, 1 thread"),
    ("cc3d_label_stats_vs_fused", "cc3d_label_stats", "fused_1",
     "cc3d label + statistics ÷ LT fused, 1 thread"),
    ("cc3d_label_vs_label_1", "cc3d_label", "label_1",
     "cc3d label ÷ LT label, 1 thread"),
    ("cc3d_label_vs_label_n", "cc3d_label", "label_n",
     "cc3d label ÷ LT label, {n} threads"),
    ("scipy_label_vs_label_1", "scipy_label", "label_1",
     "scipy label ÷ LT label, 1 thread"),
    ("sitk_label_vs_label_1", "sitk_label", "label_1",
     "SimpleITK label ÷ LT label, 1 thread"),
    ("numpy_threshold_vs_threshold", "numpy_threshold", "threshold",
     "numpy threshold ÷ LT threshold"),
)


def print_table(entry, threads, bench_reps, reps):
    voxels = entry["voxels"]
    lt = entry["lesiontrack_ms"]
    peers = entry["peers_ms"]
    many = f"{threads} threads" if threads != 1 else "1 thread"
    left = [
        ("threshold → bit mask", lt["threshold"]),
        ("label, 1 thread", lt["label_1"]),
        (f"label, {many}", lt["label_n"]),
        ("fused, no extent, 1 thread", lt["fused_no_extent_1"]),
        ("fused, 1 thread", lt["fused_1"]),
        (f"fused, {many}", lt["fused_n"]),
    ]
    sitk_ms = peers["sitk_label"]
    right = [
        ("numpy threshold", peers["numpy_threshold"]),
        ("cc3d label", peers["cc3d_label"]),
        ("cc3d label + statistics", peers["cc3d_label_stats"]),
        ("scipy label", peers["scipy_label"]),
        ("SimpleITK label" if sitk_ms is not None else "SimpleITK: no 18-conn.", sitk_ms),
        ("", None),
    ]
    dims = "×".join(str(d) for d in entry["dims"])
    print(f"{entry['name']} {dims} ({voxels / 1e6:.1f} M voxels, "
          f"{100 * entry['foreground'] / voxels:.1f} % foreground), "
          f"{entry['connectivity']}-connected: {entry['counts']['cc3d']} components")
    lt_head = f"LesionTrack (median of {bench_reps})"
    peer_head = f"peers, 1 thread (median of {reps})"
    print(f"  {lt_head:<28}{'ms':>8}{'MVx/s':>8}  │ {peer_head:<28}{'ms':>8}{'MVx/s':>8}")
    for (ln, lms), (rn, rms) in zip(left, right):
        right_text = (f"{rn:<28}{fmt_ms(rms):>8}{fmt_rate(voxels, rms):>8}"
                      if rms is not None else rn)
        print(f"  {ln:<28}{fmt_ms(lms):>8}{fmt_rate(voxels, lms):>8}  │ {right_text}".rstrip())
    print("  ratios (peer time ÷ LesionTrack time; above 1 = LesionTrack faster):")
    for key, _, _, label in RATIOS:
        print(f"    {label.format(n=threads):<48}{entry['ratios'][key]:>8}")
    print(f"  checks: {entry['check_summary']}")
    for note in entry["notes"]:
        print(f"  note: {note}")
    for problem in entry["problems"]:
        print(f"  DISAGREEMENT: {problem}")
    print()


def print_summary(entries, threads):
    print("summary (peer time ÷ LesionTrack time, same invocation; above 1 = LesionTrack faster)")
    heads = ["volume", "conn", "cc3d÷LT no-ext", "cc3d+stats÷LT fused",
             "cc3d÷LT label 1t", f"cc3d÷LT label {threads}t", "scipy÷LT label", "SimpleITK÷LT label"]
    keys = [r[0] for r in RATIOS[:6]]
    widths = [max(len(h), 8) for h in heads]
    print("  " + "  ".join(h.rjust(w) if i > 1 else h.ljust(w) for i, (h, w) in enumerate(zip(heads, widths))))
    for e in entries:
        cells = [e["name"], str(e["connectivity"])] + [e["ratios"][k] for k in keys]
        print("  " + "  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))))
    print()


LEGEND = """\
legend:
  LT = LesionTrack, figures from `lesiontrack bench` in this run; peers timed
  right after it on the NIfTI files it wrote, so every ratio compares figures
  measured in one invocation on the same machine. All times are medians, all
  single-threaded unless a thread count is given.
  - threshold: LesionTrack packs value >= 0.5 into a bit mask; numpy makes a bool array.
  - LT label: labelling the bit mask (counts components, no statistics, no label map);
    cc3d / scipy / SimpleITK label: labelling the bool mask into a dense label map.
  - LT fused: threshold + label + per-lesion statistics straight from the float
    volume, no label map; "no extent" omits the largest-extent statistic, giving
    what cc3d.statistics gives (voxel counts, bounding boxes, centroids).
  - cc3d label + statistics: cc3d.connected_components plus
    cc3d.statistics(no_slice_conversion=True) on its labels (mask given; the
    numpy threshold is not included).
  - cc3d label ÷ LT fused, no extent: cc3d's labelling alone against
    LesionTrack's whole pass from the float volume.
  - SimpleITK times ConnectedComponentImageFilter only (its input image is
    built beforehand); it has no 18-connectivity.
"""


# --- main -------------------------------------------------------------------

def parse_list(text, option):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"{option} takes comma-separated integers, not '{text}'")
    bad = [v for v in values if v not in SCIPY_RANK]
    if bad or not values:
        raise InputError(f"{option}: connectivities must be 6, 18 or 26, not '{text}'")
    return values


def load_float_volume(path):
    image = nib.load(str(path), mmap=False)
    data = np.asanyarray(image.dataobj)  # applies NIfTI scaling only when the header has it
    return image, data


def check_volume(volume, folder, connectivities, threads, bench_reps, reps):
    name = volume.get("name")
    path = folder / f"{name}.nii"
    map_path = folder / f"{name}_labels_c{MAP_CONNECTIVITY}.nii"
    for p in (path, map_path) if MAP_CONNECTIVITY in connectivities else (path,):
        if not p.is_file():
            raise InputError(f"missing {p}: was the benchmark run with --write-volumes {folder}?")
    figures = {c: lesiontrack_figures(volume, c, threads) for c in connectivities}

    image, data = load_float_volume(path)
    dims = list(data.shape)
    if volume.get("dims") and list(volume["dims"]) != dims:
        raise InputError(f"{path} has dimensions {dims}, the benchmark says {volume['dims']}")
    voxels = int(data.size)

    volume_problems = [f"the benchmark reports a disagreement with its reference: {d}"
                       for d in volume.get("disagreements") or []]

    mask, threshold_ms = timed(lambda: data >= THRESHOLD, reps)
    foreground = int(np.count_nonzero(mask))
    del data
    gc.collect()

    entries = []
    for index, connectivity in enumerate(connectivities):
        notes = []
        problems = list(volume_problems) if index == 0 else []
        lt_rows = figures[connectivity]
        lt_ms = {k: row["median_ms"] for k, row in lt_rows.items()}

        (cc_labels, cc_count), cc_ms = timed(cc3d_labeller(mask, connectivity, notes), reps)
        _, stats_ms = timed(lambda: cc3d.statistics(cc_labels, no_slice_conversion=True), reps)
        counts = {"cc3d": int(cc_count)}
        checks = []

        structure = ndi.generate_binary_structure(3, SCIPY_RANK[connectivity])
        (sp_labels, sp_count), sp_ms = timed(lambda: ndi.label(mask, structure), reps)
        counts["scipy"] = int(sp_count)
        _, problem = compare_partitions(sp_labels, cc_labels, mask, "scipy", "cc3d")
        del sp_labels
        if problem or sp_count != cc_count:
            problems.append(problem or f"scipy counts {sp_count} components, cc3d {cc_count}")
        checks.append(f"scipy {sp_count}" + ("" if problem else " (same partition)"))

        sitk_ms = None
        if connectivity in SITK_FULLY_CONNECTED:
            (it_image, it_filter), sitk_ms = timed(sitk_labeller(mask, connectivity), reps)
            it_count = int(it_filter.GetObjectCount())
            it_labels = sitk.GetArrayFromImage(it_image).T
            del it_image
            counts["simpleitk"] = it_count
            _, problem = compare_partitions(it_labels, cc_labels, mask, "SimpleITK", "cc3d")
            del it_labels
            if problem or it_count != cc_count:
                problems.append(problem or f"SimpleITK counts {it_count} components, cc3d {cc_count}")
            checks.append(f"SimpleITK {it_count}" + ("" if problem else " (same partition)"))

        lt_count = reported_count(lt_rows["label_1"])
        if lt_count is not None:
            counts["lesiontrack"] = lt_count
            if lt_count != cc_count:
                problems.append(f"LesionTrack's benchmark counts {lt_count} components, cc3d {cc_count}")
            checks.append(f"LesionTrack bench {lt_count}")
        else:
            checks.append("LesionTrack bench count not stated")

        label_map = None
        if connectivity == MAP_CONNECTIVITY:
            lt_image = nib.load(str(map_path), mmap=False)
            lt_labels = np.asanyarray(lt_image.dataobj)
            if not np.allclose(lt_image.affine, image.affine, atol=1e-3):
                problems.append(f"{map_path.name} has a different affine from {path.name}")
            map_count, problem = compare_partitions(lt_labels, cc_labels, mask, "LesionTrack", "cc3d")
            label_map = {"dtype": str(lt_labels.dtype), "count": map_count,
                         "same_partition_as_cc3d": problem is None}
            if problem:
                problems.append(problem)
                checks.append("label map: DIFFERENT partition from cc3d's"
                              + (f" ({map_count} labels)" if map_count is not None else ""))
            else:
                counts["lesiontrack_map"] = map_count
                if map_count != cc_count:
                    problems.append(f"LesionTrack's label map has {map_count} labels, cc3d {cc_count}")
                numbered = numbered_by_first_voxel(lt_labels, mask)
                identical = bool(np.array_equal(lt_labels, cc_labels))
                label_map.update(numbered_by_first_voxel=numbered, identical_to_cc3d=identical)
                checks.append(f"label map {map_count} ({lt_labels.dtype}, same partition as cc3d"
                              + (", numbered by first voxel" if numbered else "")
                              + (", identical label values" if identical else "") + ")")
                if not numbered:
                    notes.append("warning: LesionTrack's label map is not numbered 1..N in the "
                                 "order of each label's first voxel (i fastest); the partition is right")
            del lt_labels, lt_image
        del cc_labels
        gc.collect()

        peers_ms = {
            "numpy_threshold": threshold_ms,
            "cc3d_label": cc_ms,
            "cc3d_statistics": stats_ms,
            "cc3d_label_stats": cc_ms + stats_ms,
            "scipy_label": sp_ms,
            "sitk_label": sitk_ms,
        }
        all_ms = dict(peers_ms, **{k: v for k, v in lt_ms.items()})
        ratios = {key: fmt_ratio(all_ms[peer], all_ms[ours]) for key, peer, ours, _ in RATIOS}
        ratio_values = {key: (all_ms[peer] / all_ms[ours] if all_ms[peer] and all_ms[ours] else None)
                        for key, peer, ours, _ in RATIOS}
        entry = {
            "name": name, "dims": dims, "voxels": voxels, "foreground": foreground,
            "connectivity": connectivity, "counts": counts,
            "lesiontrack_ms": lt_ms, "peers_ms": peers_ms,
            "ratios": ratios, "ratio_values": ratio_values, "label_map": label_map,
            "check_summary": f"cc3d {cc_count}, " + ", ".join(checks)
                             + ("" if problems else "; all agree"),
            "notes": notes, "problems": problems,
        }
        print_table(entry, threads, bench_reps, reps)
        sys.stdout.flush()
        entries.append(entry)
    del mask
    gc.collect()
    return entries


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Time cc3d, scipy.ndimage and SimpleITK on the volumes that "
                    "`lesiontrack bench --write-volumes DIR --json FILE` wrote, print "
                    "them beside LesionTrack's figures, and check the label partitions.")
    parser.add_argument("--bench-json", required=True, type=Path,
                        help="the figures written by lesiontrack bench --json")
    parser.add_argument("--volumes-dir", type=Path,
                        help="the folder given to --write-volumes (default: the JSON's folder)")
    parser.add_argument("--connectivity",
                        help="comma-separated connectivities (default: those in the JSON)")
    parser.add_argument("--reps", type=int, default=5,
                        help="timed repetitions per peer step after one warm-up (default 5)")
    parser.add_argument("--json", type=Path, help="also write the peers' figures here")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    try:
        bench = json.loads(args.bench_json.read_text())
        folder = args.volumes_dir or args.bench_json.parent
        threads = int(bench.get("threads", 2))
        bench_reps = bench.get("repetitions", "?")
        volumes = bench.get("volumes") or []
        if not volumes:
            raise InputError(f"{args.bench_json} lists no volumes")
        if args.connectivity:
            connectivities = parse_list(args.connectivity, "--connectivity")
        else:
            found = {r.get("connectivity") for v in volumes for r in v.get("rows", [])}
            connectivities = sorted(c for c in found if c in SCIPY_RANK)
            if not connectivities:
                raise InputError(f"{args.bench_json} has no rows for connectivity 6, 18 or 26")

        print(f"LesionTrack: {bench.get('machine', '?')}; bench medians of {bench_reps} runs; "
              f"multi-threaded rows use {threads} threads")
        print(f"peers: Python {platform.python_version()}, numpy {np.__version__}, "
              f"cc3d {version('connected-components-3d')}, scipy {version('scipy')}, "
              f"SimpleITK {version('simpleitk')}, nibabel {nib.__version__}; "
              f"1 thread; medians of {args.reps} runs after one warm-up")
        print()

        entries = []
        for volume in volumes:
            entries.extend(check_volume(volume, folder, connectivities, threads, bench_reps, args.reps))
    except (InputError, OSError, json.JSONDecodeError) as error:
        print(f"compare_peers.py: {error}", file=sys.stderr)
        return 2

    print_summary(entries, threads)
    print(LEGEND)
    problems = [(e["name"], e["connectivity"], p) for e in entries for p in e["problems"]]

    if args.json:
        report = {
            "machine": bench.get("machine"), "threads": threads, "reps": args.reps,
            "threshold": THRESHOLD,
            "versions": {"python": platform.python_version(), "numpy": np.__version__,
                         "cc3d": version("connected-components-3d"), "scipy": version("scipy"),
                         "simpleitk": version("simpleitk"), "nibabel": nib.__version__},
            "results": [{k: e[k] for k in ("name", "dims", "foreground", "connectivity", "counts",
                                           "lesiontrack_ms", "peers_ms", "ratio_values",
                                           "label_map", "notes", "problems")} for e in entries],
            "agree": not problems,
        }
        args.json.write_text(json.dumps(report, indent=1) + "\n")

    if problems:
        print(f"FAILED: {len(problems)} disagreement(s):")
        for name, connectivity, problem in problems:
            print(f"  {name}, {connectivity}-connected: {problem}")
        return 1
    print("all peers and LesionTrack agree on every volume and connectivity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
