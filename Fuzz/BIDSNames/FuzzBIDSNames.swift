import LesionReview
import LesionStudy

/// The input is `PATTERN \n NAME \n DATE`: a pattern matched against a name, the name's NIfTI stem,
/// the name parsed as a series rule's BIDS name (`anat/ce-gadolinium_T1w`), and a date or date-time
/// as `acq_time` holds it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBIDSNames(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    let pattern = FileNamePattern(parts[0])
    let name = parts.count > 1 ? parts[1] : parts[0]
    _ = pattern.matches(name)
    _ = FileNamePattern.niftiStem(name)
    if let parsed = BIDSName.parse(name).name {
        _ = parsed.stem(participant: "sub-01", session: "ses-01", run: 1)
        _ = parsed.description
    }
    if parts.count > 2, let date = ISODateTime(parts[2]) { _ = date.description }
    return 0
}
