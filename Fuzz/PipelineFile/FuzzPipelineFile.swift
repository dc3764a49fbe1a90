import LesionStudy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipelineFile(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    _ = try? PipelineFile.parse(Array(UnsafeBufferPointer(start: data, count: count)), path: "fuzz.yaml")
    return 0
}
