#!/usr/bin/env python3
"""Writes raw-looking clinical MRI studies, with known truth, from the template kit.

    python3 Fixtures/generate_raw.py OUT --template DIR --seed S
        [--patients N] [--visits V] [--size full|small] [--variant none|flipped|other-head]

Each patient is the kit's template (MNI152 2009a anatomy, see docs/template.md)
warped into a different subject by a global scaling and a smooth random
displacement. On that subject's 1 mm grid ("subject space", 2 mm with
--size small) the generator places white-matter lesions that change between
visits, synthesises FLAIR, T1w and post-contrast T1w from the warped tissue
probabilities, and resamples every series onto its own axis-aligned scanner
grid after a random rigid head pose (per visit and per series), then adds a
smooth bias field and Rician noise. The truth (poses, lesions, anatomy maps)
goes to OUT/derivatives/truth. docs/raw-test-data.md describes the output
layout and every option; Fixtures/check_raw.py verifies a generated study.

Deterministic: the same arguments and kit give byte-identical files (gzip
without file name or time stamp).
"""

import argparse
import datetime
import gzip
import json
import os
import sys
import time

import nibabel as nib
import numpy as np
from scipy import ndimage

GENERATOR = "LesionTrack Fixtures/generate_raw.py"
VERSION = 2
SERIES = ("FLAIR", "T1w", "ce-gadolinium_T1w")
ANATOMY = ("brain", "CGM", "DGM", "WM", "ventricles", "infratentorial")
KIT_MASKS = {
    "brain": "tpl_desc-brain_mask.nii.gz",
    "CGM": "tpl_label-CGM_mask.nii.gz",
    "DGM": "tpl_label-DGM_mask.nii.gz",
    "WM": "tpl_label-WM_mask.nii.gz",
    "ventricles": "tpl_label-ventricles_mask.nii.gz",
    "infratentorial": "tpl_label-infratentorial_mask.nii.gz",
}
KIT_PROBS = {"GM": "tpl_label-GM_probseg.nii.gz", "WM": "tpl_label-WM_probseg.nii.gz",
             "CSF": "tpl_label-CSF_probseg.nii.gz"}
KIT_HEAD = "tpl_desc-head_T1w.nii.gz"
KIT_T1 = "tpl_T1w.nii.gz"

# Relative signal of each tissue (white matter of T1w about 0.85). Lesions
# replace the tissue they occupy. Values are LesionTrack's own choice, set so
# that the ordering matches clinical 3 T images: FLAIR lesion > GM > WM > CSF,
# T1w WM > GM > lesion > CSF, post-contrast enhancing lesion > WM.
CONTRAST = {
    "FLAIR": {"GM": 0.66, "WM": 0.50, "CSF": 0.06, "lesion": 1.00, "gd": 1.00, "head": 0.65},
    "T1w": {"GM": 0.55, "WM": 0.85, "CSF": 0.12, "lesion": 0.42, "gd": 0.42, "head": 0.85},
    "ce-gadolinium_T1w": {"GM": 0.55, "WM": 0.85, "CSF": 0.12, "lesion": 0.42, "gd": 1.25, "head": 0.85},
}
NOISE_SIGMA = 0.02          # Rician noise, in the units above
BIAS_AMPLITUDE = 0.15       # multiplicative bias field within 1 +/- this
STORE_SCALE = 1000.0        # int16 value = signal x this


def fail(message):
    print(f"generate_raw.py: {message}", file=sys.stderr)
    sys.exit(1)


# --- small geometry helpers -------------------------------------------------

def rotation(angles_deg):
    """R = Rz(c) Ry(b) Rx(a) for angles [a, b, c] in degrees about the RAS x, y, z axes."""
    a, b, c = np.deg2rad(angles_deg)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def angles_of(r):
    """Inverse of rotation() for |b| < 90 degrees."""
    b = -np.arcsin(np.clip(r[2, 0], -1, 1))
    a = np.arctan2(r[2, 1], r[2, 2])
    c = np.arctan2(r[1, 0], r[0, 0])
    return np.rad2deg([a, b, c])


