@testable import LesionBatch
import Testing

@Suite("The memory budget")
struct MemoryBudgetTests {
    /// Yields until `count` reservations wait (or gives up after many yields): the waiting is
    /// observed, not assumed from a sleep, so a budget that never blocks fails the test.
    func untilWaiting(_ budget: MemoryBudget, _ count: Int) async -> Int {
        for _ in 0..<100_000 where await budget.waitingCount < count { await Task.yield() }
        return await budget.waitingCount
    }

    @Test("a reservation waits while the budget is spent, and a huge one runs alone")
    func waits() async {
        let budget = MemoryBudget(capacityBytes: 100)
        await budget.reserve(60)
        let second = Task {
            await budget.reserve(60); return "second"
        }
        #expect(await untilWaiting(budget, 1) == 1, "the second reservation must wait")
        #expect(await budget.reserved == 60)
        await budget.release(60)
        _ = await second.value
        #expect(await budget.reserved == 60)
        let huge = Task { await budget.reserve(500) }
        #expect(await untilWaiting(budget, 1) == 1, "an oversized reservation waits for an empty budget")
        #expect(await budget.reserved == 60)
        await budget.release(60)
        await huge.value
        #expect(await budget.reserved == 500)
        await budget.release(500)
        #expect(await budget.reserved == 0)
    }
}
