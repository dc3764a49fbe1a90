"""Writes single-frame MR DICOM series of known volumes, for the `lesiontrack import` tests.

    python make_dicom_series.py SPEC.json

SPEC.json holds {"patient": {...}, "studies": [{"date", "time", "accession", "uid_seed",
"series": [...]}, ...]}: each series is written to its own folder (`folder`, relative to the spec
file) as one file per slice, `slice-NNN.dcm`, with the patient's name, ID, birth date and the
institution in every file (a study may name its own "patient"), so a test can look for them in
the outputs. A series with "diffusion": [[b, [x, y, z]], ...] repeats its slices once per
weighting, with DICOM's DiffusionBValue and DiffusionGradientOrientation; one with "rle": true
is stored RLE Lossless compressed (PS3.5 Annex G). UIDs are derived from
`uid_seed`, so the same spec writes the same files. Voxel values are known: the stored value of column i, row j, slice k is
(i + 37 j + 211 k + offset) mod 4096, and the real value is stored * slope + intercept (DICOM
RescaleSlope, RescaleIntercept). Geometry follows the DICOM standard, PS3.3 C.7.6.2
(Image Plane Module): the slice k's ImagePositionPatient is origin + k * thickness * normal,
with normal = row cosine x column cosine, in the patient's LPS frame (mm).
"""

import json
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, RLELossless, generate_uid

ENHANCED_MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4.1"


def stored_values(columns, rows, slices, offset):
    i = np.arange(columns)[None, None, :]
    j = np.arange(rows)[None, :, None]
    k = np.arange(slices)[:, None, None]
    return ((i + 37 * j + 211 * k + offset) % 4096).astype(np.uint16)  # [k, j, i]


def item(**elements):
    ds = Dataset()
    for key, value in elements.items():
        setattr(ds, key, value)
    return ds


def common(ds, patient, study, series, series_uid):
    """The patient, study and series attributes every file carries."""
    ds.Modality = "MR"
    ds.Manufacturer = "ExampleVendor"
    ds.ManufacturerModelName = "TestScanner"
    ds.MagneticFieldStrength = 3
    ds.PatientName = patient["name"]
    ds.PatientID = patient["id"]
    ds.PatientBirthDate = patient["birth_date"]
    ds.PatientSex = "F"
    ds.PatientPosition = "HFS"
    ds.InstitutionName = patient["institution"]
    ds.InstitutionAddress = patient["institution"] + " Street 1"
    ds.ReferringPhysicianName = patient["referring_physician"]
    ds.AccessionNumber = study["accession"]
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[study["uid_seed"]])
    ds.SeriesInstanceUID = series_uid
    ds.StudyID = "1"
    ds.StudyDate = study["date"]
    ds.StudyTime = study["time"]
    ds.SeriesDate = study["date"]
    ds.AcquisitionDate = study["date"]
    ds.AcquisitionTime = series["acquisition_time"]
    ds.ContentDate = study["date"]
    ds.ContentTime = series["acquisition_time"]
    ds.SeriesNumber = series["number"]
    ds.AcquisitionNumber = 1
    ds.SeriesDescription = series["description"]
    ds.ProtocolName = series["description"]
    ds.FrameOfReferenceUID = generate_uid(entropy_srcs=[study["uid_seed"], "frame"])
    if "contrast_agent" in series:
        ds.ContrastBolusAgent = series["contrast_agent"]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0