def random_rotation(rng, min_deg, max_deg):
    """A rotation about a random axis by an angle drawn uniformly in [min_deg, max_deg]."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    theta = np.deg2rad(rng.uniform(min_deg, max_deg))
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(theta) * k + (1 - np.cos(theta)) * (k @ k)


def random_shift(rng, min_mm, max_mm):
    """A shift in a random direction with a length drawn uniformly in [min_mm, max_mm]."""
    d = rng.normal(size=3)
    return d / np.linalg.norm(d) * rng.uniform(min_mm, max_mm)


def rigid(r, shift_mm, centre_mm):
    """x -> R (x - centre) + centre + shift, as a 4x4 matrix."""
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = centre_mm - r @ centre_mm + shift_mm
    return m


def write_nifti(path, data, affine, *, sform_code=1, qform_code=1, decoy_sform=None, description=""):
    """gzip NIfTI-1, no file name or time stamp in the gzip header, so reruns are identical."""
    img = nib.Nifti1Image(data, affine)
    hdr = img.header
    hdr.set_xyzt_units("mm")
    hdr.set_qform(affine, code=qform_code)
    if sform_code > 0:
        hdr.set_sform(affine, code=sform_code)
    else:
        hdr.set_sform(decoy_sform if decoy_sform is not None else affine, code=0)
    hdr["descrip"] = description.encode()[:79]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(img.to_bytes(), compresslevel=1, mtime=0))


def to_int16(signal):
    scaled = signal * np.float32(STORE_SCALE)
    np.rint(scaled, out=scaled)
    np.clip(scaled, 0, 32767, out=scaled)
    return scaled.astype(np.int16)


def smooth_field(rng, shape, terms, max_freq):
    """A smooth random field, sum of separable low-frequency cosines, zero mean, max |f| = 1.

    Frequencies are in cycles over the grid's extent, drawn in [0.3, max_freq]."""
    axes = [np.arange(n, dtype=np.float32) / max(n - 1, 1) for n in shape]
    field = np.zeros(shape, np.float32)
    scratch = np.empty(shape, np.float32)
    for _ in range(terms):
        parts = []
        for ax in axes:
            f = rng.uniform(0.3, max_freq)
            ph = rng.uniform(0, 2 * np.pi)
            parts.append(np.cos(2 * np.pi * f * ax + ph).astype(np.float32))
        plane = (np.float32(rng.normal()) * parts[0])[:, None] * parts[1][None, :]
        np.multiply(plane[:, :, None], parts[2][None, None, :], out=scratch)
        field += scratch
    del scratch
    field -= field.mean()
    peak = np.abs(field).max()
    if peak > 0:
        field /= peak
    return field


# --- the kit ----------------------------------------------------------------

class Kit:
    def __init__(self, folder):
        if not os.path.isdir(folder):
            fail(f"{folder}: no template kit there (build it with .ci/install-template)")
        self.folder = folder
        meta_path = os.path.join(folder, "template.json")
        try:
            with open(meta_path) as f:
                self.meta = json.load(f)
        except (OSError, json.JSONDecodeError) as error:
            fail(f"{meta_path}: cannot read the kit's description ({error})")
        if self.meta.get("version") != 1:
            fail(f"{meta_path}: kit version {self.meta.get('version')!r}, this generator reads version 1 "
                 f"(rebuild the kit with .ci/install-template)")
        ref = self._load(KIT_T1)
        self.shape = ref.shape
        self.affine = self._affine
        rot = self.affine[:3, :3]
        if np.abs(rot - np.diag(np.diag(rot))).max() > 1e-6 or (np.diag(rot) <= 0).any():
            fail(f"{os.path.join(folder, KIT_T1)}: the kit's grid must be axis-aligned RAS, "
                 f"found affine {self.affine.tolist()}")
        self.probs = {k: self._load(v).astype(np.float32) for k, v in KIT_PROBS.items()}
        self.masks = {k: self._load(v) > 0 for k, v in KIT_MASKS.items()}
        head = self._load(KIT_HEAD).astype(np.float32)
        wm_ref = float(np.median(ref[self.masks["WM"]]))
        # Non-brain signal relative to white matter, zero inside the brain.
        self.nonbrain = np.where(self.masks["brain"], 0.0, head / wm_ref).astype(np.float32)

    def _load(self, name):
        path = os.path.join(self.folder, name)
        if not os.path.isfile(path):
            fail(f"{path}: missing from the template kit (rebuild it with .ci/install-template)")
        try:
            img = nib.load(path)
            data = np.asanyarray(img.dataobj)
        except Exception as error:
            fail(f"{path}: not a readable NIfTI file ({error})")
        if data.ndim != 3:
            fail(f"{path}: expected a 3D volume, found shape {data.shape}")
        if hasattr(self, "shape") and data.shape != self.shape:
            fail(f"{path}: shape {data.shape} differs from {KIT_T1}'s {self.shape}")
        self._affine = img.affine
        return data


# --- one subject: the warped anatomy ----------------------------------------

