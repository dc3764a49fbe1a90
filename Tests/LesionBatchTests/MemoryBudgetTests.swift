@testable import LesionBatch
import Testing

@Suite("The memory budget")
struct MemoryBudgetTests {
    @Test("a reservation waits while the budget is spent, and a huge one runs alone")
    func waits() async {
        let budget = MemoryBudget(capacityBytes: 100)
        await budget.reserve(60)
        let second = Task {
            await budget.reserve(60); return "second"
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await budget.reserved == 60, "the second reservation must wait")
        await budget.release(60)
        _ = await second.value
        #expect(await budget.reserved == 60)
        let huge = Task { await budget.reserve(500) }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(await budget.reserved == 60, "an oversized reservation waits for an empty budget")
        await budget.release(60)
        await huge.value
        #expect(await budget.reserved == 500)
        await budget.release(500)
        #expect(await budget.reserved == 0)
    }
}
