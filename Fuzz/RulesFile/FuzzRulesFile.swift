import LesionStudy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRulesFile(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? RulesFile.parse(Array(UnsafeBufferPointer(start: data, count: count)), path: "fuzz.yaml")
    return 0
}