class Subject:
    """The template warped into a subject: maps on the subject grid."""

    def __init__(self, kit, rng, spacing, scale_range=(0.95, 1.05), amplitude_range=(2.0, 4.0)):
        self.spacing = spacing
        step = spacing / 1.0
        self.shape = tuple(int(np.ceil(n / step)) for n in kit.shape)
        self.affine = kit.affine @ np.diag([step, step, step, 1.0])
        brain_idx = np.argwhere(kit.masks["brain"])
        centre_vox = (brain_idx.min(0) + brain_idx.max(0)) / 2.0
        self.centre_mm = (kit.affine @ np.append(centre_vox, 1.0))[:3]

        # subject point x -> template point c + S (x - c) + d(x): a global scaling
        # of a few per cent and a smooth displacement of a few mm. Both grids are
        # axis-aligned, so each template voxel coordinate is a 1D ramp plus d/spacing.
        self.scale = rng.uniform(*scale_range, 3)
        amplitude = rng.uniform(*amplitude_range)
        self.displacement_mm = float(amplitude)
        coords = np.empty((3,) + self.shape, np.float64)
        for a in range(3):
            x = self.affine[a, a] * np.arange(self.shape[a]) + self.affine[a, 3]
            t = self.centre_mm[a] + self.scale[a] * (x - self.centre_mm[a])
            ramp = (t - kit.affine[a, 3]) / kit.affine[a, a]
            view = [1, 1, 1]
            view[a] = -1
            disp = smooth_field(rng, self.shape, 6, 2.5) * (amplitude / kit.affine[a, a])
            np.add(disp, ramp.reshape(view), out=coords[a])
            del disp
        # The template is left-right symmetric; real brains are not. A shear of the
        # hemispheres along y (the right one forward, the left one back, as the
        # Yakovlevian torque; Toga and Thompson, Nat Rev Neurosci 2003) makes a
        # mirrored image differ from any rigid pose of the original.
        self.torque_mm = float(rng.uniform(2.0, 4.0))
        x = self.affine[0, 0] * np.arange(self.shape[0]) + self.affine[0, 3]
        shear = -self.torque_mm * np.tanh((x - self.centre_mm[0]) / 15.0) / kit.affine[1, 1]
        coords[1] += shear.reshape(-1, 1, 1)

        # One tissue image per contrast family (FLAIR, T1) is warped, not the three
        # probability maps: the signal is linear in them.
        self.base = {}
        for family in ("FLAIR", "T1w"):
            c = CONTRAST[family]
            p = kit.probs
            inside = np.clip(p["GM"] + p["WM"] + p["CSF"], 0.0, 1.0)
            tissue = p["GM"] * c["GM"] + p["WM"] * c["WM"] + p["CSF"] * c["CSF"]
            tissue += (1.0 - inside) * kit.nonbrain * c["head"]
            self.base[family] = ndimage.map_coordinates(tissue.astype(np.float32), coords, order=1,
                                                        mode="constant", cval=0.0, prefilter=False)
        self.base["ce-gadolinium_T1w"] = self.base["T1w"]
        packed = np.zeros(kit.shape, np.uint8)
        for bit, name in enumerate(ANATOMY):
            packed |= kit.masks[name].astype(np.uint8) << bit
        packed = ndimage.map_coordinates(packed, coords, order=0, mode="constant", cval=0, prefilter=False)
        self.masks = {name: ((packed >> bit) & 1).astype(bool) for bit, name in enumerate(ANATOMY)}
        del coords

    def signal(self, series, lesion_frac, lesion_value, box, distractors=None):
        """Noise-free signal on the subject grid for one series.

        lesion_frac and lesion_value are crops of the subject grid at box (the
        lesions' bounding box): the share of each voxel a lesion occupies and the
        lesion's signal there."""
        out = self.base[series].copy()
        if distractors is not None:
            out += distractors
        if box is not None:
            out[box] = (1.0 - lesion_frac) * out[box] + lesion_frac * lesion_value
        return out


DISTRACTOR_LABELS = {1: "dura", 2: "choroid plexus", 3: "vessel", 4: "cortical hyperintensity",
                     5: "ependymal cap", 6: "ependymal rim"}
ENHANCING_DISTRACTORS = (1, 2, 3)
FLAIR_DISTRACTORS = (4, 5, 6)


def enhancing_distractors(subject, rng):
    """Post-contrast enhancement that is not a lesion, and a map of where it is.

    Returns (signal added to the post-contrast T1w, uint8 map with the values of
    DISTRACTOR_LABELS): a patchy dural rim within 2 mm outside the brain, choroid
    plexus in the atria of the lateral ventricles, and a few dozen short
    tortuous vessels in sulcal CSF and on the brain surface. More kinds of
    mimics go here.
    """
    sp = subject.spacing
    brain = subject.masks["brain"]
    vent = subject.masks["ventricles"]
    labels = np.zeros(subject.shape, np.uint8)
    add = np.zeros(subject.shape, np.float32)

    steps = max(1, int(round(2.0 / sp)))
    rim = ndimage.binary_dilation(brain, iterations=steps) & ~brain
    patches = 0.5 + 0.5 * smooth_field(rng, subject.shape, 4, 4.0)
    add += 0.30 * rim * patches
    labels[rim & (patches > 0.5)] = 1

    # Choroid plexus: the posterior third of the lateral ventricles (off the
    # midline, above the fourth ventricle), one voxel in from the walls.
    idx = np.argwhere(vent)
    if len(idx):
        centre_vox = (np.linalg.inv(subject.affine) @ np.append(subject.centre_mm, 1.0))[:3]
        lateral = vent.copy()
        lateral[int(round(centre_vox[0] - 6 / sp)):int(round(centre_vox[0] + 6 / sp)) + 1] = False
        lateral[:, :, :int(round(centre_vox[2] - 10 / sp))] = False
        ys = np.argwhere(lateral)[:, 1]
        if len(ys):
            cut = np.percentile(ys, 30)
            plexus = lateral.copy()
            plexus[:, int(cut) + 1:, :] = False
            core = ndimage.binary_erosion(plexus)
            plexus = core if core.sum() >= 8 else plexus
            add += 0.55 * plexus
            labels[plexus] = 2

    # Vessels: random walks of 15-45 mm with radius 0.6-1.1 mm starting in sulcal
    # CSF (dark on T1w inside the brain, not ventricle), kept where they stay in
    # sulcal CSF or just outside the brain.
    sulcal = brain & ~vent & (subject.base["T1w"] < 0.35)
    allowed = sulcal | rim
    starts = np.argwhere(sulcal)
    vessel = np.zeros(subject.shape, bool)
    if len(starts):
        for _ in range(40):
            p = starts[rng.integers(len(starts))].astype(float)
            d = rng.normal(size=3)
            d /= np.linalg.norm(d)
            radius = rng.uniform(0.6, 1.1) / sp
            r = int(np.ceil(radius))
            ball = np.sum(np.mgrid[-r:r + 1, -r:r + 1, -r:r + 1] ** 2, axis=0) <= radius * radius
            for _ in range(int(rng.uniform(15, 45) / (0.5 * sp)) + 1):
                d += rng.normal(scale=0.25, size=3)
                d /= np.linalg.norm(d)
                p += d * 0.5
                c = np.rint(p).astype(int)
                lo, hi = c - r, c + r + 1
                if (lo < 0).any() or (hi > np.array(subject.shape)).any():
                    break
                box = tuple(slice(a, b) for a, b in zip(lo, hi))
                vessel[box] |= ball
        vessel &= allowed
        add += 0.5 * vessel
        labels[vessel] = 3
    return add.astype(np.float32), labels


