import CAllocator
#if canImport(Glibc)
import Glibc
#endif

/// Timing and memory measurement for benchmarks.
public enum Measure {
    /// Seconds on a monotonic clock.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// CPU seconds used by the calling thread: unaffected by other processes taking turns on the cores.
    public static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// The median of `repetitions` timed runs after one warm-up run, in milliseconds, and the last result.
    /// With `cpu`, single-threaded work is timed by the thread's CPU time instead of the wall clock.
    public static func median<R>(_ repetitions: Int, cpu: Bool = false, _ body: () -> R) -> (ms: Double, result: R) {
        let clock = cpu ? threadCPU : now
        var result = body()
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = clock()
            result = body()
            times.append((clock() - start) * 1000)
        }
        times.sort()
        return (times[times.count / 2], result)
    }

    /// Resets the kernel's peak-RSS mark (Linux `clear_refs` 5); false where unsupported.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// `VmRSS` and `VmHWM` (peak) of this process in bytes, from /proc/self/status.
    public static func memory() -> (resident: Int, peak: Int) {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return (0, 0) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return (0, 0) }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    /// The extra peak memory `body` used above what was resident when it started, in bytes.
    ///
    /// Free heap memory is first given back to the system (`malloc_trim`): where the program keeps
    /// freed memory for reuse (`lt_allocator_keep_freed_memory`), `body` would otherwise run in
    /// pages the process already holds and seem to need none.
    public static func extraPeak<R>(_ body: () -> R) -> (bytes: Int, result: R) {
        lt_allocator_release_freed_memory()
        resetPeak()
        let before = memory().resident
        let result = body()
        return (max(0, memory().peak - before), result)
    }
}
