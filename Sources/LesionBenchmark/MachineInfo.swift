#if canImport(Glibc)
import Glibc
#endif

/// What the benchmark ran on: processor, cores and memory, from /proc.
public struct MachineInfo: Sendable {
    public let processor: String
    public let cores: Int
    public let memoryGiB: Double

    public static func current() -> MachineInfo {
        let cpu = read("/proc/cpuinfo")
        let model =
            cpu.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingSpaces() } ?? "" } ?? "unknown processor"
        let mem =
            read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return MachineInfo(processor: model, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), memoryGiB: mem / 1_048_576)
    }

    public var summary: String {
        "\(processor), \(cores) cores, \(Int(memoryGiB.rounded())) GiB"
    }

    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