def flair_distractors(subject, rng, labels):
    """FLAIR hyperintensity that is not a lesion, added to the map of enhancing ones.

    Returns the signal added to the FLAIR and marks labels (where still 0) with the
    values of DISTRACTOR_LABELS: a dozen patches of the cortical ribbon raised to
    0.85-1.05 (lesions are 0.85-1.1: cortical and sulcal FLAIR artefacts, CSF
    inflow), caps at the tips of both frontal horns (0.9-1.0, two voxels deep) and
    a patchy one-voxel rim along the lateral ventricles' walls (0.85-0.95): the
    normal ependymal caps and lining. All of them lie in the cortex or the
    ventricles' outer layer, never in white matter, so a threshold restricted to
    white matter takes none of them and a z-score over the whole brain takes most.
    """
    sp = subject.spacing
    base = subject.base["FLAIR"]
    cgm = subject.masks["CGM"]
    vent = subject.masks["ventricles"]
    target = np.zeros(subject.shape, np.float32)
    kind = np.zeros(subject.shape, np.uint8)

    # Cortical patches: ellipsoids of 2-4 mm radius (2.5 mm at least on 2 mm grids)
    # clipped to the cortical ribbon, centred on ribbon voxels away from one another.
    starts = np.argwhere(cgm)
    centres = []
    min_radius = 2.5 if sp > 1.5 else 2.0
    for _ in range(200):
        if len(centres) >= 12 or not len(starts):
            break
        centre = (subject.affine @ np.append(starts[rng.integers(len(starts))], 1.0))[:3]
        radii = rng.uniform(min_radius, 4.0, 3)
        value = np.float32(rng.uniform(0.85, 1.05))
        if any(np.linalg.norm(centre - c) < 15.0 for c in centres):
            continue
        box, inside = ellipsoid_voxels(subject.shape, subject.affine, centre, radii)
        region = inside & cgm[box]
        if region.sum() < 4:
            continue
        centres.append(centre)
        target[box][region] = value
        kind[box][region] = 4

    # Ependymal caps and rim: the lateral ventricles (above the brain's centre less
    # 10 mm, off the midline by 2 mm) and their one-voxel outer layer.
    centre_vox = (np.linalg.inv(subject.affine) @ np.append(subject.centre_mm, 1.0))[:3]
    lateral = vent.copy()
    lateral[int(round(centre_vox[0] - 2 / sp)):int(round(centre_vox[0] + 2 / sp)) + 1] = False
    lateral[:, :, :int(round(centre_vox[2] - 10 / sp))] = False
    layer = lateral & ~ndimage.binary_erosion(vent)
    second = lateral & ~ndimage.binary_erosion(vent, iterations=2)
    ys = np.argwhere(lateral)[:, 1]
    if len(ys):
        front = np.percentile(ys, 93)
        caps = second.copy()
        caps[:, :int(np.ceil(front)), :] = False
        target[caps] = np.float32(rng.uniform(0.9, 1.0))
        kind[caps] = 5
        patchy = smooth_field(rng, subject.shape, 4, 6.0) > 0.1
        rim = layer & patchy & ~caps
        target[rim] = np.float32(rng.uniform(0.85, 0.95))
        kind[rim] = 6

    # The signal rises to the target where the map says so, never falls, with the
    # same 0.5 mm partial-volume edge as lesions.
    frac = np.clip(ndimage.gaussian_filter((kind > 0).astype(np.float32), 0.5 / sp), 0, 1)
    frac = np.maximum(frac, (kind > 0) * np.float32(0.85))
    spread = ndimage.grey_dilation(target, size=3)
    add = np.maximum(spread - base, 0) * frac
    add[(kind == 0) & (frac < 0.05)] = 0
    free = labels == 0
    labels[free & (kind > 0)] = kind[free & (kind > 0)]
    return add.astype(np.float32)


# --- lesions ----------------------------------------------------------------

