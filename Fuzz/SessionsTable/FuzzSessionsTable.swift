import LesionStudy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSessionsTable(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let text = try? BIDSTable.text(of: bytes, path: "sub-01_sessions.tsv"),
        let table = try? BIDSTable(path: "sub-01_sessions.tsv", text: text)
    else { return 0 }
    _ = table.rowIndex(where: "session_id", is: "ses-01")
    _ = table.value("acq_time", row: 0)
    return 0
}
