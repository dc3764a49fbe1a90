#!/usr/bin/env python3
"""Write LesionTrack's NIfTI test fixtures, byte for byte, with the standard library.

The NIfTI-1 and NIfTI-2 headers are packed here field by field with `struct`,
independently of any NIfTI library, so that the readers under test (libnifti in
LesionTrack, nibabel in record_expected.py) are checked against a third writer.

Output, relative to this file's folder:

  scans/    valid volumes, one edge case each (data type, byte order, gzip,
            NIfTI-2, scaling, orientation, 4D, NaN/Inf, tiny shapes)
  broken/   malformed files that a reader must refuse
  example/  sub-01_ses-01_FLAIR.nii.gz, a synthetic FLAIR phantom
  manifest.json
            the lesion threshold of every valid file (in scaled units, that is
            after scl_slope/scl_inter) and the problem keyword of every broken one

Every run gives byte-identical files: the pseudo-random values come from seeded
generators and gzip streams carry no name and a zero modification time.

Usage (from the repository root): python3 Fixtures/generate_fixtures.py
"""
from __future__ import annotations

import gzip
import json
import math
import random
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent

# NIfTI datatype name -> (code, bitpix, struct format character or None).
DATATYPES = {
    "uint8": (2, 8, "B"),
    "int16": (4, 16, "h"),
    "int32": (8, 32, "i"),
    "float32": (16, 32, "f"),
    "complex64": (32, 64, None),
    "float64": (64, 64, "d"),
    "rgb24": (128, 24, None),
    "int8": (256, 8, "b"),
    "uint16": (512, 16, "H"),
    "uint32": (768, 32, "I"),
    "int64": (1024, 64, "q"),
    "uint64": (1280, 64, "Q"),
}

NIFTI1_MAGIC = b"n+1\0"
NIFTI2_MAGIC = b"n+2\0\r\n\x1a\n"
UNITS_MM = 2
UNITS_MM_SEC = 10

# Header layouts as (field, struct format) in file order, without padding.
NIFTI1_FIELDS = [
    ("sizeof_hdr", "i"), ("data_type", "10s"), ("db_name", "18s"), ("extents", "i"),
    ("session_error", "h"), ("regular", "b"), ("dim_info", "b"), ("dim", "8h"),
    ("intent_p", "3f"), ("intent_code", "h"), ("datatype", "h"), ("bitpix", "h"),
    ("slice_start", "h"), ("pixdim", "8f"), ("vox_offset", "f"), ("scl_slope", "f"),
    ("scl_inter", "f"), ("slice_end", "h"), ("slice_code", "b"), ("xyzt_units", "b"),
    ("cal_max", "f"), ("cal_min", "f"), ("slice_duration", "f"), ("toffset", "f"),
    ("glmax", "i"), ("glmin", "i"), ("descrip", "80s"), ("aux_file", "24s"),
    ("qform_code", "h"), ("sform_code", "h"), ("quatern", "3f"), ("qoffset", "3f"),
    ("srow_x", "4f"), ("srow_y", "4f"), ("srow_z", "4f"), ("intent_name", "16s"),
    ("magic", "4s"),
]
NIFTI2_FIELDS = [
    ("sizeof_hdr", "i"), ("magic", "8s"), ("datatype", "h"), ("bitpix", "h"),
    ("dim", "8q"), ("intent_p", "3d"), ("pixdim", "8d"), ("vox_offset", "q"),
    ("scl_slope", "d"), ("scl_inter", "d"), ("cal_max", "d"), ("cal_min", "d"),
    ("slice_duration", "d"), ("toffset", "d"), ("slice_start", "q"), ("slice_end", "q"),
    ("descrip", "80s"), ("aux_file", "24s"), ("qform_code", "i"), ("sform_code", "i"),
    ("quatern", "3d"), ("qoffset", "3d"), ("srow_x", "4d"), ("srow_y", "4d"),
    ("srow_z", "4d"), ("slice_code", "i"), ("xyzt_units", "i"), ("intent_code", "i"),
    ("intent_name", "16s"), ("dim_info", "b"), ("unused_str", "15s"),
]

