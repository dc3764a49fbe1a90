import Testing

@testable import LesionBatch

@Suite("Progress bar lines")
struct ProgressLineTests {
    @Test("the bar fills with the items done and estimates the time left from the mean time per item")
    func barLine() {
        #expect(
            ProgressReporter.barLine(done: 0, total: 4, elapsed: 0, what: "report: 0/4 pages") == "[" + String(repeating: ".", count: 24)
                + "] report: 0/4 pages, ETA --:--")
        #expect(
            ProgressReporter.barLine(done: 1, total: 4, elapsed: 25, what: "report: 1/4 pages")
                == "[" + String(repeating: "#", count: 6) + String(repeating: ".", count: 18) + "] report: 1/4 pages, ETA 1:15")
        #expect(
            ProgressReporter.barLine(done: 4, total: 4, elapsed: 99, what: "x") == "[" + String(repeating: "#", count: 24) + "] x, ETA 0:00"
        )
    }
}
