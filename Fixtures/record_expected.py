#!/usr/bin/env python3
"""Record what nibabel, numpy and scipy read from LesionTrack's fixtures.

These values are the reference the Swift tests compare against. They come from
an independent reader: this script opens each file with nibabel and measures
it; it takes nothing from generate_fixtures.py except manifest.json, which
states the input each fixture is meant to be used with (its lesion threshold)
and, for malformed files, the problem a reader must report.

Writes, relative to this file's folder:

  expected/scans.json   for every file in scans/ and example/, keyed by its
                        relative path: header fields as stored (scl_slope and
                        scl_inter NaN -> null), the scaling nibabel applies,
                        affines, sums, extremes, non-finite counts, and
                        connected components of `scaled value >= threshold`
                        at 6, 18 and 26-connectivity, per 3D volume
  expected/broken.json  for every file in broken/, keyed by file name: the
                        keyword its error message must contain

Component sizes are listed in the order of each component's first voxel in
file order (i fastest, then j, then k). Sums, extremes and components use
finite values only; NaN and -Inf are never foreground, +Inf is (as nibabel
reads it; libnifti would read all three as 0).

Usage (from the repository root):
  ../shared/peers/peers.sh python Fixtures/record_expected.py
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import nibabel as nib
import numpy as np
from nibabel.openers import ImageOpener
from scipy import ndimage

FIXTURES = Path(__file__).resolve().parent
CONNECTIVITIES = {6: 1, 18: 2, 26: 3}  # -> scipy generate_binary_structure rank
SIGNIFICANT_DIGITS = 12
LOAD_LIMIT_BYTES = 256 * 2**20  # broken files claiming more are not read in full


def rounded(value):
    """JSON-ready copy: floats to 12 significant digits, NaN to null, no -0.0."""
    if isinstance(value, dict):
        return {str(k): rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [rounded(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return None
        return float(f"{float(value):.{SIGNIFICANT_DIGITS}g}") + 0.0
    return value


def components(mask):
    """Component counts and sizes of a 3D mask at 6, 18 and 26-connectivity."""
    result = {}
    for connectivity, rank in CONNECTIVITIES.items():
        structure = ndimage.generate_binary_structure(3, rank)
        labels, count = ndimage.label(mask, structure=structure)
        flat = labels.ravel(order="F")
        ids, first = np.unique(flat, return_index=True)
        ids, first = ids[ids != 0], first[ids != 0]
        sizes = np.bincount(flat, minlength=count + 1)
        result[str(connectivity)] = {
            "count": int(count),
            "sizes_in_first_voxel_order": [int(sizes[i]) for i in ids[np.argsort(first)]],
        }
    return result


def raw_sum(raw):
    """Exact integer sum of integer data; float64 sum of the finite values otherwise."""
    if np.issubdtype(raw.dtype, np.integer):
        return sum(raw.ravel().tolist())
    return float(raw[np.isfinite(raw)].sum(dtype=np.float64))


def method1_affine(header):
    """NIfTI "method 1" affine: diag(pixdim[1..3]) with the origin at voxel 0."""
    affine = np.eye(4)
    affine[0, 0], affine[1, 1], affine[2, 2] = header["pixdim"][1:4]
    return affine


def file_header(path, image):
    """The header as stored in the file (nibabel clears scl_slope/scl_inter in image.header)."""
    with ImageOpener(path) as stream:
        return type(image.header).from_fileobj(stream)


def describe(path, threshold):
    """Everything recorded for one valid file."""
    image = nib.load(path)
    header = file_header(path, image)
    raw = np.asanyarray(image.dataobj.get_unscaled())
    scaled = image.get_fdata(dtype=np.float64)
    finite = scaled[np.isfinite(scaled)]
    record = {
        "nifti_version": 2 if isinstance(image, nib.Nifti2Image) else 1,
        "dims": list(image.shape),
        "datatype": header.get_data_dtype().name,
        "byte_order": header.endianness,
        "pixdim": header["pixdim"][1:4],
        "scl_slope": float(header["scl_slope"]),
        "scl_inter": float(header["scl_inter"]),
        "applied_scaling": {"slope": image.dataobj.slope, "inter": image.dataobj.inter},
        "qform_code": int(header["qform_code"]),
        "sform_code": int(header["sform_code"]),
        "qform": header.get_qform(),
        "sform": header.get_sform(),
        "nibabel_affine": image.affine,
        "raw_sum": raw_sum(raw),
        "scaled_sum": float(finite.sum(dtype=np.float64)),
        "scaled_min": float(finite.min()),
        "scaled_max": float(finite.max()),
        "nan_count": int(np.isnan(scaled).sum()),
        "posinf_count": int(np.isposinf(scaled).sum()),
        "neginf_count": int(np.isneginf(scaled).sum()),
        "threshold": threshold,
    }
    if record["qform_code"] == 0 and record["sform_code"] == 0:
        record["method1_affine"] = method1_affine(header)
    volumes = scaled.reshape(scaled.shape[:3] + (-1,), order="F")
    with np.errstate(invalid="ignore"):
        record["components"] = [
            components(volumes[..., t] >= threshold) for t in range(volumes.shape[3])
        ]
    return record


def nibabel_outcome(path):
    """How nibabel fares with a malformed file, for the log (its own log muted)."""
    nib.imageglobals.logger.disabled = True
    try:
        image = nib.load(path)
        claimed = int(np.prod(image.shape, dtype=object)) * image.get_data_dtype().itemsize
        if claimed > LOAD_LIMIT_BYTES:
            return f"header loads, claims {claimed} bytes (not read)"
        np.asanyarray(image.dataobj)
    except Exception as error:  # any refusal is the expected outcome
        return f"refused: {type(error).__name__}: {str(error).splitlines()[0][:70]}"
    finally:
        nib.imageglobals.logger.disabled = False
    return f"loads as {image.shape} {image.get_data_dtype()}"


def write_json(path, data):
    """Deterministic JSON: sorted keys, 2-space indent, trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rounded(data), indent=2, sort_keys=True) + "\n")


def main():
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    on_disk = {
        p.relative_to(FIXTURES).as_posix()
        for folder in ("scans", "broken", "example")
        for p in (FIXTURES / folder).iterdir()
    }
    if on_disk != set(manifest):
        raise SystemExit(f"manifest and files differ: {sorted(on_disk ^ set(manifest))}")

    scans, broken = {}, {}
    for relative in sorted(manifest):
        entry = manifest[relative]
        if "problem" in entry:
            broken[Path(relative).name] = entry["problem"]
            print(f"{relative:40} {entry['problem']:13} nibabel {nibabel_outcome(FIXTURES / relative)}")
        else:
            scans[relative] = describe(FIXTURES / relative, entry["threshold"])
            counts = [
                "/".join(str(c[k]["count"]) for k in ("6", "18", "26"))
                for c in scans[relative]["components"]
            ]
            print(f"{relative:40} threshold {entry['threshold']:<14} components {' '.join(counts)}")
    write_json(FIXTURES / "expected" / "scans.json", scans)
    write_json(FIXTURES / "expected" / "broken.json", broken)


if __name__ == "__main__":
    main()