# The standard grid of the scans: three different sizes catch swapped axes.
GRID = (20, 17, 14)
# Intensities: background in [0.05, 0.40], lesions in [0.60, 1.00]; the mask
# is intensity >= 0.5, mapped into each file's scaled units.
BACKGROUND = (0.05, 0.40)
LESION = (0.60, 1.00)
CUT = 0.5


# ---------------------------------------------------------------------------
# Orientation
# ---------------------------------------------------------------------------
def axis_quaternion(axis, degrees):
    """Unit quaternion (a, b, c, d) of a rotation by `degrees` about x, y or z."""
    half = math.radians(degrees) / 2
    vector = [0.0, 0.0, 0.0]
    vector["xyz".index(axis)] = math.sin(half)
    return (math.cos(half), *vector)


def quaternion_product(p, q):
    """Quaternion of the rotation q followed by p (matrix R_p @ R_q)."""
    a1, b1, c1, d1 = p
    a2, b2, c2, d2 = q
    return (
        a1 * a2 - b1 * b2 - c1 * c2 - d1 * d2,
        a1 * b2 + b1 * a2 + c1 * d2 - d1 * c2,
        a1 * c2 - b1 * d2 + c1 * a2 + d1 * b2,
        a1 * d2 + b1 * c2 - c1 * b2 + d1 * a2,
    )