def plan_lesions(subject, rng, visits, small):
    """Chooses lesion centres, sizes and their course over the visits."""
    wm = subject.masks["WM"]
    sp = subject.spacing
    # Distances on every second voxel: they only pick candidate centres.
    step = 2
    coarse = (slice(None, None, step),) * 3
    d_vent = ndimage.distance_transform_edt(~subject.masks["ventricles"][coarse], sampling=sp * step)
    d_ctx = ndimage.distance_transform_edt(~subject.masks["CGM"][coarse], sampling=sp * step)
    wm_c = wm[coarse]
    periventricular = np.argwhere(wm_c & (d_vent > 1.0) & (d_vent < 8.0)) * step
    juxtacortical = np.argwhere(wm_c & (d_ctx > 0.5) & (d_ctx < 4.0)) * step
    deep = np.argwhere(wm_c & (d_vent >= 8.0) & (d_ctx >= 4.0)) * step
    ijk_to_mm = subject.affine

    lesions = []
    min_radius = 2.5 if small else 1.5

    def try_add(first_visit, attempts=400):
        for _ in range(attempts):
            kind = rng.choice(3, p=[0.5, 0.3, 0.2])
            pool = (periventricular, juxtacortical, deep)[kind]
            if len(pool) == 0:
                continue
            vox = pool[rng.integers(len(pool))]
            centre = (ijk_to_mm @ np.append(vox, 1.0))[:3] + rng.uniform(-0.5, 0.5, 3) * sp
            mean_r = rng.uniform(min_radius, 5.0)
            radii = np.clip(mean_r * rng.uniform(0.75, 1.3, 3), min_radius, 7.5)
            reach = radii.max() * 1.5
            if any(np.linalg.norm(centre - l["center"]) < reach + l["reach"] + 3.0 for l in lesions):
                continue
            frac = ellipsoid_fraction_in(wm, subject.affine, centre, radii)
            if frac < 0.7:
                continue
            lesion = {"id": len(lesions) + 1, "center": centre, "radii": radii, "reach": reach,
                      "first_visit": first_visit, "enlarges_at": None, "factor": 1.0,
                      "gd_visits": [], "location": ("periventricular", "juxtacortical", "deep white matter")[kind]}
            t1_tone = float(rng.uniform(1.0, 1.85))  # x 0.42: 0.42 (black hole) .. 0.78 (WM is 0.85)
            lesion["tone"] = {"FLAIR": float(rng.uniform(0.85, 1.1)), "T1w": t1_tone, "ce-gadolinium_T1w": t1_tone}
            lesions.append(lesion)
            return lesion
        return None

    for _ in range(int(rng.integers(6, 10))):
        try_add(0)
    base = [l for l in lesions if l["first_visit"] == 0]
    for l in rng.choice(base, size=min(1, len(base)), replace=False):
        l["gd_visits"].append(0)
    for v in range(1, visits):
        new = [l for l in (try_add(v) for _ in range(int(rng.integers(1, 4)))) if l is not None]
        for l in rng.choice(new, size=int(rng.integers(1, len(new) + 1)), replace=False) if new else []:
            l["gd_visits"].append(v)
        older = [l for l in lesions if l["first_visit"] < v and l["enlarges_at"] is None]
        for l in rng.choice(older, size=min(len(older), int(rng.integers(1, 3))), replace=False) if older else []:
            l["enlarges_at"] = v
            l["factor"] = float(rng.uniform(1.35, 1.5))
            if rng.uniform() < 0.5:
                l["gd_visits"].append(v)
    return lesions


def ellipsoid_fraction_in(mask, affine, centre, radii):
    box, inside = ellipsoid_voxels(mask.shape, affine, centre, radii)
    n = inside.sum()
    return float(mask[box][inside].sum() / n) if n else 0.0


def ellipsoid_voxels(shape, affine, centre, radii):
    """(bounding-box slices, boolean mask within it) of an axis-aligned ellipsoid in mm."""
    inv = np.linalg.inv(affine)
    c_vox = (inv @ np.append(centre, 1.0))[:3]
    sp = np.abs(np.diag(affine)[:3])
    r_vox = radii / sp
    lo = np.maximum(np.floor(c_vox - r_vox).astype(int), 0)
    hi = np.minimum(np.ceil(c_vox + r_vox).astype(int) + 1, shape)
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    axes = [(np.arange(a, b) - c) / r for a, b, c, r in zip(lo, hi, c_vox, r_vox)]
    inside = (axes[0][:, None, None] ** 2 + axes[1][None, :, None] ** 2 + axes[2][None, None, :] ** 2) <= 1.0
    return box, inside


def lesion_maps(subject, lesions, visit):
    """Lesion label map (uint16 IDs) and Gd mask on the subject grid at one visit."""
    dseg = np.zeros(subject.shape, np.uint16)
    gd = np.zeros(subject.shape, bool)
    wm = subject.masks["WM"]
    for l in lesions:
        if l["first_visit"] > visit:
            continue
        grow = l["factor"] if l["enlarges_at"] is not None and visit >= l["enlarges_at"] else 1.0
        box, inside = ellipsoid_voxels(subject.shape, subject.affine, l["center"], l["radii"] * grow)
        region = inside & wm[box] & (dseg[box] == 0)
        dseg[box][region] = l["id"]
        if visit in l["gd_visits"]:
            gd[box] |= region
    return dseg, gd


# --- scanner grids and resampling --------------------------------------------

FOV_MM = np.array([220.0, 250.0, 200.0])