def write_enhanced(root, patient, study, series):
    """One enhanced MR file (DICOM PS3.3 A.36.2) holding every slice as a frame."""
    folder = os.path.join(root, series["folder"])
    os.makedirs(folder, exist_ok=True)
    columns, rows, slices = series["size"]
    row_spacing, column_spacing = series["pixel_spacing"]
    thickness = series["slice_thickness"]
    row_cos = np.array(series["row_cosine"], dtype=float)
    col_cos = np.array(series["column_cosine"], dtype=float)
    normal = np.cross(row_cos, col_cos)
    origin = np.array(series["origin"], dtype=float)
    values = stored_values(columns, rows, slices, series.get("offset", 0))
    series_uid = generate_uid(entropy_srcs=[study["uid_seed"], series["folder"]])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ENHANCED_MR_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[series_uid, "enhanced"])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = ENHANCED_MR_IMAGE_STORAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    common(ds, patient, study, series, series_uid)
    ds.InstanceNumber = 1
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
    ds.AcquisitionDateTime = study["date"] + series["acquisition_time"]
    ds.ContentQualification = "PRODUCT"
    ds.ResonantNucleus = "1H"
    ds.MRAcquisitionType = "2D"
    ds.PulseSequenceName = series["description"]
    ds.EchoPulseSequence = "SPIN"
    ds.NumberOfFrames = slices
    ds.Rows = rows
    ds.Columns = columns
    dimension_uid = generate_uid(entropy_srcs=[series_uid, "dimensions"])
    ds.DimensionOrganizationSequence = Sequence([item(DimensionOrganizationUID=dimension_uid)])
    ds.DimensionIndexSequence = Sequence([
        item(DimensionOrganizationUID=dimension_uid, DimensionIndexPointer=0x00209056, FunctionalGroupPointer=0x00209111),
        item(DimensionOrganizationUID=dimension_uid, DimensionIndexPointer=0x00209057, FunctionalGroupPointer=0x00209111),
    ])
    timing = item(RepetitionTime=series["repetition_time_ms"], FlipAngle=90, EchoTrainLength=1)
    shared = item(
        PixelMeasuresSequence=Sequence([item(PixelSpacing=[row_spacing, column_spacing], SliceThickness=thickness,
                                             SpacingBetweenSlices=thickness)]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=[float(v) for v in np.concatenate([row_cos, col_cos])])]),
        PixelValueTransformationSequence=Sequence([item(RescaleSlope=series["slope"], RescaleIntercept=series["intercept"],
                                                        RescaleType="US")]),
        MRTimingAndRelatedParametersSequence=Sequence([timing]),
        MREchoSequence=Sequence([item(EffectiveEchoTime=series["echo_time_ms"])]),
    )
    if "inversion_time_ms" in series:
        shared.MRModifierSequence = Sequence([item(InversionRecovery="YES", InversionTimes=[series["inversion_time_ms"]])])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    for k in range(slices):
        position = origin + k * thickness * normal
        frames.append(item(
            PlanePositionSequence=Sequence([item(ImagePositionPatient=[float(v) for v in position])]),
            FrameContentSequence=Sequence([item(StackID="1", InStackPositionNumber=k + 1, DimensionIndexValues=[1, k + 1])]),
        ))
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.PixelData = values.tobytes()
    ds.save_as(os.path.join(folder, "enhanced.dcm"), enforce_file_format=True)


def write_series(root, patient, study, series):
    if series.get("enhanced"):
        write_enhanced(root, patient, study, series)
        return
    folder = os.path.join(root, series["folder"])
    os.makedirs(folder, exist_ok=True)
    columns, rows, slices = series["size"]
    row_spacing, column_spacing = series["pixel_spacing"]  # DICOM order: between rows, between columns
    thickness = series["slice_thickness"]
    row_cos = np.array(series["row_cosine"], dtype=float)
    col_cos = np.array(series["column_cosine"], dtype=float)
    normal = np.cross(row_cos, col_cos)
    origin = np.array(series["origin"], dtype=float)
    values = stored_values(columns, rows, slices, series.get("offset", 0))
    series_uid = generate_uid(entropy_srcs=[study["uid_seed"], series["folder"]])
    # A diffusion series repeats the slices once per b-value and direction (DICOM 0018,9087 and 0018,9089).
    weightings = series.get("diffusion", [None])
    for n, k in ((n, k) for n in range(len(weightings)) for k in range(slices)):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MRImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[series_uid, str(n), str(k)])
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = MRImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        common(ds, patient, study, series, series_uid)
        ds.InstanceNumber = n * slices + k + 1
        if weightings[n] is not None:
            b, direction = weightings[n]
            ds.DiffusionBValue = float(b)
            ds.DiffusionGradientOrientation = [float(v) for v in direction]
            ds.AcquisitionNumber = n + 1
            ds.TemporalPositionIdentifier = n + 1
        ds.ScanningSequence = series.get("scanning_sequence", "SE")
        ds.SequenceVariant = "SK"
        ds.MRAcquisitionType = "2D"
        ds.RepetitionTime = series["repetition_time_ms"]
        ds.EchoTime = series["echo_time_ms"]
        if "inversion_time_ms" in series:
            ds.InversionTime = series["inversion_time_ms"]
        ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NORM"]
        ds.ImageOrientationPatient = [float(v) for v in np.concatenate([row_cos, col_cos])]
        position = origin + k * thickness * normal
        ds.ImagePositionPatient = [float(v) for v in position]
        ds.SliceLocation = float(np.dot(position, normal))
        ds.PixelSpacing = [row_spacing, column_spacing]
        ds.SliceThickness = thickness
        ds.SpacingBetweenSlices = thickness
        ds.RescaleSlope = series["slope"]
        ds.RescaleIntercept = series["intercept"]
        ds.RescaleType = "US"
        ds.Rows = rows
        ds.Columns = columns
        pixels = ((values[k].astype(np.uint32) + 100 * n) % 4096).astype(np.uint16)
        ds.PixelData = pixels.tobytes()
        if series.get("rle"):
            ds.compress(RLELossless, pixels)
        ds.save_as(os.path.join(folder, "slice-%03d.dcm" % (n * slices + k + 1)), enforce_file_format=True)


def main():
    spec_path = sys.argv[1]
    with open(spec_path) as f:
        spec = json.load(f)
    root = os.path.dirname(os.path.abspath(spec_path))
    for study in spec["studies"]:
        for series in study["series"]:
            write_series(root, study.get("patient", spec["patient"]), study, series)


if __name__ == "__main__":
    main()