def rotation_matrix(q):
    """3x3 rotation matrix of a unit quaternion, as in the NIfTI-1 standard."""
    a, b, c, d = q
    return [
        [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
        [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
        [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ]


@dataclass
class Orientation:
    """Voxel size and the qform/sform fields of a header."""

    pixdim: tuple = (1.0, 1.0, 1.0)
    qfac: float = 1.0
    qform_code: int = 1
    sform_code: int = 1
    quatern: tuple = (0.0, 0.0, 0.0)
    qoffset: tuple = (0.0, 0.0, 0.0)
    srow: tuple = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0))


def rotated(quaternion, pixdim, offset, qfac=1.0, qform_code=1, sform_code=1):
    """Orientation whose qform and sform both map voxels through one rotation.

    The sform is R @ diag(pixdim[0], pixdim[1], qfac * pixdim[2]) plus offset,
    the same matrix the qform fields encode.
    """
    if quaternion[0] < 0:
        quaternion = tuple(-x for x in quaternion)
    scale = (pixdim[0], pixdim[1], qfac * pixdim[2])
    matrix = rotation_matrix(quaternion)
    srow = tuple(
        tuple(matrix[r][c] * scale[c] for c in range(3)) + (offset[r],) for r in range(3)
    )
    return Orientation(
        pixdim=tuple(pixdim), qfac=qfac, qform_code=qform_code, sform_code=sform_code,
        quatern=tuple(quaternion[1:]), qoffset=tuple(offset), srow=srow,
    )


def centred(shape, pixdim=(1.0, 1.0, 1.0)):
    """RAS-aligned orientation (identity rotation) with the volume centre at 0 mm."""
    offset = tuple(-(n - 1) / 2 * p for n, p in zip(shape[:3], pixdim))
    return rotated((1.0, 0.0, 0.0, 0.0), pixdim, offset)


# ---------------------------------------------------------------------------
# Images and their bytes
# ---------------------------------------------------------------------------
@dataclass
class Image:
    """A NIfTI image to write: shape, data type, stored values and header fields."""

    shape: tuple
    datatype: str
    stored: list | bytes  # stored values in file order (i fastest), or raw bytes
    orientation: Orientation = field(default_factory=Orientation)
    scl_slope: float = 1.0
    scl_inter: float = 0.0
    descrip: str = ""
    extension: bytes = b""  # header extension blocks, after the 4-byte flag
    timestep: float = 0.0


def header_fields(image, version):
    """Header field values of `image` for NIfTI-`version`, keyed by field name."""
    code, bitpix, _ = DATATYPES[image.datatype]
    o = image.orientation
    dim = [len(image.shape), *image.shape] + [1] * (7 - len(image.shape))
    pixdim = [o.qfac, *o.pixdim, image.timestep, 0.0, 0.0, 0.0]
    header_size = 348 if version == 1 else 540
    values = {
        "sizeof_hdr": header_size,
        "magic": NIFTI1_MAGIC if version == 1 else NIFTI2_MAGIC,
        "datatype": code,
        "bitpix": bitpix,
        "dim": dim,
        "pixdim": pixdim,
        "vox_offset": header_size + 4 + len(image.extension),
        "scl_slope": image.scl_slope,
        "scl_inter": image.scl_inter,
        "xyzt_units": UNITS_MM_SEC if len(image.shape) > 3 else UNITS_MM,
        "descrip": image.descrip.encode("ascii"),
        "qform_code": o.qform_code,
        "sform_code": o.sform_code,
        "quatern": list(o.quatern),
        "qoffset": list(o.qoffset),
        "srow_x": list(o.srow[0]),
        "srow_y": list(o.srow[1]),
        "srow_z": list(o.srow[2]),
    }
    if version == 1:
        values["regular"] = ord("r")
    return values


def pack_header(values, version, endian):
    """Pack header field values; fields missing from `values` are zero."""
    layout = NIFTI1_FIELDS if version == 1 else NIFTI2_FIELDS
    parts = []
    for name, fmt in layout:
        if fmt.endswith("s"):
            default = b""
        elif fmt[0].isdigit():
            default = [0] * int(fmt[:-1])
        else:
            default = 0
        value = values.get(name, default)
        if isinstance(value, list):
            parts.append(struct.pack(endian + fmt, *value))
        else:
            parts.append(struct.pack(endian + fmt, value))
    header = b"".join(parts)
    assert len(header) == (348 if version == 1 else 540)
    return header


def pack_data(image, endian):
    """The stored values of `image` as bytes."""
    if isinstance(image.stored, bytes):
        return image.stored
    char = DATATYPES[image.datatype][2]
    return struct.pack(f"{endian}{len(image.stored)}{char}", *image.stored)


def nifti_bytes(image, version=1, endian="<", header=None):
    """A complete single-file NIfTI image: header, extensions, data.

    `header` replaces the header field values, for malformed files.
    """
    values = header if header is not None else header_fields(image, version)
    flag = bytes([1 if image.extension else 0, 0, 0, 0])
    return pack_header(values, version, endian) + flag + image.extension + pack_data(image, endian)


def comment_extension(text):
    """One little-endian NIfTI comment extension (ecode 6), padded to a multiple of 16 bytes."""
    body = text.encode("ascii") + b"\0"
    size = 8 + len(body)
    size += -size % 16
    return struct.pack("<ii", size, 6) + body.ljust(size - 8, b"\0")


def compress(data):
    """Gzip `data` reproducibly: no file name, modification time 0."""
    return gzip.compress(data, compresslevel=9, mtime=0)


# ---------------------------------------------------------------------------
# Lesion patterns and intensities
# ---------------------------------------------------------------------------
def box(i_range, j_range, k_range):
    """Voxels of an axis-aligned box; ranges are inclusive (first, last)."""
    return [
        (i, j, k)
        for k in range(k_range[0], k_range[1] + 1)
        for j in range(j_range[0], j_range[1] + 1)
        for i in range(i_range[0], i_range[1] + 1)
    ]


def ellipsoid(centre, radii):
    """Voxels whose centres lie in an axis-aligned ellipsoid (voxel units)."""
    lo = [math.floor(c - r) for c, r in zip(centre, radii)]
    hi = [math.ceil(c + r) for c, r in zip(centre, radii)]
    return [
        (i, j, k)
        for k in range(lo[2], hi[2] + 1)
        for j in range(lo[1], hi[1] + 1)
        for i in range(lo[0], hi[0] + 1)
        if sum(((x - c) / r) ** 2 for x, c, r in zip((i, j, k), centre, radii)) <= 1.0
    ]


def standard_lesions():
    """Named lesions of the standard 20x17x14 grid.

    Components at 6/18/26-connectivity: 9 / 8 / 6. The box, the ellipsoid and
    the two corner voxels are one component each at every connectivity; the
    edge pair (two voxels sharing an edge) is 2 / 1 / 1, and the corner chain
    (three voxels touching at corners) is 3 / 3 / 1.
    """
    return {
        "box": box((2, 6), (2, 5), (2, 4)),
        "ellipsoid": ellipsoid((13, 11, 8), (4.0, 3.5, 3.0)),
        "corner_voxel": [(19, 0, 0)],
        "far_corner_voxel": [(0, 16, 13)],
        "edge_pair": [(10, 2, 2), (11, 3, 2)],
        "corner_chain": [(14, 1, 10), (15, 2, 11), (16, 3, 12)],
    }


def intensities(shape, lesion_voxels, seed):
    """Flat intensities in file order: lesion voxels bright, the rest dim."""
    rng = random.Random(seed)
    bright = set(lesion_voxels)
    values = []
    for k in range(shape[2]):
        for j in range(shape[1]):
            for i in range(shape[0]):
                low, high = LESION if (i, j, k) in bright else BACKGROUND
                values.append(rng.uniform(low, high))
    return values


def lesion_voxels(names=None):
    """Voxels of the named standard lesions (all of them by default)."""
    lesions = standard_lesions()
    return [v for name in (names or lesions) for v in lesions[name]]


STANDARD_INTENSITIES = intensities(GRID, lesion_voxels(), seed=1)


@dataclass(frozen=True)
class Encoding:
    """How intensities v become stored values.

    The scaled value (what a reader sees after NIfTI scaling) is
    `gain * v + bias`; the stored value is that scaled value mapped back through
    scl_slope/scl_inter (unless the slope is 0 or not finite: then no scaling).
    """

    datatype: str
    gain: float = 1.0
    bias: float = 0.0
    scl_slope: float = 1.0
    scl_inter: float = 0.0

    def scaling_applies(self):
        """Whether a reader applies scl_slope/scl_inter (slope finite and non-zero)."""
        return math.isfinite(self.scl_slope) and self.scl_slope != 0

    def store(self, values):
        """Stored values of intensities `values`, rounded to integers for integer types."""
        stored = []
        for v in values:
            scaled = self.gain * v + self.bias
            if self.scaling_applies():
                scaled = (scaled - self.scl_inter) / self.scl_slope
            stored.append(scaled if self.datatype.startswith("float") else math.floor(scaled + 0.5))
        return stored

    def threshold(self):
        """The cut (intensity 0.5) in scaled units; an int when it is whole."""
        value = self.gain * CUT + self.bias
        return int(value) if value.is_integer() else value


def encoded_image(encoding, values=STANDARD_INTENSITIES, shape=GRID, **fields):
    """Image of `values` stored with `encoding`, centred RAS orientation by default."""
    fields.setdefault("orientation", centred(shape))
    return Image(
        shape=shape, datatype=encoding.datatype, stored=encoding.store(values),
        scl_slope=encoding.scl_slope, scl_inter=encoding.scl_inter, **fields,
    )


# ---------------------------------------------------------------------------
# Valid scans
# ---------------------------------------------------------------------------
# Unscaled encodings: the stored ranges exercise sign, unsignedness and width.
PLAIN = {
    "uint8": Encoding("uint8", gain=200),
    "int8": Encoding("int8", gain=200, bias=-100),
    "int16": Encoding("int16", gain=2000, bias=-500),
    "uint16": Encoding("uint16", gain=60000),
    "int32": Encoding("int32", gain=4e6, bias=-1e6),
    "uint32": Encoding("uint32", gain=4e9),
    "int64": Encoding("int64", gain=2.0**40, bias=-(2.0**38)),
    "uint64": Encoding("uint64", gain=2.0**40),
    "float32": Encoding("float32"),
    "float64": Encoding("float64"),
}
INT16_SCALED = Encoding("int16", scl_slope=1 / 16384)


def scan_cases():
    """(relative path, image, NIfTI version, byte order, threshold) of each valid scan."""
    cases = []

    def add(name, encoding, version=1, endian="<", **fields):
        fields.setdefault("descrip", name.split(".")[0])
        image = encoded_image(encoding, **fields)
        cases.append((f"scans/{name}", image, version, endian, encoding.threshold()))

    for name, encoding in PLAIN.items():
        add(f"{name}.nii", encoding)
    add("uint8_scaled.nii", Encoding("uint8", scl_slope=1 / 128, scl_inter=-0.5))
    add("int16_scaled.nii", INT16_SCALED)
    add("float32_scaled.nii", Encoding("float32", scl_slope=2.0, scl_inter=-1.0))
    add("int16_slope0.nii", replace(PLAIN["int16"], scl_slope=0.0, scl_inter=1000.0))
    add("int16_slope_nan.nii", replace(PLAIN["int16"], scl_slope=math.nan, scl_inter=math.nan))
    for name in ("int16", "uint16", "int32", "float32", "float64"):
        add(f"{name}_bigendian.nii", PLAIN[name], endian=">")
    add("float32.nii.gz", PLAIN["float32"])
    add("int16_scaled.nii.gz", INT16_SCALED)
    add("nifti2_float32.nii", PLAIN["float32"], version=2)
    add("nifti2_int16_scaled.nii.gz", INT16_SCALED, version=2)
    add("nifti2_float64_bigendian.nii", PLAIN["float64"], version=2, endian=">")
    add("float32_extension.nii", PLAIN["float32"],
        extension=comment_extension("comment extension before the data"))
    cases.extend(orientation_cases())
    cases.extend(special_cases())
    return cases


def orientation_cases():
    """Anisotropic voxels, sform/qform precedence and oblique grids (float32)."""
    encoding = PLAIN["float32"]
    threshold = encoding.threshold()
    anisotropic = (0.5, 0.8, 3.0)
    disagree = centred(GRID, (1.2, 1.0, 1.5))
    disagree.sform_code = 2
    disagree.quatern = axis_quaternion("z", 90)[1:]
    disagree.qoffset = (30.0, 40.0, 50.0)
    qform_only = rotated(
        quaternion_product(axis_quaternion("x", 20), axis_quaternion("y", 30)),
        (1.1, 0.9, 2.0), (-12.0, 8.0, 20.0), qfac=-1.0, sform_code=0,
    )
    qform_only.srow = ((5.0, 0, 0, 100.0), (0, 5.0, 0, 100.0), (0, 0, 5.0, 100.0))
    no_codes = Orientation(
        pixdim=(1.5, 2.0, 2.5), qform_code=0, sform_code=0,
        quatern=(0.5, 0.0, 0.0), qoffset=(7.0, 7.0, 7.0),
        srow=((3.0, 0, 0, -50.0), (0, 3.0, 0, -50.0), (0, 0, 3.0, -50.0)),
    )
    oblique = rotated(
        quaternion_product(axis_quaternion("y", 15), axis_quaternion("x", 15)),
        (0.7, 1.1, 2.5), (-6.0, -9.5, -14.0),
    )
    named = {
        "anisotropic_voxels.nii": centred(GRID, anisotropic),
        "sform_qform_disagree.nii": disagree,
        "qform_only.nii": qform_only,
        "no_orientation.nii": no_codes,
        "oblique_sform.nii": oblique,
    }
    return [
        (f"scans/{name}",
         encoded_image(encoding, orientation=o, descrip=name.split(".")[0]),
         1, "<", threshold)
        for name, o in named.items()
    ]


def special_cases():
    """4D files, NaN and infinities, and tiny or thin volumes (float32)."""
    encoding = PLAIN["float32"]
    threshold = encoding.threshold()
    volumes = [
        lesion_voxels(),
        lesion_voxels(["box", "corner_chain"]),
        lesion_voxels(["ellipsoid", "edge_pair", "far_corner_voxel"]),
    ]
    series = [v for t, voxels in enumerate(volumes) for v in intensities(GRID, voxels, seed=10 + t)]
    four_d = encoded_image(encoding, series, GRID + (3,), timestep=2.0,
                           orientation=centred(GRID), descrip="4d_three_volumes")
    single = encoded_image(encoding, shape=GRID + (1,), timestep=2.0,
                           orientation=centred(GRID), descrip="4d_single_volume")

    nan_inf = encoded_image(encoding, descrip="float32_nan_inf")
    for voxel, value in NON_FINITE.items():
        i, j, k = voxel
        nan_inf.stored[i + GRID[0] * (j + GRID[1] * k)] = value

    thin_shape = (7, 1, 13)
    thin_voxels = [(0, 0, 0), (1, 0, 0), (2, 0, 0), (4, 0, 2), (5, 0, 3), (6, 0, 4),
                   (3, 0, 6), (3, 0, 7), (3, 0, 8), (3, 0, 9), (3, 0, 10), (0, 0, 12)]
    thin = encoded_image(encoding, intensities(thin_shape, thin_voxels, seed=20), thin_shape,
                         descrip="thin_7x1x13")
    tiny = encoded_image(encoding, [0.8], (1, 1, 1), descrip="tiny_1x1x1")
    named = {
        "4d_three_volumes.nii": four_d,
        "4d_single_volume.nii": single,
        "float32_nan_inf.nii": nan_inf,
        "thin_7x1x13.nii": thin,
        "tiny_1x1x1.nii": tiny,
    }
    return [(f"scans/{name}", image, 1, "<", threshold) for name, image in named.items()]


# Non-finite voxels of float32_nan_inf.nii: NaN in the background and inside
# the box, +Inf and -Inf isolated in the background.
NON_FINITE = {
    (5, 10, 3): math.nan,
    (4, 3, 3): math.nan,
    (8, 14, 1): math.inf,
    (17, 4, 2): -math.inf,
}


# ---------------------------------------------------------------------------
# Broken files
# ---------------------------------------------------------------------------
def broken_cases():
    """(relative path, file bytes, problem keyword) of each malformed file."""
    small = encoded_image(PLAIN["float32"], intensities((10, 9, 8), [], seed=30), (10, 9, 8))
    valid = nifti_bytes(small)
    valid_gz = compress(valid)
    cases = [
        ("truncated.nii", valid[: 352 + len(valid[352:]) // 2], "truncated"),
        ("truncated_header.nii", valid[:200], "truncated"),
        ("truncated.nii.gz", valid_gz[: len(valid_gz) // 2], "truncated"),
        ("empty.nii", b"", "empty"),
        ("empty.nii.gz", b"", "empty"),
        ("not_gzip.nii.gz", b"This is a plain text file, not a gzip stream.\n", "gzip"),
        ("bad_magic.nii", with_fields(small, magic=b"xx1\0"), "magic"),
        ("sizeof_hdr_123.nii", with_fields(small, sizeof_hdr=123), "header size"),
        ("dim0_zero.nii", with_dims(small, 0, *small.shape), "dimension"),
        ("dim0_nine.nii", with_dims(small, 9, *small.shape), "dimension"),
        ("dim_negative.nii", with_dims(small, 3, 10, -9, 8), "dimension"),
        ("datatype_999.nii", with_fields(small, datatype=999), "datatype"),
        ("bitpix_mismatch.nii", bitpix_mismatch(), "datatype"),
        ("vox_offset_past_end.nii", with_fields(small, vox_offset=100000), "offset"),
        ("huge_dims.nii", huge_dims()[:400], "too large"),
        ("huge_dims.nii.gz", compress(huge_dims()), "too large"),
        ("nifti2_overflow_dims.nii", nifti2_overflow_dims(), "too large"),
        ("nifti2_truncated.nii", nifti_bytes(small, version=2)[:2000], "truncated"),
        ("rgb24.nii", non_scalar("rgb24", 3), "not a scalar"),
        ("complex64.nii", non_scalar("complex64", 8), "not a scalar"),
        ("five_dimensional.nii", five_dimensional(), "dimension"),
    ]
    return [(f"broken/{name}", data, problem) for name, data, problem in cases]


def with_fields(image, version=1, **changes):
    """File bytes of `image` with some header fields overwritten."""
    values = header_fields(image, version)
    values.update(changes)
    return nifti_bytes(image, version, header=values)


def with_dims(image, *dims):
    """File bytes of `image` with dim[0..] replaced by `dims`."""
    values = header_fields(image, 1)
    values["dim"] = list(dims) + values["dim"][len(dims):]
    return nifti_bytes(image, header=values)


def bitpix_mismatch():
    """An int16 image whose header claims 32 bits per voxel."""
    image = encoded_image(PLAIN["int16"], intensities((10, 9, 8), [], seed=31), (10, 9, 8))
    return with_fields(image, bitpix=32)


def huge_dims():
    """A float32 header claiming 30000^3 voxels (about 98 TiB) with 1 KiB of data.

    NIfTI-1 dims are 16-bit, so 30000 is near the largest a header can state.
    """
    image = Image(shape=(30000, 30000, 30000), datatype="float32", stored=[0.25] * 256,
                  orientation=centred((1, 1, 1)))
    return nifti_bytes(image)


def nifti2_overflow_dims():
    """A NIfTI-2 float32 header whose dims (2^31 each) overflow a 64-bit product."""
    image = Image(shape=(2**31, 2**31, 2**31), datatype="float32", stored=[0.25] * 64,
                  orientation=centred((1, 1, 1)))
    return nifti_bytes(image, version=2)


def non_scalar(datatype, voxel_bytes):
    """A complete 6x5x4 file of a multi-component data type (RGB24, complex64)."""
    shape = (6, 5, 4)
    count = shape[0] * shape[1] * shape[2]
    payload = bytes((7 * n) % 256 for n in range(count * voxel_bytes))
    image = Image(shape=shape, datatype=datatype, stored=payload, orientation=centred(shape))
    return nifti_bytes(image)


def five_dimensional():
    """A complete float32 file with dim[0] = 5 (4x3x2x1x2)."""
    shape = (4, 3, 2, 1, 2)
    image = Image(shape=shape, datatype="float32", stored=[0.25] * 48,
                  orientation=centred(shape))
    return nifti_bytes(image)


# ---------------------------------------------------------------------------
# Example FLAIR phantom
# ---------------------------------------------------------------------------
FLAIR_SHAPE = (80, 96, 64)
FLAIR_VOXEL_MM = 2.0
FLAIR_STEP = 1 / 1024  # intensities are multiples of this, so they compress well

# (centre mm, semi-axes mm, rotation about z in degrees). All lie inside the
# brain and at least one voxel apart; the first four touch the ventricles.
FLAIR_OVOIDS = [
    ((-17.0, 0.0, 10.0), (4.0, 7.0, 4.0), 20),
    ((17.0, 10.0, 12.0), (3.5, 6.0, 4.0), -15),
    ((-14.0, 24.0, 6.0), (3.0, 5.0, 3.0), 30),
    ((15.0, -14.0, 4.0), (4.0, 4.0, 3.0), 0),
    ((-40.0, -30.0, 0.0), (5.0, 4.0, 4.0), 45),
    ((38.0, 35.0, -10.0), (6.0, 4.0, 3.0), -30),
    ((0.0, -50.0, 20.0), (3.0, 3.0, 3.0), 0),
    ((-25.0, 50.0, -20.0), (4.0, 6.0, 3.0), 10),
    ((30.0, -45.0, 25.0), (2.5, 2.5, 2.5), 0),
    ((-45.0, 10.0, 30.0), (3.0, 4.0, 3.0), 0),
    ((25.0, 5.0, -25.0), (9.0, 7.0, 6.0), 25),
]
# Lesions of one and two voxels, below any clinical size floor.
FLAIR_SPECKS = [[(20, 70, 40)], [(60, 30, 20), (60, 31, 20)]]
BRAIN_SEMI_AXES_MM = (70.0, 85.0, 58.0)
VENTRICLES = [((-8.0, 5.0, 8.0), (6.0, 22.0, 10.0)), ((8.0, 5.0, 8.0), (6.0, 22.0, 10.0))]


def voxel_mm(index):
    """Position in mm (RAS, origin at the grid centre) of a FLAIR voxel index."""
    return tuple((n - (size - 1) / 2) * FLAIR_VOXEL_MM for n, size in zip(index, FLAIR_SHAPE))


def inside(point, centre, semi_axes):
    """Normalised squared radius of `point` in an axis-aligned ellipsoid (<= 1 inside)."""
    return sum(((p - c) / s) ** 2 for p, c, s in zip(point, centre, semi_axes))


def ovoid_voxels(centre, semi_axes, degrees):
    """Voxel -> normalised squared radius, for an ovoid rotated about z."""
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    reach = max(semi_axes) / FLAIR_VOXEL_MM + 1
    middle = [c / FLAIR_VOXEL_MM + (n - 1) / 2 for c, n in zip(centre, FLAIR_SHAPE)]
    ranges = [range(math.floor(m - reach), math.ceil(m + reach) + 1) for m in middle]
    voxels = {}
    for k in ranges[2]:
        for j in ranges[1]:
            for i in ranges[0]:
                x, y, z = (p - c for p, c in zip(voxel_mm((i, j, k)), centre))
                local = (cos * x + sin * y, -sin * x + cos * y, z)
                q = inside(local, (0.0, 0.0, 0.0), semi_axes)
                if q <= 1.0:
                    voxels[(i, j, k)] = q
    return voxels


def flair_lesions():
    """Voxel -> lesion intensity; checks that lesions lie in the brain, one voxel apart."""
    lesions = [ovoid_voxels(*ovoid) for ovoid in FLAIR_OVOIDS]
    lesions += [{voxel: 0.0 for voxel in speck} for speck in FLAIR_SPECKS]
    owner = {}
    for number, voxels in enumerate(lesions):
        for voxel in voxels:
            owner[voxel] = number
    for voxel, number in owner.items():
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for dk in (-1, 0, 1):
                    other = owner.get((voxel[0] + di, voxel[1] + dj, voxel[2] + dk), number)
                    assert other == number, f"FLAIR lesions {number} and {other} touch"
        brain = inside(voxel_mm(voxel), (0.0, 0.0, 0.0), BRAIN_SEMI_AXES_MM)
        assert brain <= 1.0, f"FLAIR lesion {number} leaves the brain"
    # Brightest (0.90) at the core, 0.62 at the rim.
    return {
        voxel: quantise(0.62 + 0.28 * (1.0 - q))
        for voxels in lesions
        for voxel, q in voxels.items()
    }


def quantise(value):
    """Round to a multiple of FLAIR_STEP."""
    return math.floor(value / FLAIR_STEP + 0.5) * FLAIR_STEP


def flair_phantom():
    """The example FLAIR volume: brain, darker ventricles, bright lesions, mild noise.

    Outside the brain 0; white matter 0.30, a 0.36 cortical rim and 0.10
    ventricles, each plus uniform noise of at most 20/1024 (so all tissue stays
    below 0.40); lesions 0.62 to 0.90. The lesion threshold is 0.5.
    """
    rng = random.Random(2024)
    lesions = flair_lesions()
    values = []
    for k in range(FLAIR_SHAPE[2]):
        for j in range(FLAIR_SHAPE[1]):
            for i in range(FLAIR_SHAPE[0]):
                point = voxel_mm((i, j, k))
                radius = inside(point, (0.0, 0.0, 0.0), BRAIN_SEMI_AXES_MM)
                if radius > 1.0:
                    values.append(0.0)
                    continue
                if (i, j, k) in lesions:
                    values.append(lesions[(i, j, k)])
                    continue
                if any(inside(point, c, s) <= 1.0 for c, s in VENTRICLES):
                    tissue = 0.10
                elif radius > 0.80:
                    tissue = 0.36
                else:
                    tissue = 0.30
                values.append(quantise(tissue) + rng.randint(-20, 20) * FLAIR_STEP)
    orientation = centred(FLAIR_SHAPE, (FLAIR_VOXEL_MM,) * 3)
    return Image(shape=FLAIR_SHAPE, datatype="float32", stored=values,
                 orientation=orientation, descrip="synthetic FLAIR phantom")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def write(relative, data):
    """Write bytes to a path relative to the Fixtures folder."""
    path = FIXTURES / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main():
    manifest = {}
    for relative, image, version, endian, threshold in scan_cases():
        data = nifti_bytes(image, version, endian)
        write(relative, compress(data) if relative.endswith(".gz") else data)
        manifest[relative] = {"threshold": threshold}
    for relative, data, problem in broken_cases():
        write(relative, data)
        manifest[relative] = {"problem": problem}
    example = "example/sub-01_ses-01_FLAIR.nii.gz"
    write(example, compress(nifti_bytes(flair_phantom())))
    manifest[example] = {"threshold": CUT}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (FIXTURES / "manifest.json").write_text(text)
    print(f"wrote {len(manifest)} files under {FIXTURES}")


if __name__ == "__main__":
    main()