def scanner_grid(spacing, centre_mm, storage="RAS"):
    spacing = np.asarray(spacing, float)
    shape = tuple(int(np.ceil(f / s)) for f, s in zip(FOV_MM, spacing))
    aff = np.diag(np.append(spacing, 1.0))
    if storage == "LAS":
        aff[0, 0] = -spacing[0]
    half = (np.array(shape) - 1) / 2.0
    aff[:3, 3] = centre_mm - aff[:3, :3] @ half
    return shape, aff


def resample(volume, vol_affine, out_shape, out_affine, subject_to_world, order):
    """Samples volume (on vol_affine, subject space) at the out grid's voxels."""
    m = np.linalg.inv(vol_affine) @ np.linalg.inv(subject_to_world) @ out_affine
    return ndimage.affine_transform(volume, m[:3, :3], offset=m[:3, 3], output_shape=out_shape,
                                    order=order, mode="constant", cval=0.0, prefilter=False)


# --- a patient ----------------------------------------------------------------

def series_plan(visits, size):
    """Per visit, per series: voxel size, thick-slice flag, storage order, header kind."""
    base = 1.0 if size == "full" else 2.0
    plan = {}
    for v in range(visits):
        plan[v] = {}
        coarse = base * (1.2 if v % 2 == 1 else 1.0)
        for s in SERIES:
            spacing = [base] * 3
            thick = False
            if s == "FLAIR" and v == min(1, visits - 1) and visits > 1:
                spacing = [base, base, 5.0 if size == "full" else 6.0]
                thick = True
            elif s == "T1w":
                spacing = [coarse] * 3
            header = "sform+qform"
            if s == "ce-gadolinium_T1w" and v == min(1, visits - 1):
                header = "qform-only"
            plan[v][s] = {"spacing": spacing, "thick": thick, "header": header,
                          "storage": "LAS" if s == "T1w" else "RAS",
                          "sform_code": 2 if s == "T1w" else 1}
    return plan


