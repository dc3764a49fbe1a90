#!/usr/bin/env python3
"""Builds LesionTrack's template kit from the MNI152 2009a files and the AAL atlas.

    python3 Fixtures/make_template.py --nilearn-data DIR --mricron-templates DIR
                                      --out DIR --source-info JSON

Inputs: the ICBM 2009a nonlinear symmetric T1 and GM/WM probability maps from
the `nilearn` wheel (nilearn/datasets/data/, Fonov et al., NeuroImage 2011),
and from Debian `mricron-data` the Colin27 head (`ch2.nii.gz`, Holmes et al.,
J Comput Assist Tomogr 1998) and the AAL atlas (`aal.nii.gz`, Tzourio-Mazoyer
et al., NeuroImage 2002). All are on 1 mm grids in MNI space that differ only
by whole-voxel offsets, so the atlas is moved onto the ICBM grid by shifting
indices, with no interpolation.

Writes every file listed in docs/template.md, plus template.json with the
SHA-256 of each source and one line per derived map saying how it was made.
Rules that are not the sources' own are marked "LesionTrack's own". The
gzip streams have no file name and a zero time stamp, so reruns are
byte-identical.
"""

import argparse
import gzip
import hashlib
import json
import os
import sys

import nibabel as nib
import numpy as np
from scipy import ndimage

ICBM_T1 = "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"
ICBM_GM = "mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz"
ICBM_WM = "mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz"
COLIN_HEAD = "ch2.nii.gz"
COLIN_BRAIN = "ch2bet.nii.gz"
AAL = "aal.nii.gz"

# The ICBM files of the pinned nilearn wheel; another content is refused, as the
# derived maps were checked on these.
ICBM_SHA256 = {
    ICBM_T1: "421a10e872fd6cadae7f61d358dffbcc1795a497d61ee76c5dda2503e1a1e9e6",
    ICBM_GM: "97a5ca69bd24db37a9cb7b32525e1733a209af904129bf1cd36da06d24243bed",
    ICBM_WM: "382d92812de4744f9c86c7a0e4f680dc317a0a50e4da1f0153618a6798c7b7db",
}

# AAL label values (aal.nii.txt, second column is the index stored in the image).
AAL_DEEP_GREY = range(71, 79)      # caudate, putamen, pallidum, thalamus (L and R)
AAL_CEREBELLUM = range(91, 117)    # cerebellar hemispheres and vermis


