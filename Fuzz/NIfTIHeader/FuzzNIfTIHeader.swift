import Glibc
import LesionIO

/// A private file per process, rewritten for each input, in the working folder (`Fuzz/run` runs
/// each target in its own folder and removes it afterwards), so nothing is left in /tmp.
nonisolated(unsafe) var scratch: (plain: String, gzip: String)? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNIfTIHeader(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if scratch == nil {
        let folder = "scratch-\(getpid())"
        mkdir(folder, 0o700)
        scratch = (folder + "/input.nii", folder + "/input.nii.gz")
    }
    let bytes = UnsafeBufferPointer(start: data, count: count)
    let path = count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b ? scratch!.gzip : scratch!.plain
    guard let file = fopen(path, "wb") else { return 0 }
    _ = fwrite(data, 1, count, file)
    fclose(file)
    // A small cap keeps a hostile header from sizing a large allocation: the check must refuse it.
    let reader = NIfTIReader(maximumVolumeBytes: 8 << 20)
    if (try? reader.readHeader(path)) != nil {
        _ = try? reader.read(path)
    }
    return 0
}
