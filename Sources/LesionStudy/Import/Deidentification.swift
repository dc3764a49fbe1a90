/// What the import removes so that no output names the patient, and how a participant label is
/// made from a patient ID without revealing it.
///
/// dcm2niix's anonymised sidecars (`-ba y`) already leave out the patient's name, ID, birth date,
/// sex, age, weight, the accession number, the referring physician, the study and series UIDs and
/// the acquisition date. They keep the institution, its address, the station and the device's
/// serial number, so the import removes those keys as well (and the first group again, should a
/// dcm2niix version write them).
public enum Deidentification {
    /// Sidecar keys never written into the study.
    public static let removedSidecarKeys: Set<String> = [
        "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge", "PatientWeight", "PatientSize",
        "OtherPatientIDs", "PatientAddress", "PatientTelephoneNumbers", "AccessionNumber", "StudyID", "StudyInstanceUID",
        "SeriesInstanceUID", "FrameOfReferenceUID", "ReferringPhysicianName", "PerformingPhysicianName", "OperatorsName",
        "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "StationName", "DeviceSerialNumber",
        "AcquisitionDateTime", "AcquisitionDate", "StudyDate", "SeriesDate", "ContentDate", "StudyDescription",
    ]

    /// How many hexadecimal digits of the SHA-256 a salted label keeps (48 bits).
    public static let labelDigits = 12

    /// The participant label of a patient: the first `labelDigits` hexadecimal digits of
    /// SHA-256(`salt` + ":" + `patientID`). The same salt and ID always give the same label; without
    /// the salt the ID cannot be checked against it.
    public static func saltedLabel(patientID: String, salt: String) -> String {
        String(SHA256.hex(Array((salt + ":" + patientID).utf8)).prefix(labelDigits))
    }
}