def fail(message):
    print(f"make_template.py: {message}", file=sys.stderr)
    sys.exit(1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(path, shape=None):
    if not os.path.isfile(path):
        fail(f"{path}: missing")
    try:
        img = nib.load(path)
        data = np.asanyarray(img.dataobj)
    except Exception as error:  # nibabel raises several types for bad files
        fail(f"{path}: not a readable NIfTI file ({error})")
    if data.ndim != 3:
        fail(f"{path}: expected a 3D volume, found shape {data.shape}")
    if shape is not None and data.shape != shape:
        fail(f"{path}: expected shape {shape}, found {data.shape}")
    zooms = img.header.get_zooms()[:3]
    if not np.allclose(zooms, 1.0) or not np.allclose(img.affine[:3, :3], np.eye(3)):
        fail(f"{path}: expected a 1 mm RAS grid without rotation, found affine {img.affine.tolist()}")
    return img, data


def write(path, data, affine, dtype, description):
    """Writes a gzip NIfTI-1 with sform and qform (code 4, MNI) and no time stamp."""
    img = nib.Nifti1Image(np.asarray(data, dtype=dtype), affine)
    img.header.set_sform(affine, code=4)
    img.header.set_qform(affine, code=4)
    img.header.set_xyzt_units("mm")
    img.header["descrip"] = description.encode()[:79]
    raw = img.to_bytes()
    with open(path, "wb") as f:
        f.write(gzip.compress(raw, compresslevel=6, mtime=0))


def shift_onto(data, src_affine, dst_affine, dst_shape):
    """Places an atlas on another 1 mm grid of the same space by a whole-voxel index shift."""
    offset = np.linalg.solve(dst_affine, src_affine)[:3, 3]
    if not np.allclose(offset, np.round(offset)):
        fail(f"grids are not offset by whole voxels ({offset.tolist()})")
    offset = np.round(offset).astype(int)
    out = np.zeros(dst_shape, dtype=data.dtype)
    src_sl, dst_sl = [], []
    for axis in range(3):
        lo = max(0, offset[axis])
        hi = min(dst_shape[axis], offset[axis] + data.shape[axis])
        dst_sl.append(slice(lo, hi))
        src_sl.append(slice(lo - offset[axis], hi - offset[axis]))
    out[tuple(dst_sl)] = data[tuple(src_sl)]
    return out


def ball(radius):
    r = int(np.ceil(radius))
    z, y, x = np.ogrid[-r:r + 1, -r:r + 1, -r:r + 1]
    return (x * x + y * y + z * z) <= radius * radius


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nilearn-data", required=True, help="the wheel's nilearn/datasets/data folder")
    ap.add_argument("--mricron-templates", required=True, help="/usr/share/mricron/templates")
    ap.add_argument("--out", required=True)
    ap.add_argument("--source-info", default="{}", help="JSON object with package names and versions")
    args = ap.parse_args()
    try:
        info = json.loads(args.source_info)
    except json.JSONDecodeError as error:
        fail(f"--source-info is not JSON ({error})")

    nd, md = args.nilearn_data, args.mricron_templates
    for name, expected in ICBM_SHA256.items():
        path = os.path.join(nd, name)
        if os.path.isfile(path) and sha256(path) != expected:
            fail(f"{path}: SHA-256 {sha256(path)} is not the pinned wheel's {expected}")
    t1_img, t1 = load(os.path.join(nd, ICBM_T1))
    shape, affine = t1.shape, t1_img.affine.copy()
    _, gm_raw = load(os.path.join(nd, ICBM_GM), shape)
    _, wm_raw = load(os.path.join(nd, ICBM_WM), shape)
    colin_img, colin = load(os.path.join(md, COLIN_HEAD))
    _, colin_brain = load(os.path.join(md, COLIN_BRAIN), colin.shape)
    aal_img, aal = load(os.path.join(md, AAL), colin.shape)

    gm = gm_raw.astype(np.float32) / 255.0
    wm = wm_raw.astype(np.float32) / 255.0

    # Brain: the skull-stripped template's support, holes filled.
    brain = ndimage.binary_fill_holes(t1 > 0)
    brain = ndimage.binary_opening(brain, ball(1))
    labels, n = ndimage.label(brain)
    if n > 1:
        sizes = ndimage.sum(brain, labels, range(1, n + 1))
        brain = labels == (1 + int(np.argmax(sizes)))
    csf = np.clip(1.0 - gm - wm, 0.0, 1.0) * brain
    gm = gm * brain
    wm = wm * brain
    total = gm + wm + csf
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-6), 1.0)
    gm, wm, csf = (gm * scale).astype(np.float32), (wm * scale).astype(np.float32), (csf * scale).astype(np.float32)

    ii, jj, kk = np.indices(shape, dtype=np.float32)
    z_mm = affine[2, 2] * kk + affine[2, 3]
    y_mm = affine[1, 1] * jj + affine[1, 3]
    x_mm = affine[0, 0] * ii + affine[0, 3]
    del ii, jj, kk

    atlas = shift_onto(aal, aal_img.affine, affine, shape)
    # Each brain voxel takes the AAL label of its nearest labelled voxel, so the
    # atlas (drawn on Colin27) covers the ICBM brain without gaps.
    dist_atlas, nearest = ndimage.distance_transform_edt(atlas == 0, return_indices=True)
    filled = atlas[tuple(nearest)] * brain
    del nearest

    tissue = np.argmax(np.stack([csf, gm, wm]), axis=0)  # 0 CSF, 1 GM, 2 WM
    tissue[~brain] = 255

    cerebellum = np.isin(filled, AAL_CEREBELLUM)
    # Brainstem: brain voxels that AAL leaves unlabelled (more than 2 mm from any
    # label) below the thalami, in a midline column, plus everything below the
    # cerebellum's upper edge that AAL calls cerebellar or leaves unlabelled.
    stem_zone = (z_mm < -8) & (np.abs(x_mm) < 22) & (y_mm > -48) & (y_mm < 0)
    brainstem = brain & (dist_atlas > 2.0) & stem_zone
    brainstem |= brain & (z_mm < -45) & (dist_atlas > 0.0)
    brainstem = ndimage.binary_opening(brainstem, ball(1))
    infratentorial = brain & (cerebellum | brainstem)
    infratentorial = ndimage.binary_closing(infratentorial, ball(2)) & brain

    deep = np.isin(filled, AAL_DEEP_GREY) & (atlas > 0) & brain & (tissue != 0)

    # Ventricles: CSF-dominant voxels (CSF > 0.5) that cannot be reached from
    # outside the brain through other CSF-dominant voxels, in components of
    # 150 voxels or more (the lateral ventricles); the third and fourth
    # ventricles open onto the cisterns, so they are taken as CSF-dominant
    # voxels at least 6 mm deep inside two midline boxes (MNI mm).
    depth = ndimage.distance_transform_edt(brain)
    csf_major = brain & (csf > 0.5)
    outer = ndimage.binary_propagation(~brain, mask=csf_major | ~brain) & brain
    inner = csf_major & ~outer
    lab, n = ndimage.label(inner)
    vent = np.zeros(shape, bool)
    if n:
        sizes = ndimage.sum(inner, lab, range(1, n + 1))
        keep = np.zeros(n + 1, bool)
        keep[1:] = sizes >= 150
        vent = keep[lab]
    third = (np.abs(x_mm) < 5) & (y_mm > -32) & (y_mm < 6) & (z_mm > -12) & (z_mm < 18)
    fourth = (np.abs(x_mm) < 9) & (y_mm > -60) & (y_mm < -34) & (z_mm > -48) & (z_mm < -18)
    vent |= csf_major & (depth >= 6.0) & (third | fourth)

    wm_mask = brain & (tissue == 2) & ~deep & ~vent
    cgm = brain & (tissue == 1) & ~deep & ~infratentorial & ~vent
    deep = deep & ~vent

    # Head: Colin27's non-brain tissue outside, the ICBM brain inside.
    head_src = shift_onto(colin, colin_img.affine, affine, shape).astype(np.float32)
    colin_brain_mask = shift_onto((colin_brain > 0).astype(np.uint8), colin_img.affine, affine, shape) > 0
    colin_brain_mask = ndimage.binary_fill_holes(colin_brain_mask)
    head_mask = ndimage.binary_fill_holes(ndimage.binary_closing(head_src > 20, ball(3)))
    head_mask |= brain
    scalp_ref = np.median(head_src[head_mask & ~colin_brain_mask & (head_src > 60)])
    t1f = t1.astype(np.float32)
    wm_ref = np.median(t1f[wm > 0.9])
    # Inside Colin27's own brain but outside the ICBM brain: dark, as CSF.
    extra = head_src * (wm_ref / max(scalp_ref, 1.0)) * 0.9
    extra[colin_brain_mask & ~brain] = np.minimum(extra[colin_brain_mask & ~brain], 0.15 * wm_ref)
    soft = ndimage.gaussian_filter(brain.astype(np.float32), 0.8)
    head = soft * t1f + (1 - soft) * extra
    head[~head_mask] = 0
    head = np.clip(np.round(head), 0, 255)

    out = args.out
    os.makedirs(out, exist_ok=True)
    files = {
        "tpl_T1w.nii.gz": (t1, np.uint8, "ICBM 2009a T1, brain only"),
        "tpl_desc-head_T1w.nii.gz": (head, np.uint8, "ICBM 2009a brain in Colin27 head"),
        "tpl_desc-brain_mask.nii.gz": (brain, np.uint8, "brain"),
        "tpl_desc-head_mask.nii.gz": (head_mask, np.uint8, "head"),
        "tpl_label-WM_mask.nii.gz": (wm_mask, np.uint8, "white matter"),
        "tpl_label-CGM_mask.nii.gz": (cgm, np.uint8, "cortical ribbon"),
        "tpl_label-DGM_mask.nii.gz": (deep, np.uint8, "deep grey matter"),
        "tpl_label-ventricles_mask.nii.gz": (vent, np.uint8, "ventricles"),
        "tpl_label-infratentorial_mask.nii.gz": (infratentorial, np.uint8, "brainstem and cerebellum"),
        "tpl_label-GM_probseg.nii.gz": (gm, np.float32, "GM probability"),
        "tpl_label-WM_probseg.nii.gz": (wm, np.float32, "WM probability"),
        "tpl_label-CSF_probseg.nii.gz": (csf, np.float32, "CSF probability"),
    }
    for name, (data, dtype, description) in files.items():
        write(os.path.join(out, name), data, affine, dtype, description)

    own = "LesionTrack's own"
    derived = {
        "tpl_T1w.nii.gz": "the ICBM 2009a T1 as shipped (brain only, skull-stripped), header rewritten (sform and qform code 4)",
        "tpl_desc-head_T1w.nii.gz": f"{own}: the ICBM T1 inside the brain, Colin27 (ch2) outside it scaled to the ICBM white-matter level, Colin27's own brain outside the ICBM brain darkened to CSF level, edge blended with a 0.8 mm Gaussian",
        "tpl_desc-brain_mask.nii.gz": f"{own}: ICBM T1 > 0, holes filled, opened with a 1 mm ball, largest component",
        "tpl_desc-head_mask.nii.gz": f"{own}: Colin27 > 20 closed with a 3 mm ball and filled, joined with the brain",
        "tpl_label-GM_probseg.nii.gz": "ICBM 2009a GM probability / 255, zero outside the brain mask",
        "tpl_label-WM_probseg.nii.gz": "ICBM 2009a WM probability / 255, zero outside the brain mask",
        "tpl_label-CSF_probseg.nii.gz": f"{own}: 1 - GM - WM inside the brain mask, clipped to 0..1 (the wheel has no CSF map)",
        "tpl_label-WM_mask.nii.gz": f"{own}: brain voxels where WM is the largest of GM/WM/CSF, minus deep grey matter and ventricles (includes cerebellar and brainstem white matter)",
        "tpl_label-CGM_mask.nii.gz": f"{own}: brain voxels where GM is the largest, minus deep grey matter, infratentorial region and ventricles (the cortical ribbon of the cerebrum)",
        "tpl_label-DGM_mask.nii.gz": f"{own}: AAL caudate, putamen, pallidum and thalamus (labels 71-78) shifted onto the ICBM grid, where CSF is not the largest class",
        "tpl_label-ventricles_mask.nii.gz": f"{own}: lateral ventricles = CSF > 0.5 not connected to the outside of the brain through CSF > 0.5, components of >= 150 voxels; third and fourth ventricles = CSF > 0.5 at least 6 mm deep in the midline boxes |x| < 5, -32 < y < 6, -12 < z < 18 and |x| < 9, -60 < y < -34, -48 < z < -18 mm",
        "tpl_label-infratentorial_mask.nii.gz": f"{own}: brain voxels whose nearest AAL label is cerebellar (91-116), plus a brainstem taken as brain voxels more than 2 mm from any AAL label with z < -8 mm, |x| < 22 mm, -48 < y < 0 mm, and all labelled brain below z = -45 mm; closed with a 2 mm ball",
    }
    sources = {
        "icbm152_2009a_t1": {"package": info.get("nilearn", "nilearn"), "file": f"nilearn/datasets/data/{ICBM_T1}", "sha256": sha256(os.path.join(nd, ICBM_T1))},
        "icbm152_2009a_gm": {"package": info.get("nilearn", "nilearn"), "file": f"nilearn/datasets/data/{ICBM_GM}", "sha256": sha256(os.path.join(nd, ICBM_GM))},
        "icbm152_2009a_wm": {"package": info.get("nilearn", "nilearn"), "file": f"nilearn/datasets/data/{ICBM_WM}", "sha256": sha256(os.path.join(nd, ICBM_WM))},
        "colin27_head": {"package": info.get("mricron-data", "mricron-data"), "file": f"{md}/{COLIN_HEAD}", "sha256": sha256(os.path.join(md, COLIN_HEAD))},
        "colin27_brain": {"package": info.get("mricron-data", "mricron-data"), "file": f"{md}/{COLIN_BRAIN}", "sha256": sha256(os.path.join(md, COLIN_BRAIN))},
        "aal": {"package": info.get("mricron-data", "mricron-data"), "file": f"{md}/{AAL}", "sha256": sha256(os.path.join(md, AAL))},
    }
    licences = {
        "ICBM 2009a (nilearn wheel)": "Copyright (C) 1993-2004 Louis Collins, McConnell Brain Imaging Centre, Montreal Neurological Institute, McGill University. Permission to use, copy, modify, and distribute this software and its documentation for any purpose and without fee is hereby granted, provided that the above copyright notice appear in all copies. The authors and McGill University make no representations about the suitability of this software for any purpose. It is provided \"as is\" without express or implied warranty.",
        "nilearn (the wheel itself)": "BSD-3-Clause",
        "mricron-data (Colin27, AAL)": "BSD-3-clause per the package's /usr/share/doc/mricron-data/copyright (Files: *, Copyright 2006-2010 Chris Rorden), which names no separate terms for the templates and atlases; cite Tzourio-Mazoyer et al., NeuroImage 15:273-289 (2002) for AAL and Holmes et al., J Comput Assist Tomogr 22:324-333 (1998) for Colin27",
    }
    meta = {
        "kit": "LesionTrack template kit",
        "version": 1,
        "space": "MNI152NLin2009aSym (ICBM 2009a nonlinear symmetric), 1 mm",
        "shape": list(shape),
        "affine": affine.tolist(),
        "t1w_has_skull": False,
        "head_t1w": "tpl_desc-head_T1w.nii.gz",
        "packages": info,
        "sources": sources,
        "licences": licences,
        "derived": derived,
        "volumes_ml": {name: round(float(np.count_nonzero(d)) / 1000.0, 1)
                       for name, (d, dt, _) in files.items() if dt == np.uint8 and "mask" in name},
        "files": {name: sha256(os.path.join(out, name)) for name in files},
    }
    with open(os.path.join(out, "template.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    for name, ml in meta["volumes_ml"].items():
        print(f"  {name}: {ml} ml")


if __name__ == "__main__":
    main()