def make_patient(out, kit, seed, p, visits, size, variant, log):
    small = size == "small"
    spacing = 2.0 if small else 1.0
    sub = f"sub-raw{p:02d}"
    rng = lambda *k: np.random.default_rng([seed, p, *k])

    t0 = time.time()
    subject = Subject(kit, rng(1), spacing)
    lesions = plan_lesions(subject, rng(2), visits, small)
    log(f"{sub}: subject warped, {len(lesions)} lesions planned ({time.time() - t0:.1f} s)")

    odd_visit = visits - 1 if visits > 1 else None
    other = None
    if variant == "other-head" and odd_visit is not None:
        # Another person: every subject here comes from one template, so this one
        # is warped further from it (scaling 0.88-1.12, displacement 5-8 mm).
        other = Subject(kit, rng(9), spacing, scale_range=(0.88, 1.12), amplitude_range=(5.0, 8.0))

    truth_root = os.path.join(out, "derivatives", "truth")
    sub_truth = os.path.join(truth_root, sub)
    for name in ANATOMY:
        write_nifti(os.path.join(sub_truth, f"{sub}_space-subject_label-{name}_mask.nii.gz"),
                    subject.masks[name].astype(np.uint8), subject.affine, sform_code=1)

    # Per subject: (signal added to the post-contrast T1w, to the FLAIR, the label map).
    # Their own random streams (7, 8 enhancing; 10, 11 FLAIR), so adding mimics of one
    # kind leaves the others, the lesions and the poses as they were.
    distractors = {}
    for who, enhancing_key, flair_key in ((subject, 7, 10), (other, 8, 11)):
        if who is None:
            continue
        ce_add, labels = enhancing_distractors(who, rng(enhancing_key))
        flair_add = flair_distractors(who, rng(flair_key), labels)
        distractors[id(who)] = {"ce-gadolinium_T1w": ce_add, "FLAIR": flair_add, "labels": labels}
    write_nifti(os.path.join(sub_truth, f"{sub}_space-subject_desc-distractors_dseg.nii.gz"),
                distractors[id(subject)]["labels"], subject.affine, sform_code=1)
    plan = series_plan(visits, size)
    date = datetime.date(2023, 1, 9) + datetime.timedelta(days=int(rng(3).integers(0, 365)))
    sessions, images = [], {}
    pose_rng = rng(4)
    noise_seq = np.random.SeedSequence([seed, p, 5])
    for v in range(visits):
        ses = f"ses-{v + 1:02d}"
        if v > 0:
            date += datetime.timedelta(days=int(rng(6, v).integers(90, 200)))
        sessions.append((ses, date.isoformat()))
        anat = subject if not (other is not None and v == odd_visit) else other
        dseg, gd = lesion_maps(subject, lesions, v)
        ses_truth = os.path.join(sub_truth, ses)
        write_nifti(os.path.join(ses_truth, f"{sub}_{ses}_space-subject_label-lesion_dseg.nii.gz"),
                    dseg, subject.affine, sform_code=1)
        write_nifti(os.path.join(ses_truth, f"{sub}_{ses}_space-subject_label-gd_mask.nii.gz"),
                    gd.astype(np.uint8), subject.affine, sform_code=1)
        box = None
        lesion_frac = lesion_value = None
        if dseg.any():
            idx = np.argwhere(dseg > 0)
            lo = np.maximum(idx.min(0) - 3, 0)
            hi = np.minimum(idx.max(0) + 4, subject.shape)
            box = tuple(slice(a, b) for a, b in zip(lo, hi))
            sigma_pv = 0.5 / spacing
            inside = (dseg[box] > 0).astype(np.float32)
            lesion_frac = np.maximum(np.clip(ndimage.gaussian_filter(inside, sigma_pv), 0, 1), inside * 0.85)
            gd_frac = np.clip(ndimage.gaussian_filter(gd[box].astype(np.float32), sigma_pv), 0, 1)
            gd_frac = np.where(lesion_frac > 0, np.minimum(gd_frac / np.maximum(lesion_frac, 1e-6), 1.0), 0.0)
            # Each lesion has its own tone (T1w: from black hole to nearly iso-intense);
            # the partial-volume fringe takes the tone of the lesion next to it.
            ids = ndimage.grey_dilation(dseg[box], size=3)
            lesion_value = {}
            for series in SERIES:
                c = CONTRAST[series]
                tone = np.ones(len(lesions) + 1, np.float32)
                for l in lesions:
                    tone[l["id"]] = l["tone"][series]
                value = c["lesion"] * tone[ids]
                enhances = c["gd"] != c["lesion"]
                lesion_value[series] = value + (c["gd"] - value) * gd_frac if enhances else value

        # The head's pose at this visit (up to 10 degrees and 15 mm), then a
        # smaller one per series (up to 3 degrees and 3 mm): patients move.
        visit_rot = random_rotation(pose_rng, 2.0, 10.0)
        visit_shift = random_shift(pose_rng, 3.0, 15.0)
        grid_centre = subject.centre_mm + pose_rng.uniform(-5, 5, 3)
        for s in SERIES:
            cfg = plan[v][s]
            r = random_rotation(pose_rng, 0.3, 3.0) @ visit_rot
            ser_shift = random_shift(pose_rng, 0.3, 3.0)
            angles = angles_of(r)
            shift = visit_shift + ser_shift
            pose = rigid(r, shift, subject.centre_mm)
            total_deg = np.rad2deg(np.arccos(np.clip((np.trace(r) - 1) / 2, -1, 1)))
            distract = distractors[id(anat)].get(s)
            sig = anat.signal(s, lesion_frac, lesion_value[s] if box else None, box, distract)
            write_nifti(os.path.join(ses_truth, f"{sub}_{ses}_space-subject_{s}.nii.gz"),
                        to_int16(sig), subject.affine, sform_code=1,
                        description="noise-free signal on the subject grid")
            sp = cfg["spacing"]
            if cfg["thick"]:
                fine = [sp[0], sp[1], spacing]
                per = int(round(sp[2] / spacing))
                shape, aff = scanner_grid(fine, grid_centre, cfg["storage"])
                nz = shape[2] // per
                shape = (shape[0], shape[1], nz * per)
                img = resample(sig, subject.affine, shape, aff, pose, 1)
                img = img.reshape(shape[0], shape[1], nz, per).mean(axis=3)
                aff = aff.copy()
                aff[:3, 3] = aff[:3, 3] + aff[:3, 2] * (per - 1) / 2.0
                aff[:3, 2] = aff[:3, 2] * per
                shape = img.shape
            else:
                shape, aff = scanner_grid(sp, grid_centre, cfg["storage"])
                img = resample(sig, subject.affine, shape, aff, pose, 1)
            srng = np.random.default_rng(noise_seq.spawn(1)[0])
            bias = smooth_field(srng, shape, 3, 1.2)
            bias *= np.float32(BIAS_AMPLITUDE)
            bias += np.float32(1.0)
            img *= bias
            del bias
            # Rician: the magnitude of (signal + n1, n2) with Gaussian n1, n2.
            noisy = srng.standard_normal(shape, dtype=np.float32)
            noisy *= np.float32(NOISE_SIGMA)
            noisy += img
            np.square(noisy, out=noisy)
            img = srng.standard_normal(shape, dtype=np.float32)
            img *= np.float32(NOISE_SIGMA)
            np.square(img, out=img)
            noisy += img
            np.sqrt(noisy, out=noisy)
            img = noisy
            subject_to_world = pose
            item_variant = None
            if variant == "flipped" and v == odd_visit and s == "T1w":
                img = img[::-1, :, :]
                flip = np.eye(4)
                flip[0, 0] = -1
                flip[0, 3] = shape[0] - 1
                subject_to_world = aff @ flip @ np.linalg.inv(aff) @ pose
                item_variant = "flipped"
            if other is not None and v == odd_visit:
                item_variant = "other-head"
            name = f"{sub}_{ses}_{s}.nii.gz"
            rel = f"{sub}/{ses}/anat/{name}"
            decoy = None
            if cfg["header"] == "qform-only":
                decoy = aff.copy()
                decoy[:3, 3] += [10.0, -10.0, 10.0]
            write_nifti(os.path.join(out, rel), to_int16(img), aff,
                        sform_code=cfg["sform_code"] if cfg["header"] != "qform-only" else 0,
                        qform_code=1, decoy_sform=decoy)
            images[rel] = {
                "subject_to_world": subject_to_world.tolist(),
                "rotation_deg": [round(float(a), 6) for a in angles],
                "rotation_angle_deg": round(float(total_deg), 6),
                "translation_mm": [round(float(t), 6) for t in shift],
                "rotation_centre_mm": [round(float(c), 6) for c in subject.centre_mm],
                "spacing_mm": [float(abs(aff[i, i])) for i in range(3)],
                "shape": list(shape),
                "storage": cfg["storage"],
                "header": cfg["header"],
                "thick_slice": bool(cfg["thick"]),
                "variant": item_variant,
            }
        log(f"{sub} {ses}: {int((dseg > 0).sum())} lesion voxels, 3 series ({time.time() - t0:.1f} s)")

    with open(os.path.join(out, sub, f"{sub}_sessions.tsv"), "w") as f:
        f.write("session_id\tacq_time\n")
        for ses, when in sessions:
            f.write(f"{ses}\t{when}\n")

    ses_name = lambda v: f"ses-{v + 1:02d}"
    lesion_rows = []
    for l in lesions:
        row = {
            "id": l["id"],
            "first_visit": ses_name(l["first_visit"]),
            "center_mm": [round(float(c), 4) for c in l["center"]],
            "radii_mm": [round(float(r), 4) for r in l["radii"]],
            "gd_visits": [ses_name(v) for v in l["gd_visits"]],
            "enlarges_at": ses_name(l["enlarges_at"]) if l["enlarges_at"] is not None else None,
            "enlarge_factor": round(l["factor"], 4),
            "location": l["location"],
            "relative_signal": {k: round(CONTRAST[k]["lesion"] * v, 4) for k, v in l["tone"].items()},
        }
        lesion_rows.append(row)
    counts = {}
    for v in range(visits):
        counts[ses_name(v)] = {
            "lesions": sum(1 for l in lesions if l["first_visit"] <= v),
            "new": sum(1 for l in lesions if l["first_visit"] == v) if v > 0 else 0,
            "enlarging": sum(1 for l in lesions if l["enlarges_at"] == v),
            "gd": sum(1 for l in lesions if v in l["gd_visits"]),
        }
    return {
        "subject_grid": {"shape": list(subject.shape), "affine": subject.affine.tolist()},
        "warp": {"scale": [round(float(s), 6) for s in subject.scale],
                 "displacement_amplitude_mm": round(subject.displacement_mm, 4),
                 "hemisphere_torque_mm": round(subject.torque_mm, 4)},
        "other_head_visit": ses_name(odd_visit) if other is not None else None,
        "images": images,
        "lesions": lesion_rows,
        "counts": counts,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder (a BIDS study is written there)")
    ap.add_argument("--template", required=True, help="the template kit folder (.ci/install-template)")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--patients", type=int, default=1)
    ap.add_argument("--visits", type=int, default=2)
    ap.add_argument("--size", choices=("full", "small"), default="full")
    ap.add_argument("--variant", choices=("none", "flipped", "other-head"), default="none")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if args.patients < 1 or args.patients > 99:
        fail(f"--patients must be 1..99, not {args.patients}")
    if args.visits < 1 or args.visits > 99:
        fail(f"--visits must be 1..99, not {args.visits}")
    if args.variant != "none" and args.visits < 2:
        fail(f"--variant {args.variant} needs at least 2 visits")
    if args.seed < 0:
        fail(f"--seed must be >= 0, not {args.seed}")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        fail(f"{args.out}: exists and is not a folder")
    log = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))

    kit = Kit(args.template)
    os.makedirs(args.out, exist_ok=True)
    truth = {
        "generator": {"name": GENERATOR, "version": VERSION, "size": args.size, "variant": args.variant,
                      "patients": args.patients, "visits": args.visits,
                      "template": {"space": kit.meta.get("space"), "files_sha256": kit.meta.get("files", {})}},
        "seed": args.seed,
        "patients": {},
    }
    with open(os.path.join(args.out, "participants.tsv"), "w") as f:
        f.write("participant_id\n")
        for p in range(1, args.patients + 1):
            f.write(f"sub-raw{p:02d}\n")
    for p in range(1, args.patients + 1):
        truth["patients"][f"sub-raw{p:02d}"] = make_patient(args.out, kit, args.seed, p, args.visits,
                                                             args.size, args.variant, log)
    # The first patient's entries also sit at the top level, as the contract names them.
    first = truth["patients"]["sub-raw01"]
    truth["subject_grid"] = first["subject_grid"]
    truth["images"] = {k: v for pt in truth["patients"].values() for k, v in pt["images"].items()}
    truth["lesions"] = first["lesions"]
    truth["counts"] = first["counts"]
    os.makedirs(os.path.join(args.out, "derivatives", "truth"), exist_ok=True)
    with open(os.path.join(args.out, "derivatives", "truth", "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "derivatives", "truth", "dataset_description.json"), "w") as f:
        json.dump({"Name": "LesionTrack generated truth", "BIDSVersion": "1.9.0", "DatasetType": "derivative",
                   "GeneratedBy": [{"Name": GENERATOR, "Version": str(VERSION)}]}, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "dataset_description.json"), "w") as f:
        json.dump({"Name": "LesionTrack generated raw scans", "BIDSVersion": "1.9.0", "DatasetType": "raw"},
                  f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
