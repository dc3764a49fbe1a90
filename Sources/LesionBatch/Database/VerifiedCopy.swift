import LesionIO
import LesionStudy

/// Copies a file atomically in 1 MiB blocks and checks the copy's SHA-256 against an expected
/// digest before it appears under its final name.
enum VerifiedCopy {
    static func copy(_ source: String, to destination: String, sha256 expected: String) throws(ScanError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw ScanError(source, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(input) }
        try AtomicFile.write(to: destination) { (output: Int32) throws(ScanError) in
            var hash = SHA256()
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw ScanError(source, "read error: \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                buffer.withUnsafeBufferPointer { hash.update(UnsafeBufferPointer(rebasing: $0[0..<n])) }
                var done = 0
                while done < n {
                    let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + done, n - done) }
                    if w < 0 && errno == EINTR { continue }
                    guard w > 0 else {
                        throw ScanError(destination, "cannot write output: \(String(cString: strerror(errno)))", kind: .output)
                    }
                    done += w
                }
            }
            guard hash.hexDigest() == expected else {
                throw ScanError(
                    source,
                    "changed since the run that wrote it (its SHA-256 differs from the one in its database): run that participant again")
            }
        }
    }
}
